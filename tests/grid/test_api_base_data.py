"""Buildings, households and residents through the API: scoped, masked, paginated."""

import pytest

from accounts.models import Role
from grid import services
from grid.models import SpecialGroup
from tests.factories import id_number, make_resident, user_with_role
from tests.grid.api_support import API, bearer_client, get_json, session_client

STREET_1, STREET_2 = "310101001", "310101002"
GRID_1, GRID_2 = "310101001001001", "310101002001001"


@pytest.fixture
def two_streets(areas):
    """One resident in each street; returns (ours, theirs)."""
    ours = make_resident(GRID_1, name="李明", phone="13812345678")
    theirs = make_resident(GRID_2, name="王芳", phone="13987654321")
    return ours, theirs


@pytest.fixture
def supervisor(areas):
    return user_with_role(Role.SUPERVISOR, areas[STREET_1])


@pytest.mark.parametrize("path", ["/grid/buildings", "/grid/households", "/grid/residents"])
def test_a_list_shows_our_street_and_nothing_of_the_neighbouring_one(two_streets, supervisor, path):
    ours, theirs = two_streets
    status, body = get_json(session_client(supervisor), path)
    assert status == 200
    ids = {item["id"] for item in body["items"]}
    expected = {
        "/grid/buildings": (ours.household.building_id, theirs.household.building_id),
        "/grid/households": (ours.household_id, theirs.household_id),
        "/grid/residents": (ours.id, theirs.id),
    }[path]
    assert ids == {expected[0]}
    assert body["count"] == 1


@pytest.mark.parametrize("path", ["/grid/buildings", "/grid/households", "/grid/residents"])
def test_under_a_neighbouring_area_gives_an_empty_list(two_streets, supervisor, path):
    status, body = get_json(session_client(supervisor), path, under=STREET_2)
    assert (status, body["count"], body["items"]) == (200, 0, [])


@pytest.mark.parametrize("path", ["/grid/buildings", "/grid/households", "/grid/residents"])
def test_the_neighbouring_supervisor_sees_only_their_own_street(two_streets, areas, path):
    _ours, theirs = two_streets
    neighbour = user_with_role(Role.SUPERVISOR, areas[STREET_2])
    _status, body = get_json(bearer_client(neighbour), path)
    expected = {
        "/grid/buildings": theirs.household.building_id,
        "/grid/households": theirs.household_id,
        "/grid/residents": theirs.id,
    }[path]
    assert [item["id"] for item in body["items"]] == [expected]


def test_building_list_gives_location_and_grid(two_streets, supervisor):
    ours, _theirs = two_streets
    _status, body = get_json(session_client(supervisor), "/grid/buildings")
    [building] = body["items"]
    location = ours.household.building.location
    assert building["grid_code"] == GRID_1
    assert (building["lon"], building["lat"]) == pytest.approx((location.x, location.y))


def test_household_list_gives_address_room_and_grid(two_streets, supervisor):
    ours, _theirs = two_streets
    _status, body = get_json(session_client(supervisor), "/grid/households")
    [household] = body["items"]
    assert household["address"] == ours.household.building.address
    assert household["room"] == ours.household.room
    assert household["grid_code"] == GRID_1


def test_resident_list_masks_id_number_and_phone(two_streets, supervisor):
    ours, _theirs = two_streets
    response = session_client(supervisor).get(f"{API}/grid/residents")
    [resident] = response.json()["items"]
    assert resident["id_number_masked"] == ours.id_number[:6] + "********" + ours.id_number[-4:]
    assert resident["phone_masked"] == "138****5678"
    assert ours.id_number not in response.content.decode()
    assert "13812345678" not in response.content.decode()
    assert resident["relation_label"] == "户主"


def test_resident_detail_shows_special_groups_with_chinese_labels(two_streets, supervisor):
    ours, _theirs = two_streets
    services.special_group_add(resident=ours, kind=SpecialGroup.ELDERLY_ALONE)
    services.special_group_add(resident=ours, kind=SpecialGroup.VETERAN, visit_every_days=60)
    response = session_client(supervisor).get(f"{API}/grid/residents/{ours.id}")
    assert response.status_code == 200
    body = response.json()
    groups = sorted(
        (g["kind"], g["kind_label"], g["visit_every_days"]) for g in body["special_groups"]
    )
    assert groups == [("elderly_alone", "独居老人", 7), ("veteran", "退役军人", 60)]
    assert body["grid_code"] == GRID_1
    assert body["phone_masked"] == "138****5678"
    assert ours.id_number not in response.content.decode()


def test_resident_detail_of_the_neighbouring_street_is_not_found(two_streets, supervisor):
    _ours, theirs = two_streets
    response = session_client(supervisor).get(f"{API}/grid/residents/{theirs.id}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "居民不存在或不在您的管辖范围内。"


@pytest.mark.parametrize("resident_id", ["0", "-1", str(2**63), "99999999999999999999999"])
def test_resident_ids_beyond_the_database_range_are_refused_not_crashed(supervisor, resident_id):
    response = session_client(supervisor).get(f"{API}/grid/residents/{resident_id}")
    assert response.status_code in (404, 422)
    assert response.status_code != 500


def test_resident_sees_only_their_own_household(areas):
    # given a household of two, and a neighbour in the same grid
    me = make_resident(GRID_1, name="赵一")
    services.resident_save(
        household=me.household,
        name="赵二",
        relation="spouse",
        id_number=id_number("310101", "19820202", 901),
    )
    make_resident(GRID_1, name="钱三")
    user = user_with_role(Role.RESIDENT, areas[GRID_1], resident=me)
    client = session_client(user)
    # when they list residents, households and buildings
    _s, residents = get_json(client, "/grid/residents")
    _s, households = get_json(client, "/grid/households")
    _s, buildings = get_json(client, "/grid/buildings")
    # then only their own household shows
    assert sorted(r["name"] for r in residents["items"]) == ["赵一", "赵二"]
    assert [h["id"] for h in households["items"]] == [me.household_id]
    assert [b["id"] for b in buildings["items"]] == [me.household.building_id]


def test_a_resident_role_without_a_linked_record_sees_no_base_data(areas):
    make_resident(GRID_1)
    user = user_with_role(Role.RESIDENT, areas[GRID_1])
    _s, body = get_json(session_client(user), "/grid/residents")
    assert body["count"] == 0


def test_resident_search_by_id_number_is_an_exact_match(two_streets, supervisor):
    ours, _theirs = two_streets
    client = session_client(supervisor)
    _s, found = get_json(client, "/grid/residents", id_number=ours.id_number.lower())
    assert [r["id"] for r in found["items"]] == [ours.id]
    _s, partial = get_json(client, "/grid/residents", id_number=ours.id_number[:10])
    assert partial["status"] == 422
    assert partial["detail"] == "身份证号应为 18 位。"


def test_search_by_id_number_does_not_reach_into_the_neighbouring_street(two_streets, supervisor):
    _ours, theirs = two_streets
    _s, body = get_json(session_client(supervisor), "/grid/residents", id_number=theirs.id_number)
    assert body["count"] == 0


def test_resident_search_by_name_and_special_group(two_streets, supervisor):
    ours, _theirs = two_streets
    other = make_resident(GRID_1, name="李华")
    services.special_group_add(resident=other, kind=SpecialGroup.DISABLED)
    client = session_client(supervisor)
    _s, by_name = get_json(client, "/grid/residents", name="李")
    assert sorted(r["id"] for r in by_name["items"]) == sorted([ours.id, other.id])
    _s, by_group = get_json(client, "/grid/residents", special_group="disabled")
    assert [r["id"] for r in by_group["items"]] == [other.id]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"special_group": "vip"}, "特殊人群类别应为以下之一"),
        ({"name": "李\x00"}, "姓名不能包含控制字符。"),
        ({"limit": "0"}, "每页条数不能小于 1。"),
        ({"limit": "201"}, "每页条数不能大于 200。"),
        ({"offset": "-1"}, "起始位置不能小于 0。"),
        ({"offset": str(10**30)}, "起始位置"),
        ({"under": "3101010010"}, "区域编码格式不正确。"),
    ],
)
def test_bad_resident_filters_are_refused_in_chinese(supervisor, params, message):
    response = session_client(supervisor).get(f"{API}/grid/residents", params)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"].startswith(message)


def test_lists_are_paginated_with_limit_and_offset(areas, supervisor):
    residents = [make_resident(GRID_1, name=f"居民{n}") for n in range(5)]
    client = session_client(supervisor)
    _s, first = get_json(client, "/grid/residents", limit=2)
    _s, rest = get_json(client, "/grid/residents", limit=2, offset=2)
    assert first["count"] == rest["count"] == 5
    page_ids = [r["id"] for r in first["items"] + rest["items"]]
    assert page_ids == [r.id for r in residents[:4]]


@pytest.mark.parametrize("path", ["/grid/buildings", "/grid/households", "/grid/residents"])
def test_list_of_twenty_rows_runs_a_fixed_number_of_queries(
    areas, supervisor, django_assert_max_num_queries, path
):
    for n in range(20):
        make_resident(GRID_1 if n % 2 else "310101001002002", name=f"居民{n}", phone="13800000000")
    client = session_client(supervisor)
    client.get(f"{API}{path}")  # warm the session
    # session + user + roles + count + page; no query per row
    with django_assert_max_num_queries(6):
        response = client.get(f"{API}{path}")
    assert len(response.json()["items"]) == 20


def test_resident_detail_runs_a_fixed_number_of_queries(
    areas, supervisor, django_assert_max_num_queries
):
    resident = make_resident(GRID_1)
    for kind in (SpecialGroup.DISABLED, SpecialGroup.LOW_INCOME, SpecialGroup.VETERAN):
        services.special_group_add(resident=resident, kind=kind)
    client = session_client(supervisor)
    with django_assert_max_num_queries(6):
        response = client.get(f"{API}/grid/residents/{resident.id}")
    assert len(response.json()["special_groups"]) == 3
