import uuid

import pytest

from accounts.models import Department, Role
from feedback.models import Category, CategoryKind
from tests.factories import user_with_role


@pytest.fixture
def departments(areas):
    district = areas["310101"]
    return {
        "city": Department.objects.create(code="cgj", name="城管局", area=district),
        "housing": Department.objects.create(code="zjj", name="住建局", area=district),
    }


@pytest.fixture
def categories(departments):
    road = Category.objects.create(code="02", name="道路交通", kind=CategoryKind.COMPONENT)
    order = Category.objects.create(code="13", name="街面秩序", kind=CategoryKind.EVENT)
    return {
        "road": road,
        "manhole": Category.objects.create(
            code="0201",
            name="井盖破损",
            kind=CategoryKind.COMPONENT,
            parent=road,
            department=departments["housing"],
            handle_days=2,
        ),
        "stall": Category.objects.create(
            code="1301",
            name="占道经营",
            kind=CategoryKind.EVENT,
            parent=order,
            department=departments["city"],
        ),
        "dispute": Category.objects.create(
            code="1302",
            name="邻里纠纷",
            kind=CategoryKind.EVENT,
            parent=order,
            department=departments["city"],
            sensitive=True,
        ),
    }


GRID = "310101001001001"
NEIGHBOUR_GRID = "310101002001001"


@pytest.fixture
def people(areas, departments):
    """Everyone who touches a case in grid GRID, and their neighbours across the street."""
    return {
        "resident": user_with_role(Role.RESIDENT, areas["310101001001"]),
        "other_resident": user_with_role(Role.RESIDENT, areas["310101001001"]),
        "worker": user_with_role(Role.GRID_WORKER, areas[GRID]),
        "neighbour_worker": user_with_role(Role.GRID_WORKER, areas[NEIGHBOUR_GRID]),
        "supervisor": user_with_role(Role.SUPERVISOR, areas["310101001"]),
        "neighbour_supervisor": user_with_role(Role.SUPERVISOR, areas["310101002"]),
        "handler": user_with_role(Role.HANDLER, areas["310101"], department=departments["city"]),
        "other_handler": user_with_role(
            Role.HANDLER, areas["310101"], department=departments["housing"]
        ),
        "clerk": user_with_role(Role.CLERK, areas["310101001001"]),
    }


def new_client_id() -> uuid.UUID:
    return uuid.uuid4()
