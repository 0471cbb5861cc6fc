"""The opinion-map cast: a topic of community COMMUNITY in its deliberate phase, the people
who take part in it, and their neighbours (the next community of the same street, the
next street). The district is tests.factories' (2 streets × 2 communities × 2 grids)."""

import pytest

from accounts.models import Role
from consultation.models import InitiatorKind, Phase, Topic, TopicStatus
from opinions import services
from tests.factories import make_resident, user_with_role

STREET = "310101001"
COMMUNITY = "310101001001"
GRID = "310101001001001"
NEXT_GRID = "310101001001002"
NEXT_COMMUNITY = "310101001002"
NEXT_STREET = "310101002"


def resident_of(areas, grid_code: str, name: str):
    """A resident user with a resident role over the grid's community, linked to a
    household in the grid (as registration leaves them)."""
    user = user_with_role(Role.RESIDENT, areas[grid_code[:12]], display_name=name)
    user.resident = make_resident(grid_code, name=name)
    user.save()
    return user


@pytest.fixture
def cast(areas):
    return {
        "resident": resident_of(areas, GRID, "李秀英"),
        "resident_next_grid": resident_of(areas, NEXT_GRID, "王建国"),
        "resident_next_community": resident_of(areas, f"{NEXT_COMMUNITY}001", "赵敏"),
        "grid_worker": user_with_role(Role.GRID_WORKER, areas[GRID]),
        "clerk": user_with_role(Role.CLERK, areas[COMMUNITY], display_name="孙主任"),
        "clerk_next_community": user_with_role(Role.CLERK, areas[NEXT_COMMUNITY]),
        "supervisor": user_with_role(Role.SUPERVISOR, areas[STREET]),
        "supervisor_next_street": user_with_role(Role.SUPERVISOR, areas[NEXT_STREET]),
    }


def make_topic(area, initiator, *, phase=Phase.DELIBERATE, title="加装电梯") -> Topic:
    return Topic.objects.create(
        area=area,
        title=title,
        description="3号楼是否加装电梯",
        initiator=initiator,
        initiator_kind=InitiatorKind.STAFF,
        status=TopicStatus.AGENDA,
        phase=phase,
    )


@pytest.fixture
def topic(areas, cast):
    return make_topic(areas[COMMUNITY], cast["clerk"])


@pytest.fixture
def seeded(topic, cast):
    """Two accepted statements seeded by the clerk, and a resident's pending one."""
    first, _ = services.statement_add(
        actor=cast["clerk"], topic_id=topic.pk, text="加装电梯方便老人出行"
    )
    second, _ = services.statement_add(
        actor=cast["clerk"], topic_id=topic.pk, text="电梯会挡住一楼采光"
    )
    pending, _ = services.statement_add(
        actor=cast["resident"], topic_id=topic.pk, text="费用应按楼层分摊"
    )
    return {"accepted": [first, second], "pending": pending}
