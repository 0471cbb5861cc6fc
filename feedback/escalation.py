"""督办: overdue work is found without anyone asking and escalated one area up.

The first escalation goes to the case's community, the next to its street, then the
district; each further step waits CASE_ESCALATION_REPEAT_HOURS working hours.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from feedback import deadlines
from feedback.models import OPEN_STATES, Case
from feedback.timeline import record

ESCALATION_CODE_LENGTHS = (12, 9, 6)  # community, street, district


def escalate_overdue(*, now: dt.datetime | None = None) -> int:
    """Escalate every open case past its deadline that is due another step; returns the
    number escalated. Safe to run from several processes: each case is locked."""
    now = now or timezone.now()
    candidates = Case.objects.filter(state__in=OPEN_STATES, due_at__lt=now).values_list(
        "pk", flat=True
    )
    return sum(_escalate_one(pk, now) for pk in list(candidates))


@transaction.atomic
def _escalate_one(case_id: int, now: dt.datetime) -> bool:
    case = Case.objects.select_for_update().select_related("category").get(pk=case_id)
    if case.state not in OPEN_STATES or case.due_at is None or case.due_at >= now:
        return False
    if case.escalation_level >= len(ESCALATION_CODE_LENGTHS):
        return False
    if case.escalated_at and _not_yet_due_again(case.escalated_at, now):
        return False
    target = case.area_code[: ESCALATION_CODE_LENGTHS[case.escalation_level]]
    case.escalation_level += 1
    case.escalated_to, case.escalated_at = target, now
    case.save(update_fields=["escalation_level", "escalated_to", "escalated_at", "updated_at"])
    overdue_hours = round((now - case.due_at).total_seconds() / 3600, 1)
    record(
        case,
        action="escalate",
        actor=None,
        role="system",
        data={"to": target, "level": case.escalation_level, "overdue_hours": overdue_hours},
    )
    return True


def _not_yet_due_again(escalated_at: dt.datetime, now: dt.datetime) -> bool:
    next_step = deadlines.add_working_hours(escalated_at, settings.CASE_ESCALATION_REPEAT_HOURS)
    return now < next_step
