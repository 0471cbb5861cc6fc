"""The projector turns case events into exactly the right inboxes: the people each rule
names, and nobody else — not the neighbouring grid's worker, the neighbouring street's
supervisor, another resident, the other department, nor the one who acted."""

import datetime as dt

from django.utils import timezone

from feedback import services
from feedback.escalation import escalate_overdue
from feedback.models import Case
from tests.feedback.flows import closed, dispatched, handled, registered, reported
from tests.notifications.support import inbox_of, kinds, project

BYSTANDERS = ("other_resident", "neighbour_worker", "neighbour_supervisor", "other_handler")


def assert_untouched(people, *names: str) -> None:
    for name in names:
        assert kinds(people[name]) == [], f"{name} was notified"


def test_a_new_case_tells_the_grid_worker_and_not_the_reporter_or_the_neighbours(
    people, categories
):
    # given a resident's report
    reported(people, categories)
    # when the projector runs
    project()
    # then the grid's worker is told, and no one else
    assert kinds(people["worker"]) == ["case.new_in_grid"]
    assert_untouched(people, "resident", "supervisor", "clerk", "handler", *BYSTANDERS)


def test_a_case_closed_end_to_end_tells_each_person_their_part(people, categories):
    # given a case reported, registered, dispatched, handled and verified
    closed(people, categories)
    project()
    # then the reporter heard of every step and is asked for a rating
    assert kinds(people["resident"]) == [
        "case.registered",
        "case.dispatched",
        "case.handled",
        "case.rate_request",
    ]
    # the worker of the grid: a new case, then one to verify
    assert kinds(people["worker"]) == ["case.new_in_grid", "case.to_verify"]
    # the department's handler: dispatched to them
    assert kinds(people["handler"]) == ["case.to_handle"]
    # the supervisor registered and dispatched it: nothing about their own actions
    assert_untouched(people, "supervisor", "clerk", *BYSTANDERS)


def test_texts_carry_the_case_number_and_category_and_link_to_the_case(people, categories):
    case = registered(people, categories)
    project()
    (note,) = inbox_of(people["resident"])
    assert note.text == f"事件 {case.number}（占道经营）已立案，等待派遣。"
    assert note.link == f"/cases/{case.pk}/"
    assert note.params == {"number": case.number, "category": "占道经营"}


def test_a_case_sent_back_tells_the_clerk_and_supervisor_over_the_area(people, categories):
    case = dispatched(people, categories)
    project()
    services.case_send_back(actor=people["handler"], case_id=case.pk, reason="不属本部门")
    project()
    assert kinds(people["supervisor"]) == ["case.sent_back"]
    assert kinds(people["clerk"]) == ["case.sent_back"]
    assert kinds(people["resident"])[-1] == "case.redispatching"
    # the handler sent it back: told only of the dispatch before
    assert kinds(people["handler"]) == ["case.to_handle"]
    assert_untouched(people, *BYSTANDERS)


def test_a_failed_verification_goes_back_to_the_department(people, categories):
    case = handled(people, categories)
    services.case_verify(actor=people["worker"], case_id=case.pk, passed=False, note="仍有摊位")
    project()
    assert kinds(people["handler"]) == ["case.to_handle", "case.to_rework"]
    assert kinds(people["resident"])[-1] == "case.reworked"
    assert_untouched(people, *BYSTANDERS)


def test_an_escalation_tells_the_supervisor_over_it_and_the_department_holding_it(
    people, categories
):
    # given a case with the department, past its deadline
    case = dispatched(people, categories)
    project()
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() - dt.timedelta(days=1))
    # when the scheduler escalates it (to the community: the street's supervisor is over it)
    assert escalate_overdue() == 1
    project()
    # then
    assert kinds(people["supervisor"]) == ["case.escalated"]
    assert kinds(people["handler"]) == ["case.to_handle", "case.escalated"]
    (escalated,) = inbox_of(people["supervisor"])
    assert escalated.params["level"] == 1
    assert "第 1 次督办" in escalated.text
    # the reporter's case did not change state: nothing new for them
    assert kinds(people["resident"]) == ["case.registered", "case.dispatched"]
    assert kinds(people["worker"]) == ["case.new_in_grid"]
    assert_untouched(people, *BYSTANDERS)


def test_an_overdue_verification_is_the_grid_workers_to_hear_about(people, categories):
    case = handled(people, categories)
    project()
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() - dt.timedelta(days=1))
    escalate_overdue()
    project()
    assert kinds(people["worker"])[-1] == "case.escalated"
    assert kinds(people["handler"]) == ["case.to_handle"]


def test_a_merged_duplicates_reporter_follows_the_master_from_then_on(people, categories):
    # given two reports of the same stall, one by another resident
    duplicate = reported(people, categories, reporter="other_resident")
    master = reported(people, categories)
    # when the supervisor merges the duplicate into the master, then registers the master
    services.case_merge(actor=people["supervisor"], case_id=duplicate.pk, master_id=master.pk)
    services.case_register(actor=people["supervisor"], case_id=master.pk)
    project()
    # then the duplicate's reporter is told of the merge (linked to the master) and of
    # the master's progress, as its follower
    merged, registered_ = inbox_of(people["other_resident"])
    assert (merged.kind, registered_.kind) == ("case.merged", "case.registered")
    assert merged.link == f"/cases/{master.pk}/"
    assert master.number in merged.text and duplicate.number in merged.text
    assert kinds(people["resident"]) == ["case.registered"]


def test_a_withdrawal_is_not_news_to_the_one_who_withdrew(people, categories):
    case = registered(people, categories)
    services.case_withdraw(actor=people["resident"], case_id=case.pk)
    project()
    assert kinds(people["resident"]) == ["case.registered"]


def test_a_sensitive_case_reaches_the_people_working_it_and_no_other_resident(people, categories):
    closed(people, categories, category="dispute")
    project()
    assert kinds(people["resident"])[-1] == "case.rate_request"
    assert kinds(people["worker"]) == ["case.new_in_grid", "case.to_verify"]
    assert_untouched(people, *BYSTANDERS)


def test_a_hidden_case_still_tells_its_reporter_and_staff_and_no_one_else(people, categories):
    case = reported(people, categories)
    services.case_hide(actor=people["supervisor"], case_id=case.pk, reason="含个人信息")
    services.case_register(actor=people["supervisor"], case_id=case.pk)
    project()
    assert kinds(people["resident"]) == ["case.registered"]
    assert kinds(people["worker"]) == ["case.new_in_grid"]
    assert_untouched(people, *BYSTANDERS)


def test_a_follower_hears_only_of_events_written_after_they_followed(people, categories):
    # given a master registered before a duplicate was merged into it
    duplicate = reported(people, categories, reporter="other_resident")
    master = registered(people, categories)
    services.case_merge(actor=people["supervisor"], case_id=duplicate.pk, master_id=master.pk)
    # when the projector reads both only now, with the follower in place
    project()
    # then the register event's audience (fixed when written) did not hold the follower
    assert kinds(people["other_resident"]) == ["case.merged"]


def test_an_inactive_account_is_told_nothing(people, categories):
    people["worker"].is_active = False
    people["worker"].save(update_fields=["is_active"])
    reported(people, categories)
    project()
    assert kinds(people["worker"]) == []
