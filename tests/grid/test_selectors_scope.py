"""Scope of the base-data selectors: who reads which buildings, households, residents."""

from accounts.models import Role
from grid import selectors, services
from tests.factories import UserFactory, id_number, make_resident, user_with_role

GRID_1, GRID_1B, GRID_2 = "310101001001001", "310101001001002", "310101002001001"


def test_staff_read_everything_under_their_area_and_nothing_beside_it(areas):
    ours = make_resident(GRID_1B)
    make_resident(GRID_2)
    clerk = user_with_role(Role.CLERK, areas["310101001"])
    assert list(selectors.resident_list(user=clerk)) == [ours]
    assert list(selectors.household_list(user=clerk)) == [ours.household]
    assert list(selectors.building_list(user=clerk)) == [ours.household.building]


def test_a_handler_reads_buildings_of_their_area_but_no_household_or_resident(areas):
    # a department handler works the cases dispatched to them; the register is not theirs
    make_resident(GRID_1)
    theirs = make_resident(GRID_2)
    handler = user_with_role(Role.HANDLER, areas["310101002"])
    assert list(selectors.resident_list(user=handler)) == []
    assert list(selectors.household_list(user=handler)) == []
    assert list(selectors.building_list(user=handler)) == [theirs.household.building]


def test_a_user_without_roles_reads_nothing(areas):
    make_resident(GRID_1)
    nobody = UserFactory()
    assert list(selectors.resident_list(user=nobody)) == []
    assert list(selectors.area_list(user=nobody)) == []
    assert selectors.area_tree(user=nobody) == []


def test_superuser_reads_everything(areas):
    residents = [make_resident(GRID_1), make_resident(GRID_2)]
    root = UserFactory(is_superuser=True)
    assert list(selectors.resident_list(user=root).order_by("id")) == residents


def test_a_resident_role_reads_the_own_household_not_the_whole_grid(areas):
    me = make_resident(GRID_1)
    neighbour = make_resident(GRID_1)
    user = user_with_role(Role.RESIDENT, areas[GRID_1], resident=me)
    assert list(selectors.resident_list(user=user)) == [me]
    assert selectors.resident_get_for_user(user=user, resident_id=neighbour.id) is None


def test_a_grid_worker_who_is_also_a_resident_reads_both_without_duplicates(areas):
    # given a worker of grid 2 who lives in grid 1 with a spouse, next to a neighbour
    me = make_resident(GRID_1)
    spouse = services.resident_save(
        household=me.household,
        name="配偶",
        relation="spouse",
        id_number=id_number("310101", "19850505", 777),
    )
    make_resident(GRID_1)
    at_work = [make_resident(GRID_2), make_resident(GRID_2)]
    user = user_with_role(Role.GRID_WORKER, areas[GRID_2], resident=me)
    user.roles.create(role=Role.RESIDENT, area=areas[GRID_1])
    # then they read their grid and their own household, each once
    residents = list(selectors.resident_list(user=user).order_by("id"))
    assert residents == [me, spouse, *at_work]
    households = selectors.household_list(user=user)
    assert households.count() == len(set(households)) == 3


def test_area_list_includes_ancestors_but_not_siblings(areas):
    worker = user_with_role(Role.GRID_WORKER, areas[GRID_1B])
    listed = {a.code: a.in_scope for a in selectors.area_list(user=worker)}
    assert listed == {
        "310101": False,
        "310101001": False,
        "310101001001": False,
        GRID_1B: True,
    }


def test_area_get_for_user_refuses_ancestors_and_neighbours(areas):
    worker = user_with_role(Role.GRID_WORKER, areas[GRID_1B])
    assert selectors.area_get_for_user(user=worker, code=GRID_1B).code == GRID_1B
    assert selectors.area_get_for_user(user=worker, code="310101001001") is None
    assert selectors.area_get_for_user(user=worker, code=GRID_1) is None


def test_grids_of_worker_ignores_other_roles(areas):
    user = user_with_role(Role.SUPERVISOR, areas["310101"])
    user.roles.create(role=Role.GRID_WORKER, area=areas[GRID_2])
    assert [g.code for g in selectors.grids_of_worker(user=user)] == [GRID_2]


def test_area_tree_nests_children_under_parents(areas):
    supervisor = user_with_role(Role.SUPERVISOR, areas["310101002001"])
    [district] = selectors.area_tree(user=supervisor)
    [street] = district["children"]
    [community] = street["children"]
    assert community["code"] == "310101002001"
    assert [g["code"] for g in community["children"]] == [GRID_2, "310101002001002"]
