"""A notice published to an area arrives on the sockets of the people of that area, live,
and on no neighbour's (the real consumer, joined by the access policies' groups)."""

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from django.test import override_settings

from tests.notices.conftest import GRID, STREET, publish
from tests.realtime.test_consumers import connect_as

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]
MEMORY = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


async def notices_received(communicator, timeout: float = 0.5) -> list[tuple[str, int]]:
    """(kind, notice id) of every notice event until none comes for `timeout` s."""
    received = []
    while not await communicator.receive_nothing(timeout=timeout):
        message = await communicator.receive_json_from()
        if message.get("type", "").startswith("notice."):
            received.append((message["type"], message["data"]["notice"]))
    return received


@override_settings(CHANNEL_LAYERS=MEMORY)
async def test_a_grid_notice_reaches_its_grid_live_and_a_street_notice_the_whole_street(cast):
    channel_layers.backends.clear()
    sockets = {
        name: await connect_as(cast[name])
        for name in ("resident", "resident_next_grid", "supervisor", "supervisor_next_street")
    }
    for socket in sockets.values():
        assert (await socket.receive_json_from(timeout=3))["type"] == "hello"
    # when the grid worker publishes to their grid
    grid_notice = await sync_to_async(publish)(cast["grid_worker"], GRID)
    got = {name: await notices_received(socket) for name, socket in sockets.items()}
    # then its resident and the street's supervisor hear it once; the next grid, nothing
    assert got["resident"] == [("notice.publish", grid_notice.pk)]
    assert got["supervisor"] == [("notice.publish", grid_notice.pk)]
    assert got["resident_next_grid"] == [] and got["supervisor_next_street"] == []
    # and a notice to the street reaches both grids' residents, not the next street
    street_notice = await sync_to_async(publish)(cast["supervisor"], STREET)
    got = {name: await notices_received(socket) for name, socket in sockets.items()}
    assert got["resident"] == got["resident_next_grid"] == [("notice.publish", street_notice.pk)]
    assert got["supervisor_next_street"] == []
    for socket in sockets.values():
        await socket.disconnect()
    channel_layers.backends.clear()
