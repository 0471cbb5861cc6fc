"""Through the app as served (config.asgi): HTTP runs Django in a2wsgi's threads, and a
case event reaches a socket on the server's own event loop after commit."""

import json

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from channels.testing import HttpCommunicator
from django.test import override_settings

from accounts.tokens import token_issue
from realtime import publish
from tests.feedback.conftest import GRID
from tests.realtime.test_consumers import LAYERS, connect_as


@pytest.fixture
def served():
    from config.asgi import application

    yield application
    publish.unbind_server_loop()  # the test's loop closes with the test


async def post_report(application, token: str, body: dict):
    communicator = HttpCommunicator(
        application,
        "POST",
        "/api/v1/cases",
        body=json.dumps(body).encode(),
        headers=[
            (b"host", b"testserver"),
            (b"content-type", b"application/json"),
            (b"authorization", f"Bearer {token}".encode()),
        ],
    )
    return await communicator.get_response(timeout=10)


@pytest.mark.parametrize("layers", LAYERS)
@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_report_over_http_reaches_the_street_supervisor_and_not_the_neighbour(
    layers, served, people, categories
):
    with override_settings(CHANNEL_LAYERS=layers):
        channel_layers.backends.clear()
        supervisor = await connect_as(people["supervisor"])
        neighbour = await connect_as(people["neighbour_supervisor"])
        await supervisor.receive_json_from()
        await neighbour.receive_json_from()
        token = await sync_to_async(token_issue)(user=people["worker"])
        body = {"client_id": "6f1c1c52-7d0e-4a35-9d52-2f5b8a0d8e11", "category": "1301",
                "description": "占道摆摊", "grid_code": GRID}  # fmt: skip
        # when the grid worker reports through the served app
        response = await post_report(served, token, body)
        assert response["status"] == 201, response["body"]
        case = json.loads(response["body"])
        # then the street's supervisor is told, by the server's loop, and the neighbour not
        event = await supervisor.receive_json_from(timeout=5)
        assert event["type"] == "case.report"
        assert event["data"]["number"] == case["number"]
        assert event["area"] == GRID
        assert publish._sender is not None and publish._sender.loop is not None
        assert await neighbour.receive_nothing(timeout=0.3)
        await supervisor.disconnect()
        await neighbour.disconnect()
        channel_layers.backends.clear()


@pytest.mark.parametrize("layers", LAYERS)
@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_failed_send_does_not_stop_the_events_sent_with_or_after_it(layers, people):
    import asyncio

    with override_settings(CHANNEL_LAYERS=layers):
        channel_layers.backends.clear()
        supervisor = await connect_as(people["supervisor"])
        await supervisor.receive_json_from()
        sender = publish.LoopSender(asyncio.get_running_loop())
        # a group name the layer refuses, then two good events, sent from another thread
        await sync_to_async(sender.submit)(["not a valid group!"], {"type": "event.message"})
        for n in (1, 2):
            message = {"type": "event.message", "event": {"n": n}}
            await sync_to_async(sender.submit)(["staff.310101001"], message)
        await sender.drained()
        assert await supervisor.receive_json_from(timeout=3) == {"n": 1}
        assert await supervisor.receive_json_from(timeout=3) == {"n": 2}
        await supervisor.disconnect()
        channel_layers.backends.clear()
