"""The demo district: realistic, valid, deterministic, idempotent, with every role."""

import hashlib
import itertools
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from accounts.models import Department, Role, RoleAssignment, User
from common.personal_data import keyed_hash
from common.phone import normalise_phone
from demo import DISTRICT_CODE
from demo.load import demo_delete
from demo.people import age_of
from grid import selectors, validation
from grid.models import (
    Area,
    AreaLevel,
    Building,
    Household,
    Relation,
    Resident,
    SpecialGroup,
    SpecialGroupMembership,
)
from tests.demo import support as demo_support

SMALL = 200
OVERLAP_TOLERANCE = 1e-10  # square degrees, as grid.services uses


def run_demo(*args: str, households: int = SMALL) -> str:
    """The district without a case history (tests/demo/test_history.py has it)."""
    return demo_support.run_demo(*args, households=households)


@pytest.fixture(scope="module")
def small_demo(django_db_setup, django_db_blocker):
    """The small district, loaded once for this module and committed (as Django's
    setUpTestData does); every test runs in a transaction on top of it, rolled back after."""
    with demo_support.committed_demo(django_db_blocker, households=SMALL):
        yield


@pytest.fixture
def demo(small_demo, db) -> None:
    """The small demo district, for one test: whatever the test changes is rolled back."""


def digest() -> str:
    """Everything a seed decides: area codes, names and boundaries, addresses, people."""
    parts = [f"{a.code}{a.name}{a.boundary.wkt}" for a in Area.objects.order_by("code")]
    parts += [f"{b.address}{b.location.wkt}" for b in Building.objects.order_by("address")]
    residents = Resident.objects.order_by(
        "household__building__address", "household__room", "relation", "birth_date", "name"
    )
    parts += [f"{r.name}{r.id_number}{r.phone}{r.relation}" for r in residents]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def test_demo_district_has_at_least_three_streets_ten_communities_and_sixty_grids(demo):
    levels = Area.objects.filter(code__startswith=DISTRICT_CODE).values_list("level", flat=True)
    assert list(levels).count(AreaLevel.DISTRICT) == 1
    assert list(levels).count(AreaLevel.STREET) >= 3
    assert list(levels).count(AreaLevel.COMMUNITY) >= 10
    assert list(levels).count(AreaLevel.GRID) >= 60
    assert Department.objects.filter(area__code=DISTRICT_CODE).count() >= 4


def test_every_area_lies_within_its_parent(demo):
    tolerance = settings.GRID_CONTAINMENT_TOLERANCE
    for area in Area.objects.filter(parent__isnull=False).select_related("parent"):
        assert area.boundary.valid, area.code
        outside = area.boundary.difference(area.parent.boundary.buffer(tolerance))
        assert outside.empty or outside.area <= tolerance**2, area.code


def test_grids_of_a_community_cover_it_without_overlapping(demo):
    for community in Area.objects.filter(level=AreaLevel.COMMUNITY):
        grids = list(community.children.all())
        for first, second in itertools.combinations(grids, 2):
            overlap = first.boundary.intersection(second.boundary).area
            assert overlap <= OVERLAP_TOLERANCE, (first.code, second.code)
        covered = grids[0].boundary.union(grids[1].boundary)
        for grid in grids[2:]:
            covered = covered.union(grid.boundary)
        assert community.boundary.difference(covered).area <= OVERLAP_TOLERANCE


def test_every_building_is_inside_its_grid_and_the_point_lookup_finds_it(demo):
    buildings = list(Building.objects.select_related("grid"))
    assert buildings
    for building in buildings:
        assert building.grid.boundary.contains(building.location), building.address
        if building.footprint is not None:
            assert building.grid.boundary.contains(building.footprint), building.address
        found = selectors.grid_for_point(lon=building.location.x, lat=building.location.y)
        assert found == building.grid, building.address


def test_every_id_number_validates_and_encodes_the_stored_birth_date_and_gender(demo):
    residents = list(Resident.objects.all())
    assert len(residents) > SMALL
    for resident in residents:
        number = validation.validate_id_number(resident.id_number)
        assert validation.facts_from_id_number(number) == (resident.birth_date, resident.gender)
        assert resident.id_number_hash == keyed_hash(number)
        if resident.phone:
            assert normalise_phone(resident.phone) == resident.phone
            assert resident.phone_hash == keyed_hash(resident.phone)
    assert len({r.id_number for r in residents}) == len(residents)


def test_personal_data_is_encrypted_at_rest(demo):
    resident = Resident.objects.exclude(phone="").first()
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM grid_resident WHERE id = %s", [resident.pk])
        stored_id_number, stored_phone = cursor.fetchone()
    assert resident.id_number not in stored_id_number
    assert resident.phone not in stored_phone


def test_every_household_has_exactly_one_present_head(demo):
    for household in Household.objects.prefetch_related("members"):
        heads = [m for m in household.members.all() if m.relation == Relation.SELF]
        assert len(heads) == 1, household.pk


def test_no_two_members_of_a_household_share_a_name(demo):
    for household in Household.objects.prefetch_related("members"):
        names = [member.name for member in household.members.all()]
        assert len(names) == len(set(names)), household.pk


def test_special_groups_follow_from_the_people_and_are_found_by_keyed_hash(demo):
    # given the elderly living alone, found the way the platform searches an encrypted kind
    kind = SpecialGroup.ELDERLY_ALONE
    alone = SpecialGroupMembership.objects.filter(kind_hash=keyed_hash(kind))
    # then each is 70 or older and the only member of their household
    assert alone.exists()
    for membership in alone.select_related("resident__household"):
        assert membership.kind == kind
        assert age_of(membership.resident.birth_date) >= 70
        assert membership.resident.household.members.count() == 1
    kinds = {m.kind for m in SpecialGroupMembership.objects.all()}
    assert {SpecialGroup.ELDERLY_ALONE, SpecialGroup.LEFT_BEHIND_MINOR} <= kinds


def test_the_same_seed_rebuilds_the_same_district(demo):
    # given the district loaded with the default seed
    before = digest()
    # when it is reset and loaded again with the same seed
    output = run_demo("--reset")
    # then every code, name, boundary, address and person is the same
    assert "已生成" in output
    assert digest() == before


def test_another_seed_draws_other_people(demo):
    before = digest()
    run_demo("--reset", "--seed=7")
    assert digest() != before


def test_running_demo_again_changes_nothing(demo):
    counts = (Area.objects.count(), Building.objects.count(), Resident.objects.count())
    output = run_demo()
    assert "已存在" in output
    assert (Area.objects.count(), Building.objects.count(), Resident.objects.count()) == counts


def test_household_count_follows_the_option(demo):
    run_demo("--reset", households=150)
    assert Household.objects.count() == 150
    assert Resident.objects.count() >= 2.5 * 150


def test_full_size_demo_has_three_thousand_households_and_eight_thousand_residents(demo):
    call_command("demo", "--reset", "--cases=0", stdout=StringIO())
    assert Household.objects.count() >= 3000
    assert Resident.objects.count() >= 8000


def demo_accounts() -> str:
    out = StringIO()
    call_command("demo_accounts", stdout=out)
    return out.getvalue()


def test_demo_accounts_give_one_login_per_role(demo):
    output = demo_accounts()
    assert "gongzhi-demo" in output and "http://127.0.0.1:8000/login/" in output
    usernames = {"resident", "gridworker", "clerk", "handler", "supervisor", "admin"}
    roles = {
        user.username: {a.role for a in user.roles.all()}
        for user in User.objects.filter(username__in=usernames)
    }
    assert roles == {
        "resident": {Role.RESIDENT},
        "gridworker": {Role.GRID_WORKER},
        "clerk": {Role.CLERK},
        "handler": {Role.HANDLER},
        "supervisor": {Role.SUPERVISOR},
        "admin": {Role.ADMIN},
    }
    for username in usernames:
        assert User.objects.get(username=username).check_password("gongzhi-demo")


def test_demo_accounts_have_the_right_scopes_and_powers(demo):
    demo_accounts()
    worker = User.objects.get(username="gridworker")
    assert {a.level for a in selectors.grids_of_worker(user=worker)} == {AreaLevel.GRID}
    assert selectors.grids_of_worker(user=worker).count() == 2
    handler = RoleAssignment.objects.get(user__username="handler")
    assert handler.area.code == DISTRICT_CODE and handler.department is not None
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    supervisor = User.objects.get(username="supervisor")
    assert supervisor.has_perm("grid.reveal_personal_data")
    assert not User.objects.get(username="clerk").has_perm("grid.reveal_personal_data")


def test_resident_account_is_linked_to_a_resident_of_its_community(demo):
    demo_accounts()
    user = User.objects.get(username="resident")
    community = RoleAssignment.objects.get(user=user).area
    assert community.level == AreaLevel.COMMUNITY
    assert user.resident.household.building.grid.parent == community
    assert user.resident.relation == Relation.SELF
    assert list(selectors.resident_list(user=user)) == list(user.resident.household.members.all())


def test_every_grid_gets_a_grid_worker(demo):
    demo_accounts()
    for grid in Area.objects.filter(level=AreaLevel.GRID):
        assert RoleAssignment.objects.filter(
            user__username=f"gw-{grid.code}", role=Role.GRID_WORKER, area=grid
        ).exists()


def test_demo_accounts_survive_a_reset_and_a_second_run(demo):
    # given the accounts, then a reset of the district that deletes their areas
    demo_accounts()
    users = User.objects.count()
    run_demo("--reset")
    # when the accounts are ensured again
    demo_accounts()
    # then nobody is duplicated and the resident is linked to a record again
    assert User.objects.count() == users
    assert User.objects.get(username="resident").resident is not None
    assert RoleAssignment.objects.filter(user__username="gridworker").count() == 2


def test_demo_accounts_need_the_demo_district(demo):
    demo_delete()
    with pytest.raises(CommandError, match="请先运行"):
        demo_accounts()


def test_demo_supervisors_and_admins_sign_in_with_the_printed_totp_key(demo, settings):
    import base64
    import re

    from django.test import Client
    from django_otp.oath import TOTP

    settings.TWO_FACTOR_ENFORCED = True
    output = demo_accounts()
    secret = re.search(r"oathtool --totp -b ([A-Z2-7]{32})", output).group(1)
    key = base64.b32decode(secret)
    for username in ("supervisor", "admin"):
        client = Client()
        client.post("/login/", {"username": username, "password": "gongzhi-demo"})
        assert client.get("/").url.startswith("/login/otp/")
        code = f"{TOTP(key).token():06d}"
        assert client.post("/login/otp/", {"code": code}).status_code == 302
        assert client.get("/").status_code == 200
    assert Client().post("/login/", {"username": "clerk", "password": "gongzhi-demo"}).url == "/"
