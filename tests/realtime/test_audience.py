"""A socket receives what its user may open, and nothing else; it closes when the login
session behind it ends (feedback.access decides the groups, realtime only carries them)."""

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from channels.testing.websocket import WebsocketCommunicator
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client, override_settings

from accounts.roles import role_remove
from feedback import services
from tests.feedback.flows import reported
from tests.realtime.test_consumers import LAYERS, connect_as

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def hello(communicator) -> list[str]:
    return (await communicator.receive_json_from(timeout=3))["groups"]


async def numbers_received(communicator, timeout: float = 0.5) -> list[str]:
    """The case numbers of every event that arrives until none comes for `timeout` s."""
    numbers = []
    while not await communicator.receive_nothing(timeout=timeout):
        numbers.append((await communicator.receive_json_from())["data"]["number"])
    return numbers


@pytest.mark.parametrize("layers", LAYERS)
async def test_a_resident_receives_their_own_cases_and_not_a_neighbours_sensitive_one(
    layers, people, categories
):
    with override_settings(CHANNEL_LAYERS=layers):
        channel_layers.backends.clear()
        # given two residents of one community, connected
        mine, other = (
            await connect_as(people["resident"]),
            await connect_as(people["other_resident"]),
        )
        await hello(mine), await hello(other)
        # when one reports a sensitive case, and a supervisor hides and registers it
        case = await sync_to_async(reported)(people, categories, category="dispute")
        await sync_to_async(services.case_hide)(
            actor=people["supervisor"], case_id=case.pk, reason="含个人信息"
        )
        # then the reporter hears every move of their case; the neighbour nothing at all
        assert await numbers_received(mine) == [case.number, case.number]
        assert await numbers_received(other) == []
        await mine.disconnect(), await other.disconnect()
        channel_layers.backends.clear()


@pytest.mark.parametrize("layers", LAYERS)
async def test_a_handler_receives_the_dispatches_of_their_department_only(
    layers, people, categories
):
    with override_settings(CHANNEL_LAYERS=layers):
        channel_layers.backends.clear()
        ours = await connect_as(people["handler"])  # city department
        theirs = await connect_as(people["other_handler"])  # housing department
        groups = await hello(ours)
        await hello(theirs)
        assert not any(group.startswith("staff.") for group in groups)
        # a report is nobody's business in a department until it is dispatched there
        case = await sync_to_async(reported)(people, categories)
        assert await numbers_received(ours) == []
        await sync_to_async(services.case_register)(actor=people["supervisor"], case_id=case.pk)
        await sync_to_async(services.case_dispatch)(actor=people["supervisor"], case_id=case.pk)
        assert await numbers_received(ours) == [case.number]
        assert await numbers_received(theirs) == []
        await ours.disconnect(), await theirs.disconnect()
        channel_layers.backends.clear()


def signed_in_session(user) -> str:
    client = Client()
    client.force_login(user)
    return client.session.session_key


async def connect_served(session_key: str) -> WebsocketCommunicator:
    """Through the app as served: cookie → session → user (channels' auth middleware)."""
    from config.asgi import application

    communicator = WebsocketCommunicator(
        application,
        "/ws/events/",
        headers=[
            (b"host", b"testserver"),
            (b"origin", b"http://testserver"),
            (b"cookie", f"sessionid={session_key}".encode()),
        ],
    )
    connected, _ = await communicator.connect()
    assert connected
    return communicator


@override_settings(ALLOWED_HOSTS=["testserver"])
async def test_logging_out_closes_the_sockets_of_that_session_at_once(people):
    channel_layers.backends.clear()
    key = await sync_to_async(signed_in_session)(people["supervisor"])
    socket = await connect_served(key)
    await hello(socket)
    # when the same session logs out through the page
    client = Client()
    client.cookies["sessionid"] = key
    response = await sync_to_async(client.post)("/logout/")
    assert response.status_code == 302
    # then the socket is closed as signed out, without waiting for a check
    closed = await socket.receive_output(timeout=3)
    assert closed == {"type": "websocket.close", "code": 4401}
    channel_layers.backends.clear()


@override_settings(REALTIME_SESSION_CHECK_SECONDS=0.2, ALLOWED_HOSTS=["testserver"])
async def test_a_socket_closes_when_its_session_expires_or_is_deleted(people):
    channel_layers.backends.clear()
    key = await sync_to_async(signed_in_session)(people["worker"])
    socket = await connect_served(key)
    await hello(socket)
    await sync_to_async(SessionStore(session_key=key).delete)()
    closed = await socket.receive_output(timeout=3)
    assert closed == {"type": "websocket.close", "code": 4401}
    channel_layers.backends.clear()


@override_settings(REALTIME_SESSION_CHECK_SECONDS=0.2)
async def test_a_socket_closes_when_its_user_is_deactivated(people):
    channel_layers.backends.clear()
    socket = await connect_as(people["clerk"])
    await hello(socket)
    user = people["clerk"]
    user.is_active = False
    await sync_to_async(user.save)()
    closed = await socket.receive_output(timeout=3)
    assert closed == {"type": "websocket.close", "code": 4401}
    channel_layers.backends.clear()


@override_settings(REALTIME_SESSION_CHECK_SECONDS=0.2)
async def test_a_socket_is_told_to_reconnect_when_its_users_roles_change(people):
    channel_layers.backends.clear()
    socket = await connect_as(people["worker"])
    await hello(socket)
    for assignment in await sync_to_async(list)(people["worker"].roles.all()):
        await sync_to_async(role_remove)(assignment=assignment, by=people["supervisor"])
    closed = await socket.receive_output(timeout=3)
    assert closed == {"type": "websocket.close", "code": 4409}
    channel_layers.backends.clear()
