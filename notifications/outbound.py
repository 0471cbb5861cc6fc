"""The outside channel: which notifications also leave the site, when, and sending them.

A notification marked `outside` by its source gets one OutboundMessage (one per
notification: a re-run creates none) if the user allows the channel and has an address
on it (a phone), and the event is recent (settings.NOTIFY_OUTSIDE_MAX_HOURS: a projector
catching up after a long stop does not text yesterday's news). A message created in the
user's quiet hours waits until they end.

`send_due` sends what is due. Each attempt is claimed first (attempts + 1 and the next
try pushed back, committed before the gateway is called), so two senders never take the
same message and a message already sent is never sent again; a refusal is retried with
growing pauses (settings.NOTIFY_RETRY_SECONDS × 2ⁿ) up to settings.NOTIFY_MAX_ATTEMPTS,
then given up and logged. The one window left: a process killed after the gateway took
the message and before `sent_at` was written tries it again at the next attempt.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.translation import override

from accounts.models import User
from notifications.models import DeliveryPreference, Notification, OutboundMessage
from notifications.quiet import quiet_until, release_time
from notifications.senders import NotDelivered, channel
from notifications.texts import outside_text

log = logging.getLogger(__name__)


def preferences(user_ids: set[int]) -> dict[int, DeliveryPreference]:
    """Each user's preferences; the defaults (unsaved) for those who never set any."""
    saved = {p.user_id: p for p in DeliveryPreference.objects.filter(user_id__in=user_ids)}
    return {uid: saved.get(uid) or DeliveryPreference(user_id=uid) for uid in user_ids}


def queue_outside(notifications: list[Notification], *, now: dt.datetime) -> int:
    """Create the outbound messages of these new notifications (saved, with ids); returns
    how many. The caller holds the projector's transaction."""
    max_age = dt.timedelta(hours=settings.NOTIFY_OUTSIDE_MAX_HOURS)
    recent = [n for n in notifications if now - n.created_at <= max_age]
    if not recent:
        return 0
    name = settings.NOTIFY_OUTSIDE_CHANNEL
    sender = channel(name)
    users = User.objects.in_bulk({n.user_id for n in recent})
    prefs = preferences(set(users))
    messages = []
    for note in recent:
        user, pref = users.get(note.user_id), prefs.get(note.user_id)
        if user is None or not pref.outside or not sender.reaches(user):
            continue
        with override(settings.LANGUAGE_CODE):  # no per-user language yet: the site's
            text = outside_text(note.kind, note.params)
        messages.append(
            OutboundMessage(
                user_id=user.pk,
                notification=note,
                channel=name,
                text=text[:300],
                not_before=release_time(now, pref.quiet_start, pref.quiet_end),
            )
        )
    OutboundMessage.objects.bulk_create(messages, ignore_conflicts=True)
    return len(messages)


@dataclass
class SendRun:
    sent: int = 0
    failed: int = 0
    gave_up: int = 0
    postponed: int = 0


def send_due(*, now: dt.datetime | None = None, limit: int = 100) -> SendRun:
    """Send the waiting messages that are due (oldest first), at most `limit`."""
    now = now or timezone.now()
    due = OutboundMessage.objects.filter(
        sent_at__isnull=True, gave_up_at__isnull=True, not_before__lte=now
    ).order_by("not_before", "pk")
    run = SendRun()
    for pk in list(due.values_list("pk", flat=True)[:limit]):
        outcome = _send_one(pk, now)
        if outcome:
            setattr(run, outcome, getattr(run, outcome) + 1)
    return run


def _send_one(pk: int, now: dt.datetime) -> str:
    message = _claim(pk, now)
    if isinstance(message, str):
        return message
    try:
        channel(message.channel).send(user=message.user, text=message.text)
    except NotDelivered as exc:
        return _failed(message, str(exc), now)
    except Exception as exc:  # a broken gateway client: retried like a refusal
        log.exception("outbound message %s: the %s channel failed", pk, message.channel)
        return _failed(message, type(exc).__name__, now)
    OutboundMessage.objects.filter(pk=pk).update(sent_at=timezone.now(), last_error="")
    return "sent"


def _claim(pk: int, now: dt.datetime) -> OutboundMessage | str:
    """Take one attempt at the message, or say why not: "" (someone else took it or it
    is done), "postponed" (quiet hours now), "gave_up" (the user turned the channel off)."""
    message = (
        OutboundMessage.objects.select_related("user")
        .filter(pk=pk, sent_at__isnull=True, gave_up_at__isnull=True, not_before__lte=now)
        .first()
    )
    if message is None:
        return ""
    pref = preferences({message.user_id})[message.user_id]
    waiting = OutboundMessage.objects.filter(pk=pk, attempts=message.attempts, sent_at__isnull=True)
    if not pref.outside:
        waiting.update(gave_up_at=now, last_error="turned off by the user")
        return "gave_up"
    quiet_end = quiet_until(now, pref.quiet_start, pref.quiet_end)
    if quiet_end is not None:  # the user set quiet hours after it was queued
        return "postponed" if waiting.update(not_before=quiet_end) else ""
    retry_at = now + dt.timedelta(seconds=retry_pause(message.attempts + 1))
    if not waiting.update(attempts=F("attempts") + 1, not_before=retry_at):
        return ""
    message.attempts += 1
    return message


def retry_pause(attempt: int) -> float:
    """Seconds to wait after attempt number `attempt` fails: 1, 2, 4, 8 … × the base."""
    return settings.NOTIFY_RETRY_SECONDS * 2 ** (attempt - 1)


def _failed(message: OutboundMessage, error: str, now: dt.datetime) -> str:
    error = error[:300]
    if message.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
        OutboundMessage.objects.filter(pk=message.pk).update(gave_up_at=now, last_error=error)
        log.warning(
            "outbound message %s to user %s given up after %d attempts: %s",
            message.pk, message.user_id, message.attempts, error,
        )  # fmt: skip
        return "gave_up"
    OutboundMessage.objects.filter(pk=message.pk).update(last_error=error)
    return "failed"
