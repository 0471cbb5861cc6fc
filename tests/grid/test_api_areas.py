"""Area tree, area detail, point lookup and a grid worker's grids, through the API."""

import pytest
from django.test import Client

from accounts.models import Role
from tests.factories import X0, Y0, grid_centre, user_with_role
from tests.grid.api_support import API, codes, get_json, session_client

STREET_1, STREET_2 = "310101001", "310101002"


@pytest.fixture
def supervisor_of_street_1(areas):
    return user_with_role(Role.SUPERVISOR, areas[STREET_1])


def test_area_list_shows_the_scope_below_it_and_the_ancestors(supervisor_of_street_1):
    status, body = get_json(session_client(supervisor_of_street_1), "/grid/areas")
    assert status == 200
    assert codes(body) == [
        "310101",
        "310101001",
        "310101001001",
        "310101001001001",
        "310101001001002",
        "310101001002",
        "310101001002001",
        "310101001002002",
    ]
    in_scope = {area["code"]: area["in_scope"] for area in body}
    assert in_scope["310101"] is False
    assert in_scope[STREET_1] is True


def test_area_list_hides_the_neighbouring_street_entirely(supervisor_of_street_1):
    _status, body = get_json(session_client(supervisor_of_street_1), "/grid/areas")
    assert not [area for area in body if area["code"].startswith(STREET_2)]


def test_area_list_under_and_max_level_narrow_the_list(supervisor_of_street_1):
    client = session_client(supervisor_of_street_1)
    _status, body = get_json(client, "/grid/areas", under="310101001002", max_level=3)
    assert codes(body) == ["310101001002"]
    _status, body = get_json(client, "/grid/areas", under=STREET_2)
    assert body == []


def test_area_tree_nests_the_scope_under_its_ancestors_without_siblings(supervisor_of_street_1):
    status, body = get_json(session_client(supervisor_of_street_1), "/grid/areas/tree")
    assert status == 200
    [district] = body
    assert (district["code"], district["in_scope"]) == ("310101", False)
    [street] = district["children"]
    assert street["code"] == STREET_1
    assert [c["code"] for c in street["children"]] == ["310101001001", "310101001002"]
    grids = street["children"][0]["children"]
    assert [(g["code"], g["level_label"], g["children"]) for g in grids] == [
        ("310101001001001", "网格", []),
        ("310101001001002", "网格", []),
    ]


def test_area_tree_of_a_grid_worker_holds_only_their_grid_and_its_ancestors(areas):
    worker = user_with_role(Role.GRID_WORKER, areas["310101002001002"])
    _status, body = get_json(session_client(worker), "/grid/areas/tree")
    path = []
    node = body[0]
    while node:
        path.append((node["code"], node["in_scope"]))
        assert len(node["children"]) <= 1
        node = node["children"][0] if node["children"] else None
    assert path == [
        ("310101", False),
        ("310101002", False),
        ("310101002001", False),
        ("310101002001002", True),
    ]


def test_superuser_sees_the_whole_tree(areas):
    admin = user_with_role(Role.ADMIN, areas["310101"], is_superuser=True)
    _status, body = get_json(session_client(admin), "/grid/areas")
    assert len(body) == 15
    assert all(area["in_scope"] for area in body)


def test_area_detail_has_a_geojson_multipolygon_boundary_and_children(supervisor_of_street_1):
    status, body = get_json(session_client(supervisor_of_street_1), f"/grid/areas/{STREET_1}")
    assert status == 200
    assert body["boundary"]["type"] == "MultiPolygon"
    ring = body["boundary"]["coordinates"][0][0]
    assert ring[0] == ring[-1]
    corners = {(round(x, 6), round(y, 6)) for x, y in ring}
    x1, y1 = round(X0 + 0.04, 6), round(Y0 + 0.04, 6)
    assert corners == {(X0, Y0), (x1, Y0), (x1, y1), (X0, y1)}
    assert body["parent_code"] == "310101"
    assert codes(body["children"]) == ["310101001001", "310101001002"]


def test_area_detail_of_the_neighbouring_street_is_not_found(supervisor_of_street_1):
    client = session_client(supervisor_of_street_1)
    for code in (STREET_2, "310101002001", "310101002001001"):
        response = client.get(f"{API}/grid/areas/{code}")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
        assert "管辖范围" in response.json()["detail"]


def test_area_detail_of_an_ancestor_is_not_found_either(supervisor_of_street_1):
    # the district is listed to hang the tree on, not to be read
    status, _body = get_json(session_client(supervisor_of_street_1), "/grid/areas/310101")
    assert status == 404


def test_unknown_area_code_is_not_found(supervisor_of_street_1):
    status, body = get_json(session_client(supervisor_of_street_1), "/grid/areas/310101001009")
    assert status == 404
    assert body["status"] == 404


@pytest.mark.parametrize("code", ["31010", "3101010011", "abcdef", "3101010010010010"])
def test_malformed_area_code_is_refused_with_a_chinese_message(supervisor_of_street_1, code):
    status, body = get_json(session_client(supervisor_of_street_1), f"/grid/areas/{code}")
    assert status == 422
    assert body["errors"][0]["message"] == "区域编码格式不正确。"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"under": "31a"}, "区域编码格式不正确。"),
        ({"max_level": "9"}, "最低层级不能大于 4。"),
        ({"max_level": "x"}, "最低层级应为整数。"),
    ],
)
def test_bad_area_list_filters_are_refused(supervisor_of_street_1, params, message):
    status, body = get_json(session_client(supervisor_of_street_1), "/grid/areas", **params)
    assert status == 422
    assert body["detail"] == message


def test_lookup_finds_the_grid_of_a_point(supervisor_of_street_1):
    point = grid_centre("310101001002001")
    status, body = get_json(
        session_client(supervisor_of_street_1), "/grid/lookup", lon=point.x, lat=point.y
    )
    assert status == 200
    assert body["grid"]["code"] == "310101001002001"
    assert body["grid"]["parent_code"] == "310101001002"


def test_lookup_answers_outside_the_scope_with_code_and_name_only(supervisor_of_street_1):
    # unscoped by design (see grid.api.grid_lookup): a reporter must find any grid
    point = grid_centre("310101002002002")
    _status, body = get_json(
        session_client(supervisor_of_street_1), "/grid/lookup", lon=point.x, lat=point.y
    )
    assert body["grid"]["code"] == "310101002002002"
    assert set(body["grid"]) == {"code", "name", "level", "level_label", "parent_code"}


def test_lookup_of_a_point_outside_every_grid_is_null(supervisor_of_street_1):
    status, body = get_json(
        session_client(supervisor_of_street_1), "/grid/lookup", lon=X0 - 1, lat=Y0
    )
    assert (status, body) == (200, {"grid": None})


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"lon": "181", "lat": "31"}, "经度不能大于 180。"),
        ({"lon": "121", "lat": "-90.5"}, "纬度不能小于 -90。"),
        ({"lon": "abc", "lat": "31"}, "经度应为数字。"),
        ({"lon": "nan", "lat": "31"}, None),
        ({"lon": "inf", "lat": "31"}, None),
        ({"lat": "31"}, "经度为必填项。"),
    ],
)
def test_bad_lookup_coordinates_are_refused_as_problem_json(
    supervisor_of_street_1, params, message
):
    response = session_client(supervisor_of_street_1).get(f"{API}/grid/lookup", params)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["title"] == "输入有误"
    assert body["errors"][0]["field"] in ("lon", "lat")
    if message:
        assert body["detail"] == message
    assert params.get("lon", "_") not in response.content.decode()


def test_lookup_needs_a_login(areas):
    response = Client().get(f"{API}/grid/lookup", {"lon": X0, "lat": Y0})
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "请先登录或提供有效的令牌。"


def test_grid_worker_gets_their_own_grids_with_boundaries(areas):
    worker = user_with_role(Role.GRID_WORKER, areas["310101001001002"])
    status, body = get_json(session_client(worker), "/grid/my-grids")
    assert status == 200
    assert codes(body) == ["310101001001002"]
    assert body[0]["boundary"]["type"] == "MultiPolygon"


def test_my_grids_of_a_worker_over_a_community_are_its_grids(areas):
    worker = user_with_role(Role.GRID_WORKER, areas["310101002001"])
    _status, body = get_json(session_client(worker), "/grid/my-grids")
    assert codes(body) == ["310101002001001", "310101002001002"]


def test_my_grids_is_empty_for_a_supervisor_and_a_superuser(supervisor_of_street_1, areas):
    admin = user_with_role(Role.ADMIN, areas["310101"], is_superuser=True)
    for user in (supervisor_of_street_1, admin):
        assert get_json(session_client(user), "/grid/my-grids") == (200, [])


def test_openapi_documents_every_grid_endpoint_and_both_auth_schemes(db):
    response = Client().get(f"{API}/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    for path in (
        "/api/v1/grid/areas",
        "/api/v1/grid/areas/tree",
        "/api/v1/grid/areas/{code}",
        "/api/v1/grid/lookup",
        "/api/v1/grid/my-grids",
        "/api/v1/grid/buildings",
        "/api/v1/grid/households",
        "/api/v1/grid/residents",
        "/api/v1/grid/residents/{resident_id}",
        "/api/v1/grid/residents/{resident_id}/reveal",
        "/api/v1/auth/token",
    ):
        assert path in paths, path
    assert paths["/api/v1/grid/areas/tree"]["get"]["summary"] == "区域树"
    assert {"200", "404", "422"} <= set(paths["/api/v1/grid/areas/{code}"]["get"]["responses"])
    assert set(schema["components"]["securitySchemes"]) == {"BearerToken", "SessionWithCsrf"}
    resident_fields = schema["components"]["schemas"]["ResidentOut"]["properties"]
    assert "id_number" not in resident_fields
    assert "id_number_masked" in resident_fields


def test_docs_page_renders(db):
    response = Client().get(f"{API}/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content
