"""The consultation cast: everyone who lives or works in grid GRID, and their neighbours
in the next grid of the same community, the next community and the next street (the
district of tests.factories: 2 streets × 2 communities × 2 grids)."""

import itertools
import uuid

import pytest

from accounts.models import Department, Role
from consultation import services
from tests.factories import id_number, make_resident, user_with_role

DISTRICT = "310101"
STREET = "310101001"
COMMUNITY = "310101001001"
GRID = "310101001001001"
NEXT_GRID = "310101001001002"  # same community
NEXT_COMMUNITY = "310101001002"  # same street
NEXT_STREET = "310101002"
NEXT_STREET_GRID = "310101002001001"


def resident_of(areas, grid_code: str, name: str, *, household=None):
    """A resident user with a resident role over the grid's community, linked to a
    household in the grid (as registration leaves them); `household` puts them in an
    existing one."""
    user = user_with_role(Role.RESIDENT, areas[grid_code[:12]], display_name=name)
    if household is None:
        user.resident = make_resident(grid_code, name=name)
    else:
        user.resident = member_of(household, name)
    user.save()
    return user


def member_of(household, name: str, *, born: str = "19820202", relation: str = "spouse"):
    """One more member of an existing household (born on `born`, YYYYMMDD)."""
    from grid import services as grid_services

    return grid_services.resident_save(
        household=household,
        name=name,
        relation=relation,
        id_number=id_number("310101", born, next(_members)),
    )


_members = itertools.count(500)


@pytest.fixture
def cast(areas):
    department = Department.objects.create(code="cg", name="城管科", area=areas[STREET])
    return {
        "resident": resident_of(areas, GRID, "李秀英"),
        "resident_next_grid": resident_of(areas, NEXT_GRID, "王建国"),
        "resident_next_community": resident_of(areas, f"{NEXT_COMMUNITY}001", "赵敏"),
        "resident_next_street": resident_of(areas, NEXT_STREET_GRID, "钱伟"),
        "resident_unlinked": user_with_role(Role.RESIDENT, areas[COMMUNITY]),
        "grid_worker": user_with_role(Role.GRID_WORKER, areas[GRID]),
        "grid_worker_next_grid": user_with_role(Role.GRID_WORKER, areas[NEXT_GRID]),
        "clerk": user_with_role(Role.CLERK, areas[COMMUNITY]),
        "clerk_next_community": user_with_role(Role.CLERK, areas[NEXT_COMMUNITY]),
        "supervisor": user_with_role(Role.SUPERVISOR, areas[STREET]),
        "supervisor_next_street": user_with_role(Role.SUPERVISOR, areas[NEXT_STREET]),
        "admin_next_street": user_with_role(Role.ADMIN, areas[NEXT_STREET]),
        "handler": user_with_role(Role.HANDLER, areas[STREET], department=department),
    }


def open_topic(actor, area, *, title="停车位划线", description="小区内停车位重新划线。"):
    """A topic staff opened on the agenda (in collection)."""
    topic, _created = services.topic_open(
        actor=actor, area=area, title=title, description=description, client_id=uuid.uuid4()
    )
    return topic


def propose(actor, area, *, title="加装电梯", description="3号楼加装电梯，请大家联署。"):
    topic, _created = services.topic_propose(
        actor=actor, area=area, title=title, description=description, client_id=uuid.uuid4()
    )
    return topic
