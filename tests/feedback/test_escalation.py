import datetime as dt

from django.core.management import call_command
from django.utils import timezone

from feedback import selectors
from feedback.escalation import escalate_overdue
from feedback.models import Case
from tests.feedback.flows import dispatched, reported


def overdue(case: Case, hours: float) -> Case:
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() - dt.timedelta(hours=hours))
    return Case.objects.get(pk=case.pk)


def test_an_overdue_case_is_escalated_to_its_community_first(people, categories):
    case = overdue(reported(people, categories), hours=1)
    assert escalate_overdue() == 1
    case.refresh_from_db()
    assert (case.escalation_level, case.escalated_to) == (1, case.area_code[:12])
    entry = case.timeline.last()
    assert entry.action == "escalate" and entry.data["to"] == case.area_code[:12]


def test_a_case_in_time_is_left_alone(people, categories):
    reported(people, categories)
    assert escalate_overdue() == 0


def test_escalation_waits_before_the_next_level_then_climbs(people, categories):
    case = overdue(dispatched(people, categories), hours=1)
    now = timezone.now()
    escalate_overdue(now=now)
    assert escalate_overdue(now=now + dt.timedelta(minutes=30)) == 0
    escalate_overdue(now=now + dt.timedelta(days=4))
    case.refresh_from_db()
    assert (case.escalation_level, case.escalated_to) == (2, case.area_code[:9])


def test_an_escalated_case_appears_in_the_street_supervisors_queue(people, categories):
    case = overdue(reported(people, categories), hours=1)
    now = timezone.now()
    escalate_overdue(now=now)
    escalate_overdue(now=now + dt.timedelta(days=4))  # community → street
    assert list(selectors.escalation_queue(user=people["supervisor"])) == [
        Case.objects.get(pk=case.pk)
    ]
    assert list(selectors.escalation_queue(user=people["neighbour_supervisor"])) == []


def test_the_management_command_runs_the_same_escalation(people, categories):
    overdue(reported(people, categories), hours=1)
    out = __import__("io").StringIO()
    call_command("escalate_overdue", stdout=out)
    assert "escalated 1 cases" in out.getvalue()
