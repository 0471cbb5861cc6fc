"""Reads of one user's inbox: their own notifications only."""

from django.db.models import Case, IntegerField, QuerySet, Value, When

from accounts.models import User
from notifications.models import Notification


def unread_count(*, user: User) -> int:
    """Served by the (user, read_at) index."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_list(*, user: User, unread: bool | None = None) -> QuerySet[Notification]:
    """The user's notifications, unread first, then newest first."""
    rows = Notification.objects.filter(user=user)
    if unread is not None:
        rows = rows.filter(read_at__isnull=unread)
    first = Case(
        When(read_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return rows.alias(read_rank=first).order_by("read_rank", "-created_at", "-pk")


def notification_get_for_user(*, user: User, notification_id: int) -> Notification | None:
    """One of the user's own notifications; None for anyone else's (answered as missing)."""
    return Notification.objects.filter(user=user, pk=notification_id).first()
