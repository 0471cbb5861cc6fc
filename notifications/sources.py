"""What a domain hands the projector: the notifications one outbox event should create.

The domains own their recipient rules (e.g. feedback.notify). The projector finds them
through settings.NOTIFICATION_SOURCES, dotted paths of functions that take a batch of
outbox events and return `NotificationSpec`s for the ones they know (notifications sits
below the domains and imports none of them).
"""

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from realtime.models import Event


@dataclass(frozen=True)
class NotificationSpec:
    """One kind of notification for some users about one event."""

    event: Event
    user_ids: frozenset[int]
    kind: str  # a key of the texts (settings.NOTIFICATION_TEXTS)
    params: dict = field(default_factory=dict)  # no personal data: ids, numbers, names of things
    link: str = ""  # a path on this site
    outside: bool = False  # also through the outside channel (SMS), as the user allows


log = logging.getLogger(__name__)
Source = Callable[[Sequence[Event]], Iterable[NotificationSpec]]


def sources() -> tuple[Source, ...]:
    return tuple(import_string(path) for path in settings.NOTIFICATION_SOURCES)


def specs_for(events: Sequence[Event]) -> list[NotificationSpec]:
    """Every source's notifications for `events`, in the sources' order.

    A source that fails on a batch is asked again event by event, and an event it still
    fails on is logged and skipped: one bad event must not stop every inbox behind it.
    """
    try:
        return _specs(events)
    except Exception:
        if len(events) == 1:
            log.exception("no notifications for event %s: its source failed", events[0].pk)
            return []
        log.warning("a notification source failed on a batch; asking event by event")
        return [spec for event in events for spec in specs_for([event])]


def _specs(events: Sequence[Event]) -> list[NotificationSpec]:
    with transaction.atomic():  # a savepoint: a failed query must not end the run's transaction
        return [spec for source in sources() for spec in source(events) if spec.user_ids]
