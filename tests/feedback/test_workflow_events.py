"""Every transition of feedback.workflow publishes, after commit, the event kinds its row
names, to exactly the groups that may open the case: the staff of the grid and of every
area above it, the department while the case is with it, and the reporter."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from feedback import services
from feedback.escalation import escalate_overdue
from feedback.photos import prepare
from feedback.workflow import STEP, TRANSITIONS
from realtime.models import Event
from realtime.publish import send_after_commit
from tests.events import capture_events
from tests.feedback.conftest import GRID
from tests.feedback.flows import closed, dispatched, handled, registered, reported
from tests.feedback.photos import image_bytes

LEVELS = (6, 9, 12, 15)  # district, street, community, grid


def photo(fmt: str = "JPEG"):
    return prepare(image_bytes(fmt), name=f"photo.{fmt.lower()}")


def nothing(people, categories):
    return None


def on_spot(people, categories, case):
    return services.case_handle_on_spot(
        actor=people["worker"], client_id=uuid.uuid4(), category=categories["stall"],
        description="占道摆摊", lon=None, lat=None, grid_code=GRID, note="已劝离",
        before=[photo()], after=[photo("PNG")],
    )  # fmt: skip


def duplicate_and_master(people, categories):
    return reported(people, categories), reported(people, categories, reporter="other_resident")


def merge(people, categories, cases):
    duplicate, master = cases
    return services.case_merge(
        actor=people["supervisor"], case_id=duplicate.pk, master_id=master.pk
    )


def escalate(people, categories, case):
    return escalate_overdue(now=timezone.now() + dt.timedelta(days=30))


# transition → (the case(s) it starts from, what is done, the timeline actions of the events
# it publishes, whether the case is with a department then); a row of the table without
# a scenario here fails the test
SCENARIOS = {
    "report": (nothing, lambda p, c, _: reported(p, c), ["report"], False),
    "handle_on_spot": (nothing, on_spot, ["report", "on_spot"], False),
    "add_photos": (
        reported,
        lambda p, c, case: services.case_add_photos(
            actor=p["resident"], case_id=case.pk, photos=[photo()]
        ),
        ["add_photos"], False,
    ),
    "register": (
        reported,
        lambda p, c, case: services.case_register(actor=p["supervisor"], case_id=case.pk),
        ["register"], False,
    ),
    "dispatch": (
        registered,
        lambda p, c, case: services.case_dispatch(actor=p["supervisor"], case_id=case.pk),
        ["dispatch"], True,
    ),
    "handle": (
        dispatched,
        lambda p, c, case: services.case_handle(actor=p["handler"], case_id=case.pk, note="已劝离"),
        ["handle"], True,
    ),
    "verify": (
        handled,
        lambda p, c, case: services.case_verify(actor=p["worker"], case_id=case.pk, passed=True),
        ["verify_pass"], True,
    ),
    "rate": (
        closed,
        lambda p, c, case: services.case_rate(
            actor=p["resident"], case_id=case.pk, rating="satisfied"
        ),
        ["rate"], True,
    ),
    "reopen": (
        closed,
        lambda p, c, case: services.case_reopen(
            actor=p["resident"], case_id=case.pk, reason="问题依旧"
        ),
        ["reopen"], False,
    ),
    "merge": (duplicate_and_master, merge, ["merge", "absorb"], False),
    "reject": (
        reported,
        lambda p, c, case: services.case_reject(
            actor=p["supervisor"], case_id=case.pk, reason="不属于受理范围"
        ),
        ["reject"], False,
    ),
    "send_back": (
        dispatched,
        lambda p, c, case: services.case_send_back(
            actor=p["handler"], case_id=case.pk, reason="非本部门职责"
        ),
        ["send_back"], False,
    ),
    "withdraw": (
        reported,
        lambda p, c, case: services.case_withdraw(actor=p["resident"], case_id=case.pk),
        ["withdraw"], False,
    ),
    "hide": (
        reported,
        lambda p, c, case: services.case_hide(
            actor=p["supervisor"], case_id=case.pk, reason="含个人信息"
        ),
        ["hide"], False,
    ),
    "escalate": (reported, escalate, ["escalate"], False),
}  # fmt: skip


@pytest.mark.parametrize("transition", [t.name for t in TRANSITIONS])
def test_each_transition_publishes_its_kinds_to_those_who_may_open_the_case(
    transition, people, categories
):
    start, perform, actions, with_department = SCENARIOS[transition]
    # given a case where the transition begins (its own events are not captured)
    case = start(people, categories)
    # when the transition is taken
    with capture_events(expected=len(actions)) as events:
        perform(people, categories, case)
    # then each event is the kind of the table's step, about the case
    assert [e.kind for e in events] == [STEP[action].kind for action in actions]
    assert [e.payload["action"] for e in events] == actions
    assert events[0].area == GRID
    # sent to the staff of every area over the grid, the department while it has the
    # case, and the reporter: no one else, and no public group
    city = people["handler"].roles.get().department_id
    reporter = people["worker" if transition == "handle_on_spot" else "resident"]
    expected = [f"staff.{GRID[:n]}" for n in LEVELS]
    expected += [f"dept.{city}.{GRID[:n]}" for n in LEVELS] if with_department else []
    assert events[0].audience == [*expected, f"user.{reporter.pk}"]


def test_an_unserialisable_payload_fails_the_test_that_publishes_it(db):
    event = Event(pk=1, kind="case.report", area_code=GRID, payload={"when": object()})
    event.audience = ["staff.310101"]
    with pytest.raises(TypeError), capture_events():
        send_after_commit(event)
