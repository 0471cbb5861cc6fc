"""The only code that touches the channel layer: events leave after commit."""

import json

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def publish_on_commit(group: str, event: dict) -> None:
    """Send `event` to `group` once the surrounding transaction commits.

    The JSON round trip makes an unserialisable payload fail here, in the caller's test,
    not later in a socket.
    """
    payload = json.loads(json.dumps(event))
    transaction.on_commit(lambda: _send(group, payload))


def _send(group: str, event: dict) -> None:
    layer = get_channel_layer()
    async_to_sync(layer.group_send)(group, {"type": "event.message", "event": event})
