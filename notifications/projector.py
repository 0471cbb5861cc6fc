"""The projector: reads the event outbox in id order and fills the inboxes.

It keeps a durable cursor (ProjectorCursor): the highest event id passed. Ids are taken
when a row is written, not when its transaction commits, so an event can become visible
after ones with higher ids (a transaction that began first commits later; PostgreSQL
ids are also reserved in blocks per process, infra.db.next_id). Each run therefore also
re-reads the events at or below the cursor written in the last
settings.REALTIME_LATE_COMMIT_SECONDS and projects those it has not seen (the cursor
keeps the ids it saw inside that window). An event that commits later than that is
missed.

The recipients come from the domains (notifications.sources). Rows are written in bulk;
the unique (user, event, kind) makes a re-run or two overlapping projectors harmless.
Each user who got something is sent one "notification.new" event per run with their
unread count, so an open page updates its badge. Nothing here runs in a request: the
embedded scheduler (config/scheduler.py) or `manage.py project_notifications` calls it.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from notifications.models import Notification, ProjectorCursor
from notifications.outbound import queue_outside
from notifications.sources import NotificationSpec, specs_for
from realtime.groups import user_group
from realtime.models import Event
from realtime.publish import emit

CURSOR = "notifications"
NEW_KIND = "notification.new"
OWN_KINDS = frozenset({NEW_KIND})  # never projected: they would feed themselves
BATCH = 500


@dataclass
class Projection:
    events: int = 0
    notifications: int = 0
    outbound: int = 0
    users: int = 0
    more: bool = False  # a full batch was read: call again

    def __iadd__(self, other: "Projection") -> "Projection":
        self.events += other.events
        self.notifications += other.notifications
        self.outbound += other.outbound
        self.users += other.users
        self.more = other.more
        return self


def project_pending(*, now: dt.datetime | None = None, batch: int = BATCH) -> Projection:
    """Project everything waiting, one transaction per batch of events."""
    total = Projection()
    while True:
        total += project_once(now=now, batch=batch)
        if not total.more:
            return total


def project_once(*, now: dt.datetime | None = None, batch: int = BATCH) -> Projection:
    """Project at most `batch` new events and the late ones; nothing written when there
    is nothing to do (on SQLite every write transaction takes the one write lock)."""
    now = now or timezone.now()
    since = now - dt.timedelta(seconds=settings.REALTIME_LATE_COMMIT_SECONDS)
    if not _work_waiting(_cursor(), since):
        return Projection()
    with transaction.atomic():
        cursor = _cursor(lock=True)
        window = _window_ids(cursor, since)
        late = window - set(cursor.recent_ids)
        new = list(Event.objects.filter(pk__gt=cursor.last_event_id).order_by("pk")[:batch])
        events = [e for e in _events(late) + new if e.kind not in OWN_KINDS]
        created, outbound = _project(events, now)
        if new:
            cursor.last_event_id = new[-1].pk
        cursor.recent_ids = sorted(window | {e.pk for e in new if e.created_at >= since})
        cursor.save(update_fields=["last_event_id", "recent_ids", "updated_at"])
        users = _announce(created, {e.pk: e.area_code for e in events})
    return Projection(len(events), len(created), outbound, users, more=len(new) == batch)


def _cursor(*, lock: bool = False) -> ProjectorCursor:
    """The migration creates it at the end of the outbox as it was then (an existing
    history is not news); a row deleted since starts again from the first event."""
    rows = ProjectorCursor.objects.select_for_update() if lock else ProjectorCursor.objects
    return rows.get_or_create(name=CURSOR)[0]


def _window_ids(cursor: ProjectorCursor, since: dt.datetime) -> set[int]:
    rows = Event.objects.filter(pk__lte=cursor.last_event_id, created_at__gte=since)
    return set(rows.values_list("pk", flat=True))


def _work_waiting(cursor: ProjectorCursor, since: dt.datetime) -> bool:
    if Event.objects.filter(pk__gt=cursor.last_event_id).exists():
        return True
    return bool(_window_ids(cursor, since) - set(cursor.recent_ids))


def _events(ids: set[int]) -> list[Event]:
    return list(Event.objects.filter(pk__in=ids).order_by("pk")) if ids else []


def _project(events: list[Event], now: dt.datetime) -> tuple[list[Notification], int]:
    """Write the notifications the sources ask for that do not exist yet: one per user
    per event (the first source's spec wins). Returns them and the outbound count."""
    planned: dict[tuple[int, int], tuple[Notification, bool]] = {}
    for spec in specs_for(events):
        for user_id in sorted(spec.user_ids):
            planned.setdefault((user_id, spec.event.pk), (_row(spec, user_id), spec.outside))
    if not planned:
        return [], 0
    # by user and event: the unique index (user, event, kind) answers it
    done = set(
        Notification.objects.filter(
            user_id__in={user for user, _event in planned},
            event_id__in={event for _user, event in planned},
        ).values_list("user_id", "event_id")
    )
    fresh = [planned[key] for key in planned if key not in done]
    Notification.objects.bulk_create([row for row, _outside in fresh], ignore_conflicts=True)
    outbound = queue_outside(_saved([row for row, outside in fresh if outside]), now=now)
    return [row for row, _outside in fresh], outbound


def _row(spec: NotificationSpec, user_id: int) -> Notification:
    return Notification(
        user_id=user_id,
        event_id=spec.event.pk,
        kind=spec.kind,
        params=spec.params,
        link=spec.link,
        created_at=spec.event.created_at,
    )


def _saved(rows: list[Notification]) -> list[Notification]:
    """The rows as saved, with ids (a bulk insert that ignores conflicts returns none)."""
    if not rows:
        return []
    wanted = {(r.user_id, r.event_id, r.kind) for r in rows}
    found = Notification.objects.filter(
        user_id__in={r.user_id for r in rows}, event_id__in={r.event_id for r in rows}
    )
    return [n for n in found if (n.user_id, n.event_id, n.kind) in wanted]


def _announce(created: list[Notification], areas: dict[int, str]) -> int:
    """One "notification.new" per user, with their unread count, after commit."""
    area_of = {n.user_id: areas[n.event_id] for n in sorted(created, key=lambda n: n.event_id)}
    if not area_of:
        return 0
    unread = dict(
        Notification.objects.filter(user_id__in=area_of, read_at__isnull=True)
        .values_list("user_id")
        .annotate(n=Count("pk"))
        .values_list("user_id", "n")
    )
    for user_id, area_code in sorted(area_of.items()):
        emit(
            area_code=area_code,
            kind=NEW_KIND,
            payload={"unread": unread.get(user_id, 0)},
            audience=[user_group(user_id)],
        )
    return len(area_of)
