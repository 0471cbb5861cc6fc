"""Who may open the event socket: a page with its session from an allowed origin, a phone
with its bearer token; nobody from another site, no bad or revoked token."""

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing.websocket import WebsocketCommunicator
from django.conf import settings
from django.test import Client, override_settings

from accounts.socket_auth import SocketAuth
from accounts.tokens import token_issue, token_revoke
from realtime.routing import websocket_urlpatterns

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

ALLOWED = b"http://127.0.0.1"
FOREIGN = b"http://evil.example"


def app():
    return SocketAuth(URLRouter(websocket_urlpatterns))


def session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}".encode()


async def opened(headers: list[tuple[bytes, bytes]]) -> tuple[bool, object, WebsocketCommunicator]:
    communicator = WebsocketCommunicator(app(), "/ws/events/", headers=headers)
    connected, detail = await communicator.connect()
    return connected, detail, communicator


async def test_a_phone_opens_the_socket_with_its_token_and_gets_its_groups(people):
    token = await sync_to_async(token_issue)(user=people["worker"])
    connected, _, socket = await opened([(b"authorization", f"Bearer {token}".encode())])
    assert connected
    hello = await socket.receive_json_from()
    assert "staff.310101001001001" in hello["groups"]
    await socket.disconnect()


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param([(b"authorization", b"Bearer not-a-token")], id="bad-token"),
        pytest.param([(b"authorization", b"Bearer ")], id="empty-token"),
        pytest.param([(b"authorization", b"Basic dXNlcjpwYXNz")], id="not-bearer"),
    ],
)
async def test_a_bad_token_is_refused(headers):
    connected, code, _ = await opened(headers)
    assert not connected
    assert code == 4401


async def test_a_token_from_another_sites_page_is_refused(people):
    token = await sync_to_async(token_issue)(user=people["worker"])
    headers = [(b"authorization", f"Bearer {token}".encode()), (b"origin", FOREIGN)]
    connected, _, _ = await opened(headers)
    assert not connected


@pytest.mark.parametrize(
    ("origin", "accepted"),
    [
        pytest.param(ALLOWED, True, id="own-site"),
        pytest.param(FOREIGN, False, id="another-site"),
        pytest.param(None, False, id="no-origin"),
    ],
)
async def test_a_session_socket_must_come_from_the_sites_own_pages(origin, accepted, people):
    cookie = await sync_to_async(session_cookie)(people["supervisor"])
    headers = [(b"cookie", cookie)] + ([(b"origin", origin)] if origin else [])
    connected, _, socket = await opened(headers)
    assert connected is accepted
    if connected:
        await socket.disconnect()


@override_settings(REALTIME_SESSION_CHECK_SECONDS=0.2)
async def test_a_revoked_token_closes_its_socket(people):
    token = await sync_to_async(token_issue)(user=people["worker"])
    connected, _, socket = await opened([(b"authorization", f"Bearer {token}".encode())])
    assert connected
    await socket.receive_json_from()
    await sync_to_async(token_revoke)(key=token)
    closed = await socket.receive_output(timeout=3)
    assert closed == {"type": "websocket.close", "code": 4401}
