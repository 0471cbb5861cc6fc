"""The ballot cast: a topic of community COMMUNITY, its voters in grid GRID (adults,
a minor, a moved-out member, households of several members), a resident of the next
community, and the staff of the community, the next community and the street."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from accounts.models import Role
from consultation.models import Topic
from grid import services as grid_services
from grid.models import Household, ResidentStatus
from tests.factories import id_number, make_resident, user_with_role
from voting import services
from voting.rules import Rules, share_named

STREET = "310101001"
COMMUNITY = "310101001001"
GRID = "310101001001001"
NEXT_GRID = "310101001001002"
NEXT_COMMUNITY = "310101001002"
NEXT_COMMUNITY_GRID = "310101001002001"

_seq = iter(range(500, 999))


def user_for(resident, areas, name: str = "居民"):
    """A resident user linked to `resident` (as registration leaves them)."""
    grid = resident.household.building.grid.code
    user = user_with_role(Role.RESIDENT, areas[grid[:12]], display_name=name)
    user.resident = resident
    user.save()
    return user


def member(household: Household, *, born: str = "19850505", relation: str = "spouse",
           name: str = "家人"):  # fmt: skip
    """Another member of `household`, born on `born` (YYYYMMDD)."""
    return grid_services.resident_save(
        household=household, name=name, relation=relation,
        id_number=id_number("310101", born, next(_seq)),
    )  # fmt: skip


def voter(areas, grid: str = GRID, name: str = "居民"):
    """An adult resident user of a new household in `grid`."""
    return user_for(make_resident(grid, name=name), areas, name)


def make_topic(areas, area_code: str = COMMUNITY) -> Topic:
    initiator = user_with_role(Role.CLERK, areas[area_code[:12]])
    return Topic.objects.create(
        area=areas[area_code], title="加装电梯", description="3号楼加装电梯方案",
        initiator=initiator, initiator_kind="staff", status="agenda", phase="vote",
    )  # fmt: skip


MAJORITY = Rules(quorum=None, threshold=share_named("more_than_half"))


def make_ballot(topic, actor, *, kind="yes_no", open_now=True, rules=MAJORITY, **kw):
    now = timezone.now()
    values = {"eligibility_rule": "person", "options": (), "secret": True}
    values.update(kw)
    ballot = services.ballot_create(
        actor=actor, topic=topic, kind=kind, question="是否同意加装电梯", rules=rules,
        opens_at=now - dt.timedelta(minutes=5), closes_at=now + dt.timedelta(days=7),
        **values,
    )  # fmt: skip
    if open_now:
        ballot = services.ballot_open(ballot=ballot, actor=actor)
    return ballot


def cast(user, ballot, *selection, receipt=""):
    return services.ballot_cast(
        actor=user, ballot=ballot, selection=list(selection), client_id=uuid.uuid4(),
        receipt=receipt,
    )  # fmt: skip


def key(ballot, position: int) -> str:
    return ballot.options.get(position=position).key


def moved_out(resident):
    resident.status = ResidentStatus.MOVED_OUT
    resident.save(update_fields=["status"])
    return resident


@pytest.fixture
def clerk(areas):
    return user_with_role(Role.CLERK, areas[COMMUNITY])


@pytest.fixture
def topic(areas):
    return make_topic(areas)
