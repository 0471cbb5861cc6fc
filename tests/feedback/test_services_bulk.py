"""case_history_import: past cases replayed under the rules the live services enforce,
written with their timelines at the moments they happened, all or nothing, with no
events."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from common.errors import Conflict, InvalidInput, NotPermitted
from feedback import deadlines
from feedback.models import Case, CaseEntry, CaseFollower, CaseState, Priority
from feedback.services_bulk import CaseIn, EntryIn, case_history_import
from realtime.models import Event
from tests.events import capture_events
from tests.factories import grid_centre

from .conftest import GRID

MONDAY = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0))  # a working day, in office hours


def later(minutes: float) -> dt.datetime:
    return MONDAY + dt.timedelta(minutes=minutes)


def case_in(categories, *entries: EntryIn, category: str = "stall", **fields) -> CaseIn:
    centre = grid_centre(GRID)
    return CaseIn(
        client_id=fields.pop("client_id", uuid.uuid4()),
        category=categories[category].pk,
        lon=centre.x,
        lat=centre.y,
        description="人行道上有人摆摊卖水果。",
        source=fields.pop("source", "resident"),
        entries=entries,
        **fields,
    )


def handled_and_rated(people, departments) -> list[EntryIn]:
    return [
        EntryIn("report", later(0), people["resident"].pk),
        EntryIn("register", later(10), people["supervisor"].pk),
        EntryIn("dispatch", later(20), people["supervisor"].pk, department=departments["city"].pk),
        EntryIn("handle", later(60), people["handler"].pk, note="已劝离摊贩。"),
        EntryIn("verify_pass", later(90), people["worker"].pk, note="现场已恢复。"),
        EntryIn("rate", later(120), people["resident"].pk, rating="satisfied", note="很快。"),
    ]


def test_a_case_is_written_as_the_services_would_have_left_it_at_those_moments(
    categories, departments, people
):
    # given a case's whole life, reported Monday morning and rated two hours later
    history = case_in(categories, *handled_and_rated(people, departments))
    # when it is imported
    with capture_events(expected=0):
        (case,) = case_history_import(cases=[history])
    # then the case is closed and rated, stamped with the moments it happened
    case = Case.objects.get(pk=case.pk)
    assert case.state == CaseState.CLOSED and case.rating == "satisfied"
    assert (case.created_at, case.closed_at, case.updated_at) == (later(0), later(90), later(120))
    assert case.number == f"20260302{case.pk:06d}" and case.due_at is None
    assert case.department == departments["city"] and case.grid.code == GRID
    # and its timeline is the path the services would have written, with their roles
    timeline = list(case.timeline.values_list("seq", "action", "from_state", "to_state", "at"))
    assert [row[1] for row in timeline] == [e.action for e in history.entries]
    assert [row[0] for row in timeline] == list(range(1, 7))
    assert timeline[2][2:] == (CaseState.REGISTERED, CaseState.DISPATCHED, later(20))
    roles = list(case.timeline.values_list("actor_role", flat=True))
    assert roles == ["resident", "supervisor", "supervisor", "handler", "grid_worker", "resident"]
    # and no event: history is not news
    assert not Event.objects.exists()


def test_an_open_case_carries_the_deadline_of_its_stage(categories, departments, people):
    entries = handled_and_rated(people, departments)[:3]
    (case,) = case_history_import(cases=[case_in(categories, *entries)])
    handle_days = categories["stall"].handle_days
    assert case.state == CaseState.DISPATCHED
    assert case.due_at == deadlines.add_working_days(later(20), handle_days)
    assert case.stage_started_at == later(20)


def test_a_step_the_state_does_not_allow_refuses_the_whole_batch(categories, departments, people):
    # given a good case and one dispatched before it was registered
    good = case_in(categories, EntryIn("report", later(0), people["resident"].pk))
    city = departments["city"].pk
    bad = case_in(
        categories,
        EntryIn("report", later(0), people["resident"].pk),
        EntryIn("dispatch", later(5), people["supervisor"].pk, department=city),
    )
    # when both are imported, then nothing is written and the entry is named
    with pytest.raises(Conflict, match="事件 1 的第 2 条"):
        case_history_import(cases=[good, bad])
    assert not Case.objects.exists() and not CaseEntry.objects.exists()


def test_an_actor_is_asked_of_the_access_policy_as_the_services_ask(categories, people):
    from_next_street = case_in(
        categories,
        EntryIn("report", later(0), people["resident"].pk),
        EntryIn("register", later(10), people["neighbour_supervisor"].pk),
    )
    with pytest.raises(NotPermitted):
        case_history_import(cases=[from_next_street])


def test_a_handler_of_another_department_may_not_handle(categories, departments, people):
    entries = handled_and_rated(people, departments)[:3]
    entries.append(EntryIn("handle", later(60), people["other_handler"].pk, note="已处理。"))
    with pytest.raises(NotPermitted):
        case_history_import(cases=[case_in(categories, *entries)])


def test_a_rejection_needs_its_reason_as_case_reject_does(categories, people):
    unexplained = case_in(
        categories,
        EntryIn("report", later(0), people["resident"].pk),
        EntryIn("reject", later(10), people["supervisor"].pk),
    )
    with pytest.raises(InvalidInput, match="不予立案的理由"):
        case_history_import(cases=[unexplained])


def test_only_the_reporter_rates_once(categories, departments, people):
    entries = handled_and_rated(people, departments)
    twice = [*entries, EntryIn("rate", later(130), people["resident"].pk, rating="basic")]
    with pytest.raises(Conflict, match="已评价"):
        case_history_import(cases=[case_in(categories, *twice)])
    entries[-1] = EntryIn("rate", later(120), people["other_resident"].pk, rating="basic")
    with pytest.raises(NotPermitted):
        case_history_import(cases=[case_in(categories, *entries)])


def test_escalation_only_when_overdue_one_area_up(categories, people):
    due = deadlines.add_working_hours(later(0), categories["stall"].register_hours)
    report = EntryIn("report", later(0), people["resident"].pk)
    early = case_in(categories, report, EntryIn("escalate", due - dt.timedelta(minutes=1)))
    with pytest.raises(Conflict, match="未超期"):
        case_history_import(cases=[early])
    overdue = due + dt.timedelta(minutes=2)
    (case,) = case_history_import(cases=[case_in(categories, report, EntryIn("escalate", overdue))])
    assert (case.escalation_level, case.escalated_to, case.escalated_at) == (
        1,
        GRID[:12],
        overdue,
    )
    entry = case.timeline.get(action="escalate")
    assert entry.actor_id is None and entry.actor_role == "system"
    assert entry.data == {"to": GRID[:12], "level": 1, "overdue_hours": 0.0}


def test_a_merge_writes_the_masters_half_as_case_merge_does(categories, people):
    # given a case still open, and a neighbour's report of it merged into it
    master = case_in(
        categories,
        EntryIn("report", later(0), people["resident"].pk),
        EntryIn("register", later(10), people["supervisor"].pk),
    )
    duplicate = case_in(
        categories,
        EntryIn("report", later(5), people["other_resident"].pk),
        EntryIn("merge", later(15), people["supervisor"].pk, master=0),
    )
    # when both are imported
    first, second = case_history_import(cases=[master, duplicate])
    # then the duplicate is merged, and the master absorbed it and is followed by its reporter
    second = Case.objects.get(pk=second.pk)
    assert second.state == CaseState.MERGED and second.master_id == first.pk
    assert second.closed_at == later(15)
    absorb = first.timeline.get(action="absorb")
    assert (absorb.seq, absorb.at, absorb.to_state) == (3, later(15), CaseState.REGISTERED)
    assert absorb.data == {"duplicate": second.pk, "duplicate_number": second.number}
    assert second.timeline.get(action="merge").data["master_number"] == first.number
    assert CaseFollower.objects.filter(case=first, user=people["other_resident"]).exists()


def test_no_merge_into_a_case_closed_by_then(categories, people):
    master = case_in(
        categories,
        EntryIn("report", later(0), people["resident"].pk),
        EntryIn("reject", later(3), people["supervisor"].pk, note="不属于受理范围。"),
    )
    duplicate = case_in(
        categories,
        EntryIn("report", later(5), people["other_resident"].pk),
        EntryIn("merge", later(15), people["supervisor"].pk, master=0),
    )
    with pytest.raises(Conflict, match="未结案"):
        case_history_import(cases=[master, duplicate])


def test_a_residents_priority_is_not_applied_as_in_case_report(categories, people):
    report = EntryIn("report", later(0), people["resident"].pk)
    (case,) = case_history_import(cases=[case_in(categories, report, priority=Priority.URGENT)])
    assert case.priority == Priority.NORMAL


def test_a_case_is_imported_once(categories, people):
    history = case_in(categories, EntryIn("report", later(0), people["resident"].pk))
    case_history_import(cases=[history])
    with pytest.raises(Conflict, match="已导入"):
        case_history_import(cases=[history])


def test_history_is_in_the_past_and_in_order(categories, people):
    report = EntryIn("report", later(0), people["resident"].pk)
    future = EntryIn("register", timezone.now() + dt.timedelta(hours=1), people["supervisor"].pk)
    with pytest.raises(InvalidInput, match="早于现在"):
        case_history_import(cases=[case_in(categories, report, future)])
    backwards = EntryIn("register", later(-1), people["supervisor"].pk)
    with pytest.raises(InvalidInput, match="先后"):
        case_history_import(cases=[case_in(categories, report, backwards)])
