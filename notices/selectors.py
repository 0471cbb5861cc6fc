"""Every read of notices, scoped to the user who asks by notices.access."""

import datetime as dt

from django.db.models import Case, IntegerField, QuerySet, When
from django.utils import timezone

from accounts.models import User
from grid.models import Area
from notices.access import current_q, notice_access
from notices.models import Notice, NoticeAttachment


def _base() -> QuerySet[Notice]:
    return Notice.objects.select_related("area").defer("area__boundary")


def notices_current(*, user: User, now: dt.datetime | None = None) -> QuerySet[Notice]:
    """The live notices the user reads — addressed to their areas, or published to an
    area they manage — pinned first, then the newest."""
    now = now or timezone.now()
    notices = _base().filter(notice_access(user).readable_q(now), current_q(now))
    return notices.order_by("-pinned", "-published_at", "-id")


def notice_list(*, user: User, now: dt.datetime | None = None) -> QuerySet[Notice]:
    """Every notice the user may read: the live ones first (pinned, then newest), then
    those they manage that expired or were withdrawn, newest first."""
    now = now or timezone.now()
    live = Case(When(current_q(now), then=1), default=0, output_field=IntegerField())
    notices = _base().filter(notice_access(user).readable_q(now)).annotate(live=live)
    return notices.order_by("-live", "-pinned", "-published_at", "-id")


def notice_get_for_user(*, user: User, notice_id: int) -> Notice | None:
    now = timezone.now()
    return _base().filter(notice_access(user).readable_q(now), pk=notice_id).first()


def attachment_get_for_user(
    *, user: User, notice_id: int, attachment_id: int
) -> NoticeAttachment | None:
    """An attachment of a notice the user may read; None otherwise, as for a missing one."""
    notice = notice_get_for_user(user=user, notice_id=notice_id)
    if notice is None:
        return None
    return NoticeAttachment.objects.filter(notice=notice, pk=attachment_id).first()


def publish_areas(*, user: User) -> QuerySet[Area]:
    """The areas the user may publish to, in code order (a street before its communities)."""
    areas = Area.objects.filter(notice_access(user).publish_areas_q()).defer("boundary")
    return areas.select_related("parent").order_by("code")
