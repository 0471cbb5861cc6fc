"""A socket that reconnects gets what it missed from the outbox, in order, once; the relay
delivers what the channel layer never sent; a shared read serves a mass reconnect."""

import asyncio
import datetime as dt

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from channels.testing.websocket import WebsocketCommunicator
from django.test import override_settings
from django.utils import timezone

from feedback import services
from realtime import health
from realtime.groups import staff_groups_upwards
from realtime.models import Event
from realtime.outbox import current_epoch
from realtime.publish import emit
from tests.feedback.flows import reported
from tests.realtime.test_consumers import LAYERS

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

OURS, THEIRS = "310101001002001", "310101002001001"  # grids of two neighbouring streets


async def open_socket(user, query: str = "") -> tuple[WebsocketCommunicator, dict]:
    from realtime.consumers import EventStreamConsumer

    communicator = WebsocketCommunicator(EventStreamConsumer.as_asgi(), f"/ws/events/{query}")
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    assert connected
    return communicator, await communicator.receive_json_from(timeout=3)


async def everything(communicator, timeout: float = 0.5) -> list[dict]:
    received = []
    while not await communicator.receive_nothing(timeout=timeout):
        received.append(await communicator.receive_json_from())
    return received


def emit_now(code: str, kind: str = "case.report", n: int = 0) -> int:
    from django.db import transaction

    with transaction.atomic():
        audience = staff_groups_upwards(code)
        return emit(area_code=code, kind=kind, payload={"n": n}, audience=audience)


def write_without_sending(code: str, n: int = 0) -> int:
    """An outbox row whose send never happened (the process died after the commit)."""
    return Event.objects.create(
        area_code=code, kind="case.report", payload={"n": n}, audience=staff_groups_upwards(code)
    ).pk


async def test_a_reconnecting_socket_gets_what_it_missed_of_its_area_in_order(
    two_street_supervisors,
):
    first, _second = two_street_supervisors
    socket, hello = await open_socket(first)
    await socket.disconnect()
    # while it was away: two events in its street, one in the neighbouring street
    ours = [await sync_to_async(emit_now)(OURS, n=n) for n in (1, 2)]
    await sync_to_async(emit_now)(THEIRS, n=3)
    socket, again = await open_socket(first, f"?since={hello['last']}&epoch={hello['epoch']}")
    received = await everything(socket)
    assert [m.get("id") for m in received] == [*ours, None]
    assert [m["data"]["n"] for m in received[:2]] == [1, 2]
    assert received[-1] == {"type": "replay.done", "count": 2}
    assert again["last"] == max(ours) + 1  # the neighbour's event exists, but is not ours
    await socket.disconnect()


async def test_a_late_commit_below_the_last_id_is_replayed_and_repeats_are_not(
    two_street_supervisors,
):
    first, _ = two_street_supervisors
    earlier = await sync_to_async(emit_now)(OURS, n=1)
    later = await sync_to_async(emit_now)(OURS, n=2)
    # the page holds `later` (its id is the highest it saw) but never got `earlier`,
    # which committed after it: both are inside the late-commit margin
    epoch = await sync_to_async(current_epoch)()
    socket, _ = await open_socket(first, f"?since={later}&epoch={epoch}")
    received = await everything(socket)
    ids = [m["id"] for m in received if "id" in m]
    assert earlier in ids
    assert len(ids) == len(set(ids))
    await socket.disconnect()


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("?since={last}&epoch=another", id="another-epoch"),
        pytest.param("?since={beyond}&epoch={epoch}", id="ids-went-backwards"),
    ],
)
async def test_a_socket_that_cannot_be_replayed_is_told_to_reload(query, two_street_supervisors):
    first, _ = two_street_supervisors
    last = await sync_to_async(emit_now)(OURS)
    epoch = await sync_to_async(current_epoch)()
    asked = query.format(last=last, beyond=last + 1000, epoch=epoch)
    socket, _ = await open_socket(first, asked)
    assert await everything(socket) == [{"type": "reset"}]
    await socket.disconnect()


@override_settings(REALTIME_REPLAY_SECONDS=60)
async def test_a_socket_away_longer_than_the_window_is_told_to_reload(two_street_supervisors):
    first, _ = two_street_supervisors
    old = await sync_to_async(emit_now)(OURS)
    two_hours_ago = timezone.now() - dt.timedelta(hours=2)
    await sync_to_async(lambda: Event.objects.filter(pk=old).update(created_at=two_hours_ago))()
    await sync_to_async(emit_now)(OURS)
    epoch = await sync_to_async(current_epoch)()
    socket, _ = await open_socket(first, f"?since={old}&epoch={epoch}")
    assert await everything(socket) == [{"type": "reset"}]
    await socket.disconnect()


async def test_a_mass_reconnect_shares_its_outbox_reads(two_street_supervisors):
    first, _ = two_street_supervisors
    last = await sync_to_async(emit_now)(OURS, n=0)
    missed = [await sync_to_async(emit_now)(OURS, n=n) for n in (1, 2, 3)]
    epoch = await sync_to_async(current_epoch)()
    before = health.snapshot()["replay_reads"]
    # 40 pages reconnect at the same moment (a server restart dropped them all)
    opened = await asyncio.gather(
        *[open_socket(first, f"?since={last}&epoch={epoch}") for _ in range(40)]
    )
    for socket, _ in opened:
        received = await everything(socket, timeout=0.2)
        assert [m["id"] for m in received if "id" in m] == missed
    assert health.snapshot()["replay_reads"] - before <= 2
    await asyncio.gather(*[socket.disconnect() for socket, _ in opened])


@override_settings(REALTIME_RELAY_SECONDS=0.2)
async def test_the_relay_sends_an_event_the_channel_layer_never_sent(two_street_supervisors):
    first, second = two_street_supervisors
    socket, _ = await open_socket(first)
    neighbour, _ = await open_socket(second)
    before = health.snapshot()["relay_delivered"]
    event_id = await sync_to_async(write_without_sending)(OURS, n=9)
    message = await socket.receive_json_from(timeout=5)
    assert message == {"id": event_id, "type": "case.report", "area": OURS, "data": {"n": 9}}
    assert health.snapshot()["relay_delivered"] == before + 1
    assert await neighbour.receive_nothing(timeout=1.5)
    await socket.disconnect(), await neighbour.disconnect()


@pytest.mark.parametrize("layers", LAYERS)
@override_settings(REALTIME_RELAY_SECONDS=0.2)
async def test_an_event_sent_by_the_layer_and_seen_by_the_relay_arrives_once(
    layers, two_street_supervisors
):
    first, _ = two_street_supervisors
    with override_settings(CHANNEL_LAYERS=layers):
        channel_layers.backends.clear()
        socket, _ = await open_socket(first)
        event_id = await sync_to_async(emit_now)(OURS)
        received = await everything(socket, timeout=2.0)  # several relay rounds
        assert [m["id"] for m in received] == [event_id]
        await socket.disconnect()
        channel_layers.backends.clear()


async def test_replay_gives_a_resident_none_of_a_neighbours_hidden_case(people, categories):
    mine, hello = await open_socket(people["resident"])
    other, other_hello = await open_socket(people["other_resident"])
    await mine.disconnect(), await other.disconnect()
    # while both were away: the resident's sensitive case, hidden by the supervisor
    case = await sync_to_async(reported)(people, categories, category="dispute")
    await sync_to_async(services.case_hide)(
        actor=people["supervisor"], case_id=case.pk, reason="含个人信息"
    )
    query = "?since={last}&epoch={epoch}"
    mine, _ = await open_socket(people["resident"], query.format(**hello))
    other, _ = await open_socket(people["other_resident"], query.format(**other_hello))
    assert [m["data"]["number"] for m in await everything(mine) if "id" in m] == [case.number] * 2
    assert await everything(other) == [{"type": "replay.done", "count": 0}]
    await mine.disconnect(), await other.disconnect()


@override_settings(REALTIME_RELAY_SECONDS=0.2, REALTIME_RELAY_GRACE_SECONDS=0.3)
async def test_the_relay_leaves_alone_what_the_layer_brought(two_street_supervisors):
    first, _ = two_street_supervisors
    socket, _ = await open_socket(first)
    before = health.snapshot()
    event_id = await sync_to_async(emit_now)(OURS)
    assert (await socket.receive_json_from(timeout=3))["id"] == event_id
    assert await socket.receive_nothing(timeout=1.5)  # several relay rounds
    after = health.snapshot()
    # the relay did not even offer it: no second send, no repeat to drop
    assert after["relay_delivered"] == before["relay_delivered"]
    assert after["duplicates_dropped"] == before["duplicates_dropped"]
    await socket.disconnect()
