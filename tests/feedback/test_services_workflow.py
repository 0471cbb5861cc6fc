import uuid

import pytest

from common.errors import Conflict, InvalidInput, NotPermitted
from feedback import services
from feedback.models import CaseEntry, CaseFollower, CaseSource, CaseState
from realtime.models import Event
from tests.factories import grid_centre
from tests.feedback.conftest import GRID
from tests.feedback.flows import closed, dispatched, handled, registered, reported


def actions(case) -> list[str]:
    return list(case.timeline.values_list("action", flat=True))


def test_a_resident_report_lands_in_its_grid_waiting_for_registration(people, categories):
    case = reported(people, categories)
    assert case.state == CaseState.REPORTED
    assert case.grid.code == GRID
    assert case.source == CaseSource.RESIDENT
    assert case.number.endswith(f"{case.pk:06d}")
    assert case.due_at > case.stage_started_at
    assert actions(case) == ["report"]


def test_a_retried_report_with_the_same_client_id_returns_the_first_case(people, categories):
    point = grid_centre(GRID)
    client_id = uuid.uuid4()
    kwargs = dict(
        actor=people["resident"],
        client_id=client_id,
        category=categories["stall"],
        description="占道",
        lon=point.x,
        lat=point.y,
    )
    first, created_first = services.case_report(**kwargs)
    again, created_again = services.case_report(**kwargs)
    assert (created_first, created_again) == (True, False)
    assert again.pk == first.pk
    assert first.timeline.count() == 1


def test_someone_else_reusing_a_client_id_is_refused(people, categories):
    case = reported(people, categories)
    point = grid_centre(GRID)
    with pytest.raises(Conflict):
        services.case_report(
            actor=people["other_resident"],
            client_id=case.client_id,
            category=categories["stall"],
            description="x",
            lon=point.x,
            lat=point.y,
        )


def test_a_report_outside_every_grid_is_refused_with_a_reason(people, categories):
    with pytest.raises(InvalidInput, match="不在任何网格"):
        services.case_report(
            actor=people["resident"],
            client_id=uuid.uuid4(),
            category=categories["stall"],
            description="x",
            lon=100.0,
            lat=20.0,
        )


def test_a_report_without_gps_takes_the_chosen_grid(people, categories):
    case, _ = services.case_report(
        actor=people["worker"],
        client_id=uuid.uuid4(),
        category=categories["stall"],
        description="x",
        grid_code=GRID,
    )
    assert case.grid.code == GRID and case.location is None
    assert case.source == CaseSource.PATROL


def test_a_top_level_category_is_not_specific_enough(people, categories):
    with pytest.raises(InvalidInput, match="小类"):
        reported(people, categories, category="road")


def test_a_grid_worker_cannot_report_in_another_grid(people, categories):
    with pytest.raises(NotPermitted):
        reported(people, categories, reporter="neighbour_worker")


def test_the_full_path_from_report_to_rating(people, categories):
    case = closed(people, categories)
    case = services.case_rate(actor=people["resident"], case_id=case.pk, rating="satisfied")
    assert case.state == CaseState.CLOSED and case.rating == "satisfied"
    assert actions(case) == ["report", "register", "dispatch", "handle", "verify_pass", "rate"]
    assert case.department.code == "cgj"  # the category's responsible department


def test_every_transition_records_from_and_to_states(people, categories):
    case = closed(people, categories)
    states = list(case.timeline.values_list("from_state", "to_state"))
    assert states == [
        ("", "reported"),
        ("reported", "registered"),
        ("registered", "dispatched"),
        ("dispatched", "handled"),
        ("handled", "closed"),
    ]


def test_every_transition_emits_an_event_for_the_cases_area(people, categories):
    before = Event.objects.count()
    case = closed(people, categories)
    events = list(Event.objects.order_by("id")[before:])
    assert [e.kind for e in events] == [
        "case.report",
        "case.register",
        "case.dispatch",
        "case.handle",
        "case.verify_pass",
    ]
    assert {e.area_code for e in events} == {GRID}
    assert events[-1].payload["state"] == "closed" and events[-1].payload["case"] == case.pk


def test_rejecting_needs_a_reason(people, categories):
    case = reported(people, categories)
    with pytest.raises(InvalidInput):
        services.case_reject(actor=people["supervisor"], case_id=case.pk, reason=" ")
    case = services.case_reject(actor=people["supervisor"], case_id=case.pk, reason="非本辖区")
    assert case.state == CaseState.REJECTED and case.closed_at is not None


@pytest.mark.parametrize("who", ["neighbour_supervisor", "worker", "handler", "resident"])
def test_only_a_supervisor_of_the_area_registers(people, categories, who):
    case = reported(people, categories)
    with pytest.raises(NotPermitted):
        services.case_register(actor=people[who], case_id=case.pk)


def test_registering_twice_is_a_state_conflict(people, categories):
    case = registered(people, categories)
    with pytest.raises(Conflict, match="待派遣"):
        services.case_register(actor=people["supervisor"], case_id=case.pk)


def test_dispatch_can_name_another_department(people, categories, departments):
    case = registered(people, categories)
    case = services.case_dispatch(
        actor=people["supervisor"], case_id=case.pk, department=departments["housing"]
    )
    assert case.department == departments["housing"]


def test_an_assignee_must_belong_to_the_department(people, categories, departments):
    case = registered(people, categories)
    with pytest.raises(InvalidInput):
        services.case_dispatch(
            actor=people["supervisor"], case_id=case.pk, assignee=people["other_handler"]
        )


def test_only_the_dispatched_department_handles(people, categories):
    case = dispatched(people, categories)
    with pytest.raises(NotPermitted):
        services.case_handle(actor=people["other_handler"], case_id=case.pk, note="x")


def test_handling_needs_a_note(people, categories):
    case = dispatched(people, categories)
    with pytest.raises(InvalidInput):
        services.case_handle(actor=people["handler"], case_id=case.pk, note="")


def test_a_department_sends_back_a_case_for_reassignment(people, categories):
    case = dispatched(people, categories)
    case = services.case_send_back(actor=people["handler"], case_id=case.pk, reason="非我局职责")
    assert case.state == CaseState.REGISTERED and case.department is None


def test_failed_verification_returns_the_case_to_the_department(people, categories):
    case = handled(people, categories)
    case = services.case_verify(
        actor=people["worker"], case_id=case.pk, passed=False, note="摊贩又回来了"
    )
    assert case.state == CaseState.DISPATCHED and case.department.code == "cgj"


def test_only_the_grid_worker_of_that_grid_verifies(people, categories):
    case = handled(people, categories)
    with pytest.raises(NotPermitted):
        services.case_verify(actor=people["neighbour_worker"], case_id=case.pk, passed=True)


def test_the_reporter_withdraws_before_dispatch_only(people, categories):
    case = reported(people, categories)
    case = services.case_withdraw(actor=people["resident"], case_id=case.pk)
    assert case.state == CaseState.WITHDRAWN
    other = dispatched(people, categories)
    with pytest.raises(Conflict):
        services.case_withdraw(actor=people["resident"], case_id=other.pk)


def test_nobody_but_the_reporter_withdraws(people, categories):
    case = reported(people, categories)
    with pytest.raises(NotPermitted):
        services.case_withdraw(actor=people["other_resident"], case_id=case.pk)


def test_reopen_sends_a_closed_case_back_to_dispatch_and_counts(people, categories):
    case = closed(people, categories)
    case = services.case_reopen(actor=people["resident"], case_id=case.pk, reason="又出现了")
    assert case.state == CaseState.REGISTERED and case.reopen_count == 1


def test_reopen_after_the_window_is_refused(people, categories, settings):
    case = closed(people, categories)
    settings.CASE_REOPEN_DAYS = 0
    with pytest.raises(Conflict, match="超过"):
        services.case_reopen(actor=people["resident"], case_id=case.pk, reason="又出现了")


def test_an_unsatisfied_rating_needs_a_comment_and_rating_is_once(people, categories):
    case = closed(people, categories)
    with pytest.raises(InvalidInput):
        services.case_rate(actor=people["resident"], case_id=case.pk, rating="unsatisfied")
    services.case_rate(actor=people["resident"], case_id=case.pk, rating="basic")
    with pytest.raises(Conflict):
        services.case_rate(actor=people["resident"], case_id=case.pk, rating="satisfied")


def test_rating_an_open_case_is_a_conflict(people, categories):
    case = dispatched(people, categories)
    with pytest.raises(Conflict):
        services.case_rate(actor=people["resident"], case_id=case.pk, rating="satisfied")


def test_merging_a_duplicate_makes_its_reporter_follow_the_master(people, categories):
    master = registered(people, categories)
    duplicate = reported(people, categories, reporter="other_resident")
    merged = services.case_merge(
        actor=people["supervisor"], case_id=duplicate.pk, master_id=master.pk
    )
    assert merged.state == CaseState.MERGED and merged.master_id == master.pk
    assert CaseFollower.objects.filter(case=master, user=people["other_resident"]).exists()
    assert actions(master)[-1] == "absorb"


def test_a_case_cannot_be_merged_into_itself(people, categories):
    case = reported(people, categories)
    with pytest.raises(Conflict):
        services.case_merge(actor=people["supervisor"], case_id=case.pk, master_id=case.pk)


def test_hiding_is_a_timeline_entry_with_its_reason(people, categories):
    case = reported(people, categories)
    case = services.case_hide(actor=people["supervisor"], case_id=case.pk, reason="含个人信息")
    assert case.hidden
    entry = case.timeline.last()
    assert (entry.action, entry.note) == ("hide", "含个人信息")


def test_timeline_entries_can_be_neither_changed_nor_deleted(people, categories):
    entry = reported(people, categories).timeline.get()
    entry.note = "改写"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
    assert CaseEntry.objects.get(pk=entry.pk).note == ""


def test_a_department_of_another_district_cannot_be_dispatched_to(people, categories):
    from accounts.models import Department
    from grid import services as grid_services
    from tests.factories import box

    other_district, _ = grid_services.area_save(
        code="320101", name="外区", boundary=box(100, 20, 101, 21)
    )
    elsewhere = Department.objects.create(code="x-cgj", name="外区城管", area=other_district)
    case = registered(people, categories)
    with pytest.raises(InvalidInput, match="不负责"):
        services.case_dispatch(actor=people["supervisor"], case_id=case.pk, department=elsewhere)


def test_a_handler_reads_their_departments_cases_only_inside_their_area(
    people, categories, areas, departments
):
    from accounts.models import Role
    from feedback import selectors
    from tests.factories import user_with_role

    case = dispatched(people, categories)  # in street 310101001, to the city department
    street_two = user_with_role(Role.HANDLER, areas["310101002"], department=departments["city"])
    assert selectors.case_get_for_user(user=street_two, case_id=case.pk) is None
    assert list(selectors.handler_inbox(user=street_two)) == []
    assert list(selectors.handler_inbox(user=people["handler"])) == [case]


def test_a_longitude_without_a_latitude_is_refused(people, categories):
    with pytest.raises(InvalidInput, match="经度和纬度"):
        services.case_report(
            actor=people["worker"],
            client_id=uuid.uuid4(),
            category=categories["stall"],
            description="x",
            lon=121.41,
            lat=None,
            grid_code=GRID,
        )
