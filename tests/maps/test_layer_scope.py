"""Every role against its own area and a neighbouring one, in the GeoJSON layers and the
vector tiles alike: a neighbour's case never reaches the screen, and sensitive or hidden
cases reach only the staff over them."""

import pytest

from accounts.models import Role
from feedback import services
from tests.factories import user_with_role
from tests.feedback.conftest import GRID, NEIGHBOUR_GRID
from tests.feedback.flows import dispatched, registered, reported
from tests.maps.layers import case_ids, layer, tile_case_ids, tile_features, tile_of

COMMUNITY, STREET = GRID[:12], GRID[:9]
NEIGHBOUR_COMMUNITY, NEIGHBOUR_STREET = NEIGHBOUR_GRID[:12], NEIGHBOUR_GRID[:9]


@pytest.fixture
def cases(people, categories):
    """In GRID: a public case (registered, reported by the resident), a sensitive one, a
    hidden one and one with the city department; in the neighbouring street: one case."""
    public = registered(people, categories)  # an unscreened report is not public yet
    sensitive = reported(people, categories, category="dispute", reporter="worker")
    hidden = reported(people, categories, reporter="worker")
    services.case_hide(actor=people["supervisor"], case_id=hidden.pk, reason="含个人信息")
    with_city = dispatched(people, categories, reporter="worker")
    neighbour = services.case_report(
        actor=people["neighbour_worker"],
        client_id=__import__("uuid").uuid4(),
        category=categories["stall"],
        description="对面街道的占道经营",
        grid_code=NEIGHBOUR_GRID,
        lon=121.45,
        lat=31.21,
    )[0]
    return {
        "public": public.pk,
        "sensitive": sensitive.pk,
        "hidden": hidden.pk,
        "city": with_city.pk,
        "neighbour": neighbour.pk,
    }


OURS = ("public", "sensitive", "hidden", "city")
# role → (area of the role, the cases of GRID it sees on a map)
ROLES = {
    Role.RESIDENT: (COMMUNITY, {"public", "city"}),  # public ones: no sensitive, no hidden
    Role.GRID_WORKER: (GRID, set(OURS)),
    Role.CLERK: (COMMUNITY, set(OURS)),
    Role.HANDLER: (GRID[:6], {"city"}),  # only what was dispatched to the department
    Role.SUPERVISOR: (STREET, set(OURS)),
    Role.ADMIN: (STREET, set(OURS)),
}
NEIGHBOUR_AREA = {
    Role.RESIDENT: NEIGHBOUR_COMMUNITY,
    Role.GRID_WORKER: NEIGHBOUR_GRID,
    Role.CLERK: NEIGHBOUR_COMMUNITY,
    Role.SUPERVISOR: NEIGHBOUR_STREET,
    Role.ADMIN: NEIGHBOUR_STREET,
}


def _user(role, code, areas, departments):
    dept = departments["city"] if role == Role.HANDLER else None
    return user_with_role(role, areas[code], department=dept)


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_sees_exactly_its_cases_in_geojson_and_tiles(
    client, areas, departments, cases, role
):
    code, expected = ROLES[role]
    client.force_login(_user(role, code, areas, departments))
    wanted = {cases[name] for name in expected}
    assert case_ids(client) == wanted
    assert tile_case_ids(client, tile_of(GRID, 16)) == wanted


@pytest.mark.parametrize("role", list(ROLES))
def test_the_counts_at_low_zoom_count_exactly_those_cases(client, areas, departments, cases, role):
    code, expected = ROLES[role]
    client.force_login(_user(role, code, areas, departments))
    counts = {
        f["properties"]["grid"]: f["properties"]["count"]
        for f in layer(client, "cases", zoom=12)["features"]
    }
    assert counts.get(GRID, 0) == len(expected)
    tiled = tile_features(client, "cases", tile_of(GRID, 12))
    assert {f["properties"]["grid"]: f["properties"]["count"] for f in tiled}.get(GRID, 0) == len(
        expected
    )


@pytest.mark.parametrize("role", list(NEIGHBOUR_AREA))
def test_a_neighbouring_role_sees_none_of_our_cases(client, areas, departments, cases, role):
    client.force_login(_user(role, NEIGHBOUR_AREA[role], areas, departments))
    ours = {cases[name] for name in OURS}
    assert not case_ids(client) & ours
    assert not tile_case_ids(client, tile_of(GRID, 16)) & ours
    clusters = layer(client, "cases", zoom=12)["features"]
    assert all(f["properties"]["grid"] != GRID for f in clusters)


def test_the_neighbouring_handler_department_sees_nothing_of_ours(
    client, areas, departments, cases
):
    client.force_login(
        user_with_role(Role.HANDLER, areas[GRID[:6]], department=departments["housing"])
    )
    assert case_ids(client) == set()
    assert tile_case_ids(client, tile_of(GRID, 16)) == set()


def test_the_reporter_sees_their_own_sensitive_case(client, people, categories, cases):
    mine = reported(people, categories, category="dispute")
    client.force_login(people["resident"])
    assert mine.pk in case_ids(client)
    assert cases["sensitive"] not in case_ids(client)


def test_a_resident_opens_the_public_page_and_staff_the_case(client, people, cases):
    client.force_login(people["other_resident"])
    props = {f["properties"]["id"]: f["properties"] for f in layer(client, "cases")["features"]}
    assert props[cases["public"]]["url"] == f"/cases/public/{cases['public']}/"
    client.force_login(people["worker"])
    props = {f["properties"]["id"]: f["properties"] for f in layer(client, "cases")["features"]}
    assert props[cases["public"]]["url"] == f"/cases/{cases['public']}/"


def test_grid_layer_and_tiles_hold_only_grids_in_scope(client, areas, people, cases):
    client.force_login(people["worker"])
    features = layer(client, "grids", zoom=14)["features"]
    assert [f["properties"]["code"] for f in features] == [GRID]
    assert features[0]["properties"]["open"] == 4  # the hidden and sensitive ones count too
    client.force_login(people["neighbour_worker"])
    assert [f["properties"]["code"] for f in layer(client, "grids")["features"]] == [NEIGHBOUR_GRID]


def test_buildings_show_households_to_staff_only(client, areas, people):
    from tests.factories import make_resident

    make_resident(GRID)
    client.force_login(people["worker"])
    (feature,) = layer(client, "buildings")["features"]
    assert feature["properties"]["households"] == 1
    client.force_login(people["handler"])  # reads addresses, not the register
    (feature,) = layer(client, "buildings")["features"]
    assert "households" not in feature["properties"] and feature["properties"]["address"]
    client.force_login(people["neighbour_worker"])
    assert layer(client, "buildings")["features"] == []
