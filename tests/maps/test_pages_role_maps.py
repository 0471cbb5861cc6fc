"""The map page of each role (/maps/), the command map and the grid boundary editor: who
gets which page, where it opens, and that nothing of a neighbouring area or of a hidden
case is written into the page (the layers come from the scoped endpoints)."""

import json
import re
import uuid

import pytest
from django.urls import reverse

from accounts.models import Role
from feedback import services as case_services
from tests.factories import grid_centre, user_with_role
from tests.feedback.conftest import categories, departments  # noqa: F401

GRID, NEIGHBOUR_GRID = "310101001001001", "310101002001001"
ROLE_AREAS = {
    Role.RESIDENT: GRID[:12],
    Role.GRID_WORKER: GRID,
    Role.CLERK: GRID[:12],
    Role.HANDLER: GRID[:9],
    Role.SUPERVISOR: GRID[:9],
    Role.ADMIN: GRID[:9],
}


def page_config(response) -> dict:
    pattern = r'<script id="map-config" type="application/json">(.*?)</script>'
    match = re.search(pattern, response.text)
    return json.loads(match.group(1))


@pytest.fixture
def users(areas):
    return {role: user_with_role(role, areas[code]) for role, code in ROLE_AREAS.items()}


@pytest.fixture
def neighbours(areas):
    """The same roles over the street next door."""
    return {
        role: user_with_role(role, areas[NEIGHBOUR_GRID[: len(code)]])
        for role, code in ROLE_AREAS.items()
    }


@pytest.fixture
def hidden_and_neighbouring_cases(areas, categories, users):  # noqa: F811
    """A hidden case in GRID and an ordinary one next door: no page may carry either."""
    reporter = user_with_role(Role.GRID_WORKER, areas[NEIGHBOUR_GRID])
    supervisor = users[Role.SUPERVISOR]
    found = []
    for grid, actor in ((GRID, users[Role.GRID_WORKER]), (NEIGHBOUR_GRID, reporter)):
        point = grid_centre(grid)
        case, _ = case_services.case_report(
            actor=actor,
            client_id=uuid.uuid4(),
            category=categories["stall"],
            description="占道经营",
            lon=point.x,
            lat=point.y,
        )
        found.append(case)
    case_services.case_hide(actor=supervisor, case_id=found[0].pk, reason="涉及个人隐私")
    return found


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.GRID_WORKER, Role.CLERK, Role.HANDLER])
def test_field_roles_get_their_own_map_opening_on_their_area(client, users, areas, role):
    client.force_login(users[role])
    response = client.get(reverse("maps:area_map"))
    assert response.status_code == 200
    config = page_config(response)
    assert config["focus"] == list(areas[ROLE_AREAS[role]].boundary.extent)
    assert config["endpoints"]["layers"].startswith("/api/v1/map/layers/")
    assert ("topics" in config["layers"]) == (role == Role.RESIDENT)


def test_the_grid_worker_map_offers_gps_search_and_the_report_sheet(client, users):
    client.force_login(users[Role.GRID_WORKER])
    response = client.get(reverse("maps:area_map"))
    assert 'id="locate"' in response.text and 'id="map-search"' in response.text
    assert "我的网格" in response.text


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.ADMIN])
def test_supervisors_and_admins_are_sent_to_the_command_map(client, users, role):
    client.force_login(users[role])
    response = client.get(reverse("maps:area_map"))
    assert response.status_code == 302 and response["Location"] == reverse("maps:command")
    page = client.get(reverse("maps:command"))
    assert page.status_code == 200 and 'id="map-filters"' in page.text
    assert page_config(page)["mode"] == "command"


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.GRID_WORKER, Role.CLERK, Role.HANDLER])
def test_the_command_map_is_not_found_for_other_roles(client, users, role):
    client.force_login(users[role])
    assert client.get(reverse("maps:command")).status_code == 404


def test_the_command_map_opens_on_the_supervised_street(client, users, areas):
    client.force_login(users[Role.SUPERVISOR])
    config = page_config(client.get(reverse("maps:command")))
    assert config["focus"] == list(areas[GRID[:9]].boundary.extent)


def test_the_admin_edits_a_grid_of_their_area(client, users, areas):
    client.force_login(users[Role.ADMIN])
    response = client.get(reverse("maps:grid_editor", args=[GRID]))
    assert response.status_code == 200
    config = page_config(response)
    assert config["grid"]["code"] == GRID
    assert config["grid"]["boundary"]["type"] == "MultiPolygon"
    assert config["endpoints"]["grid_check"].endswith("/check")


@pytest.mark.parametrize("role", list(ROLE_AREAS))
def test_no_neighbour_may_open_the_grid_editor(client, neighbours, role):
    client.force_login(neighbours[role])
    assert client.get(reverse("maps:grid_editor", args=[GRID])).status_code == 404


@pytest.mark.parametrize("role", [r for r in ROLE_AREAS if r != Role.ADMIN])
def test_only_an_admin_may_open_the_grid_editor(client, users, role):
    client.force_login(users[role])
    assert client.get(reverse("maps:grid_editor", args=[GRID])).status_code == 404


@pytest.mark.parametrize("role", list(ROLE_AREAS))
def test_a_neighbours_map_carries_nothing_of_this_area(
    client, neighbours, areas, hidden_and_neighbouring_cases, role
):
    client.force_login(neighbours[role])
    response = client.get(reverse("maps:area_map"), follow=True)
    assert response.status_code == 200
    config = page_config(response)
    assert config["focus"] == list(areas[NEIGHBOUR_GRID[: len(ROLE_AREAS[role])]].boundary.extent)
    hidden, _next_door = hidden_and_neighbouring_cases
    assert hidden.number not in response.text and GRID not in response.text


@pytest.mark.parametrize("role", list(ROLE_AREAS))
def test_no_map_page_carries_a_case(client, users, hidden_and_neighbouring_cases, role):
    """Cases reach the map only through the layer endpoints, which ask the access policy."""
    client.force_login(users[role])
    response = client.get(reverse("maps:area_map"), follow=True)
    for case in hidden_and_neighbouring_cases:
        assert case.number not in response.text


@pytest.mark.parametrize(
    "role, reports",
    [(Role.RESIDENT, True), (Role.GRID_WORKER, True), (Role.CLERK, True), (Role.HANDLER, False)],
)
def test_the_report_sheet_is_offered_to_those_who_may_report(client, users, role, reports):
    client.force_login(users[role])
    response = client.get(reverse("maps:area_map"))
    assert (page_config(response)["report"] is not None) == reports
    assert ('id="report-sheet"' in response.text) == reports
