"""Writes of one user's inbox and preferences."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import InvalidInput, NotFound
from notifications.models import DeliveryPreference, Notification


def notification_mark_read(*, user: User, notification_id: int) -> Notification:
    """Mark one of the user's notifications read; again is harmless (the first time
    stays). Someone else's is NotFound, as a missing one."""
    rows = Notification.objects.filter(user=user, pk=notification_id)
    rows.filter(read_at__isnull=True).update(read_at=timezone.now())
    notification = rows.first()
    if notification is None:
        raise NotFound(_("消息不存在。"))
    return notification


def notification_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of the user read; returns how many."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    return unread.update(read_at=timezone.now())


@transaction.atomic
def preference_save(
    *, user: User, outside: bool, quiet_start: dt.time | None, quiet_end: dt.time | None
) -> DeliveryPreference:
    """Save the user's outside-channel switch and quiet hours (both ends or neither)."""
    if (quiet_start is None) != (quiet_end is None):
        field = "quiet_end" if quiet_end is None else "quiet_start"
        raise InvalidInput(_("请同时填写免打扰的开始和结束时间，或都不填。"), field=field)
    if quiet_start is not None and quiet_start == quiet_end:
        raise InvalidInput(_("免打扰的开始和结束时间不能相同。"), field="quiet_end")
    pref, _created = DeliveryPreference.objects.update_or_create(
        user=user,
        defaults={"outside": outside, "quiet_start": quiet_start, "quiet_end": quiet_end},
    )
    return pref
