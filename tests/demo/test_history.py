"""The demo's case history: every case a valid path through the workflow, acted on by
people who hold the right roles, in the right place, in the past 90 days."""

import datetime as dt
import hashlib
from collections import defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Role, RoleAssignment, User
from demo import DEFAULT_SEED, DISTRICT_CODE
from demo.history import history_delete, history_load
from feedback import selectors as case_selectors
from feedback.models import OPEN_STATES, Case, CaseEntry, CaseFollower, CaseState, CategoryKind
from grid import selectors
from tests.demo import support as demo_support

HOUSEHOLDS, CASES = 200, 300

# action → the (from, to) states it may move between, as feedback.services allows
TRANSITIONS = {
    "report": {("", CaseState.REPORTED)},
    "register": {(CaseState.REPORTED, CaseState.REGISTERED)},
    "reject": {(CaseState.REPORTED, CaseState.REJECTED)},
    "merge": {(CaseState.REPORTED, CaseState.MERGED), (CaseState.REGISTERED, CaseState.MERGED)},
    "withdraw": {
        (CaseState.REPORTED, CaseState.WITHDRAWN),
        (CaseState.REGISTERED, CaseState.WITHDRAWN),
    },
    "dispatch": {(CaseState.REGISTERED, CaseState.DISPATCHED)},
    "send_back": {(CaseState.DISPATCHED, CaseState.REGISTERED)},
    "handle": {(CaseState.DISPATCHED, CaseState.HANDLED)},
    "verify_pass": {(CaseState.HANDLED, CaseState.CLOSED)},
    "verify_fail": {(CaseState.HANDLED, CaseState.DISPATCHED)},
    "on_spot": {(CaseState.REPORTED, CaseState.CLOSED)},
    "reopen": {(CaseState.CLOSED, CaseState.REGISTERED)},
}
# entries that leave the state as it is, and the states they may happen in
MARKS = {
    "rate": {CaseState.CLOSED},
    "escalate": set(OPEN_STATES),
    "absorb": set(OPEN_STATES),
    "hide": set(OPEN_STATES),
}
SUPERVISOR_ACTIONS = {"register", "reject", "dispatch", "merge", "absorb", "hide"}
WORKER_ACTIONS = {"verify_pass", "verify_fail", "on_spot"}
REPORTER_ACTIONS = {"rate", "withdraw", "reopen"}
TERMINAL = {CaseState.CLOSED, CaseState.REJECTED, CaseState.WITHDRAWN, CaseState.MERGED}


@pytest.fixture(scope="module")
def history_demo(django_db_setup, django_db_blocker):
    with demo_support.committed_demo(django_db_blocker, households=HOUSEHOLDS, cases=CASES):
        yield


@pytest.fixture
def history(history_demo, db) -> list[Case]:
    return list(
        Case.objects.filter(area_code__startswith=DISTRICT_CODE)
        .select_related("category", "grid")
        .prefetch_related("timeline")
        .order_by("pk")
    )


def roles_over() -> dict[tuple[int, str], list[tuple[str, int | None]]]:
    held = defaultdict(list)
    for user, role, code, department in RoleAssignment.objects.values_list(
        "user_id", "role", "area__code", "department_id"
    ):
        held[user, role].append((code, department))
    return held


def holds(held, user: int, role: str, area_code: str, department: int | None = None) -> bool:
    return any(
        area_code.startswith(code) and (department is None or department == dept)
        for code, dept in held[user, role]
    )


def digest(cases) -> str:
    """What a seed decides, without database ids."""
    parts = []
    for case in cases:
        parts.append(
            f"{case.created_at.isoformat()}{case.category.code}{case.area_code}{case.state}"
            f"{case.location.wkt}{case.description}{case.reporter.username}{case.rating}"
        )
        parts += [f"{e.action}{e.at.isoformat()}{e.to_state}{e.note}" for e in case.timeline.all()]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def test_the_history_has_every_state_kind_and_channel(history):
    assert len(history) == CASES
    assert {case.state for case in history} == set(CaseState.values)
    assert {case.category.kind for case in history} == set(CategoryKind.values)
    assert {case.source for case in history} >= {"patrol", "resident", "window", "above"}


def test_every_timeline_is_a_valid_path_ending_in_the_case_state(history):
    earliest = timezone.now() - dt.timedelta(days=90)
    for case in history:
        entries = list(case.timeline.all())
        assert [e.seq for e in entries] == list(range(1, len(entries) + 1)), case.number
        assert entries[0].action == "report" and entries[0].at == case.created_at
        assert earliest < case.created_at < timezone.now()
        state = ""
        for entry in entries:
            if entry.action in TRANSITIONS:
                assert (entry.from_state, entry.to_state) in TRANSITIONS[entry.action]
                assert entry.from_state == state, (case.number, entry.seq)
            else:
                assert entry.from_state == "" and entry.to_state == state, (case.number, entry)
                assert state in MARKS[entry.action], (case.number, entry.action)
            state = entry.to_state
        assert state == case.state, case.number
        moments = [e.at for e in entries]
        assert moments == sorted(moments), case.number
        assert case.updated_at == moments[-1]


def test_each_state_carries_its_fields(history):
    now = timezone.now()
    for case in history:
        assert (case.closed_at is not None) == (case.state in TERMINAL), case.number
        assert (case.due_at is not None) == (case.state in OPEN_STATES), case.number
        assert case.number == f"{timezone.localdate(case.created_at):%Y%m%d}{case.pk:06d}"
        if case.state in (CaseState.DISPATCHED, CaseState.HANDLED):
            assert case.department is not None
        if case.state in OPEN_STATES:
            assert case.stage_started_at < now
    assert any(c.state in OPEN_STATES and c.due_at < now for c in history)


def test_actors_hold_the_right_roles_over_the_case_area(history):
    held = roles_over()
    for case in history:
        department = None
        for entry in case.timeline.all():
            who, area = entry.actor_id, case.area_code
            if entry.action == "report":
                assert who == case.reporter_id and holds(held, who, entry.actor_role, area)
            elif entry.action in SUPERVISOR_ACTIONS:
                assert entry.actor_role == Role.SUPERVISOR and holds(
                    held, who, Role.SUPERVISOR, area
                )
            elif entry.action in ("handle", "send_back"):
                assert entry.actor_role == Role.HANDLER
                assert holds(held, who, Role.HANDLER, area, department), (case.number, entry.seq)
            elif entry.action in WORKER_ACTIONS:
                assert (
                    holds(held, who, Role.GRID_WORKER, area) and entry.actor_role == "grid_worker"
                )
            elif entry.action in REPORTER_ACTIONS:
                assert who == case.reporter_id
            else:
                assert entry.action == "escalate" and who is None and entry.actor_role == "system"
            if entry.action == "dispatch":
                department = entry.data["department"]
                assert entry.data["assignee"] in (None, *[u for (u, r) in held if r == "handler"])


def test_only_closed_cases_are_rated_as_their_last_rating_says(history):
    rated = [case for case in history if case.rating]
    assert rated
    for case in history:
        ratings = [e.data["rating"] for e in case.timeline.all() if e.action == "rate"]
        if case.rating:
            assert case.state == CaseState.CLOSED and ratings[-1] == case.rating
        if case.rating == "unsatisfied":
            assert case.rating_comment
    satisfied = sum(case.rating == "satisfied" for case in rated)
    assert satisfied > len(rated) / 2


def test_every_location_resolves_to_the_case_grid(history):
    for case in history:
        found = selectors.grid_for_point(lon=case.location.x, lat=case.location.y)
        assert found == case.grid, case.number
        assert case.area_code == case.grid.code


def test_a_quarter_or_so_is_handled_on_the_spot(history):
    on_spot = [case for case in history if case.handled_on_spot]
    assert 0.15 <= len(on_spot) / len(history) <= 0.35
    for case in on_spot:
        assert case.state == CaseState.CLOSED and case.source == "patrol"
        assert [e.action for e in case.timeline.all()][:2] == ["report", "on_spot"]


def test_escalations_follow_the_rule_one_area_up_each_time(history):
    escalated = [case for case in history if case.escalation_level]
    assert any(case.state in OPEN_STATES for case in escalated)
    for case in history:
        steps = [e for e in case.timeline.all() if e.action == "escalate"]
        assert len(steps) == case.escalation_level <= 3
        for level, entry in enumerate(steps, start=1):
            assert entry.data["level"] == level
            assert entry.data["to"] == case.area_code[: (12, 9, 6)[level - 1]]
        if steps:
            assert case.escalated_to == steps[-1].data["to"]
            assert case.escalated_at == steps[-1].at


def test_a_merged_case_names_its_master_which_absorbed_it_while_open(history):
    merged = [case for case in history if case.state == CaseState.MERGED]
    assert merged
    for case in merged:
        master = case.master
        absorbed = master.timeline.get(action="absorb", data__duplicate=case.pk)
        assert absorbed.at == case.closed_at and absorbed.to_state in OPEN_STATES
        assert master.category_id == case.category_id and master.grid_id == case.grid_id
        assert master.pk < case.pk
        assert CaseFollower.objects.filter(case=master, user=case.reporter).exists()


def test_the_supervisor_sees_history_and_the_handler_an_inbox(history):
    supervisor = User.objects.get(username="supervisor")
    assert case_selectors.case_list(user=supervisor).exists()
    handlers = User.objects.filter(roles__role=Role.HANDLER)
    assert any(case_selectors.handler_inbox(user=user).exists() for user in handlers)


def test_the_same_seed_tells_the_same_history_and_another_seed_another(history):
    # given the history loaded by the demo command today
    before = digest(history)
    # when it is removed and told again from the same seed, then from another
    history_delete()
    history_load(seed=DEFAULT_SEED, cases=CASES)
    again = digest(Case.objects.order_by("pk"))
    history_delete()
    history_load(seed=DEFAULT_SEED + 1, cases=CASES)
    other = digest(Case.objects.order_by("pk"))
    # then the same seed gives the same cases, moments and words
    assert again == before
    assert other != before


def test_reset_removes_the_history_with_the_district(history):
    demo_support.run_demo("--reset", households=HOUSEHOLDS, cases=0)
    assert not Case.objects.filter(area_code__startswith=DISTRICT_CODE).exists()
    assert not CaseEntry.objects.filter(case__area_code__startswith=DISTRICT_CODE).exists()


def test_the_full_default_demo_has_five_thousand_cases_a_quarter_of_them_on_the_spot(history):
    # How long the load takes is not asserted here: a timed test fails on a busy CI machine
    # (57 s with both suites running, 26 s alone); `manage.py demo` prints its own time.
    out = StringIO()
    call_command("demo", "--reset", f"--households={HOUSEHOLDS}", stdout=out)
    cases = Case.objects.filter(area_code__startswith=DISTRICT_CODE)
    assert cases.count() >= 5000
    assert cases.filter(handled_on_spot=True).count() / cases.count() == pytest.approx(
        0.25, abs=0.03
    )
