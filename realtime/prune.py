"""Keeping the outbox small: events older than the retention go; a new epoch tells every
page that reconnects to reload rather than trust a replay the outbox can no longer give.

Replay needs REALTIME_REPLAY_SECONDS of history, so pruning inside that window starts a
new epoch by itself. Readers of the outbox that keep a cursor (the notification
projector) run every few seconds; a retention of days leaves them far behind nothing.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from realtime.models import Event, StreamEpoch

BATCH = 10_000  # deleted per statement, so a big backlog never holds one long lock


def prune_events(*, older_than: dt.timedelta, new_epoch: bool = False) -> tuple[int, bool]:
    """Delete events written before now − `older_than`; returns (deleted, epoch changed)."""
    cutoff = timezone.now() - older_than
    deleted = 0
    while True:
        ids = list(Event.objects.filter(created_at__lt=cutoff).values_list("id", flat=True)[:BATCH])
        if not ids:
            break
        deleted += Event.objects.filter(id__in=ids).delete()[0]
    inside_window = older_than < dt.timedelta(seconds=settings.REALTIME_REPLAY_SECONDS)
    changed = new_epoch or (inside_window and deleted > 0)
    if changed:
        start_new_epoch()
    return deleted, changed


def start_new_epoch() -> str:
    """Every page that reconnects from now on reloads its data (after a restore, say)."""
    with transaction.atomic():
        return StreamEpoch.objects.create().token
