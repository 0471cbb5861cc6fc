"""The only code that touches the channel layer: events leave after commit.

`emit` writes the event to the outbox in the caller's transaction and, once that
transaction commits, sends it to the groups of the area and of every area above it, so a
supervisor of a street sees what happens in each of its grids.
"""

import json

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from realtime.groups import area_group, area_groups_upwards


def emit(*, area_code: str, kind: str, payload: dict) -> int:
    """Record an event for `area_code` and publish it after commit; returns its id."""
    from realtime.models import Event

    payload = json.loads(json.dumps(payload))  # an unserialisable payload fails here
    event = Event.objects.create(area_code=area_code, kind=kind, payload=payload)
    message = {"id": event.pk, "type": kind, "area": area_code, "data": payload}
    groups = area_groups_upwards(area_code)
    transaction.on_commit(lambda: _send_all(groups, message))
    return event.pk


def publish_on_commit(group: str, event: dict) -> None:
    """Send `event` to `group` once the surrounding transaction commits.

    The JSON round trip makes an unserialisable payload fail here, in the caller's test,
    not later in a socket.
    """
    payload = json.loads(json.dumps(event))
    transaction.on_commit(lambda: _send_all([group], payload))


def _send_all(groups: list[str], event: dict) -> None:
    """One hop into the event loop for all groups: each hop costs more than a send."""
    async_to_sync(_group_send_all)(groups, {"type": "event.message", "event": event})


async def _group_send_all(groups: list[str], message: dict) -> None:
    layer = get_channel_layer()
    for group in groups:
        await layer.group_send(group, message)


__all__ = ["area_group", "emit", "publish_on_commit"]
