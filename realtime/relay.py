"""The relay: what the channel layer did not bring, from the outbox.

The channel layer is fast but forgets: a Redis restart, a dropped publish or a sender
that died with the process loses a message for good. The outbox does not. So each
process reads the outbox every REALTIME_RELAY_SECONDS, once for all its sockets, and
sends each (event, group) the hub has not served yet (realtime.hub notes what the layer
brought). With a healthy layer the relay finds nothing to send; when Redis comes back
after an outage, the relay has already filled the gap. Events younger than
REALTIME_RELAY_GRACE_SECONDS are left to the layer for another round (a busy layer may be
seconds late without having lost anything).
"""

import asyncio
import contextlib
import datetime as dt
import logging
from typing import TYPE_CHECKING

from channels.db import database_sync_to_async
from django.conf import settings
from django.utils import timezone

from realtime.outbox import late, read_new, relay_start

if TYPE_CHECKING:
    from realtime.hub import Hub

log = logging.getLogger(__name__)


async def run_relay(hub: "Hub") -> None:
    known_since = timezone.now()
    cursor, known = await database_sync_to_async(relay_start)(known_since)
    while True:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(hub.wake.wait(), settings.REALTIME_RELAY_SECONDS)
        hub.wake.clear()
        started = timezone.now()
        try:
            rows = await database_sync_to_async(read_new)(cursor, known_since, set(known))
        except Exception:  # the database is away: try again next round
            log.exception("outbox relay read failed")
            continue
        ripe = started - dt.timedelta(seconds=settings.REALTIME_RELAY_GRACE_SECONDS)
        for row in rows:
            if row.created_at > ripe:
                continue  # in flight through the layer; read again next round
            message = row.message()
            due = [g for g in row.audience if g in hub.members and not hub.served(row.id, g)]
            if due:
                await hub.fan_out([(message, group) for group in due], by="relay")
            known[row.id] = row.created_at
            cursor = max(cursor, row.id)
        known = {pk: at for pk, at in known.items() if at >= started - late()}
        known_since = started - dt.timedelta(seconds=settings.REALTIME_RELAY_GRACE_SECONDS)
