"""The map API beyond scope: counts instead of points at low zoom or past the cap, heat
cells, the grid summary, search, the boundary check and save, and bad input."""

import json

import pytest
from django.test import override_settings

from accounts.models import Role
from consultation import services as consultation_services
from feedback import map_layers
from tests.factories import make_resident, user_with_role
from tests.feedback.conftest import GRID, NEIGHBOUR_GRID
from tests.feedback.flows import reported
from tests.maps.layers import DISTRICT_BBOX, layer

API = "/api/v1/map"


def test_low_zoom_gives_counts_per_grid_and_mid_zoom_per_cell(client, people, categories):
    for _ in range(3):
        reported(people, categories)
    client.force_login(people["supervisor"])
    (grid,) = layer(client, "cases", zoom=12)["features"]
    assert grid["properties"] == {"cluster": True, "count": 3, "grid": GRID}
    (cell,) = layer(client, "cases", zoom=14)["features"]
    assert cell["properties"] == {"cluster": True, "count": 3, "grid": None}
    assert len(layer(client, "cases", zoom=15)["features"]) == 3


def test_past_the_cap_points_become_counts(client, people, categories, monkeypatch):
    monkeypatch.setattr(map_layers, "POINT_CAP", 2)
    for _ in range(3):
        reported(people, categories)
    client.force_login(people["supervisor"])
    features = layer(client, "cases", zoom=18)["features"]
    assert [f["properties"]["count"] for f in features] == [3]


def test_case_points_carry_the_contract_properties(client, people, categories):
    case = reported(people, categories)
    client.force_login(people["worker"])
    (feature,) = layer(client, "cases")["features"]
    assert feature["properties"] == {
        "id": case.pk,
        "number": case.number,
        "category": "占道经营",
        "state": "reported",
        "state_label": "待立案",
        "colour": "green",
        "url": f"/cases/{case.pk}/",
        "title": "人行道上有摊贩占道",
    }


def test_deadline_colours(client, people, categories):
    import datetime as dt

    from django.utils import timezone

    from feedback.models import Case

    now = timezone.now()
    late, soon, closed = (reported(people, categories) for _ in range(3))
    Case.objects.filter(pk=late.pk).update(due_at=now - dt.timedelta(hours=1))
    Case.objects.filter(pk=soon.pk).update(
        stage_started_at=now - dt.timedelta(hours=9), due_at=now + dt.timedelta(hours=1)
    )
    Case.objects.filter(pk=closed.pk).update(state="closed")
    client.force_login(people["worker"])
    colours = {
        f["properties"]["id"]: f["properties"]["colour"] for f in layer(client, "cases")["features"]
    }
    assert colours == {late.pk: "red", soon.pk: "amber", closed.pk: "grey"}


def test_filters_narrow_the_cases(client, people, categories):
    reported(people, categories)
    other = reported(people, categories, category="manhole")
    client.force_login(people["worker"])
    features = layer(client, "cases", category="0201")["features"]
    assert [f["properties"]["id"] for f in features] == [other.pk]
    assert layer(client, "cases", until="2000-01-01")["features"] == []
    assert len(layer(client, "cases", state="reported", since="2000-01-01")["features"]) == 2


def test_heat_is_cells_of_counts(client, people, categories):
    for _ in range(2):
        reported(people, categories)
    client.force_login(people["supervisor"])
    body = client.get(f"{API}/heat", {"bbox": DISTRICT_BBOX}).json()
    ((lat, lon, weight),) = body["points"]
    assert weight == 2 and 31.2 < lat < 31.22 and 121.4 < lon < 121.42
    client.force_login(people["neighbour_supervisor"])
    assert client.get(f"{API}/heat", {"bbox": DISTRICT_BBOX}).json()["points"] == []


def test_grid_summary_is_for_staff_over_the_grid(client, areas, people, categories):
    case = reported(people, categories)
    client.force_login(people["supervisor"])
    body = client.get(f"{API}/grids/{GRID}/summary").json()
    assert body["code"] == GRID and body["figures"]["open"] == 1
    assert body["figures"] == {"open": 1, "overdue": 0, "closed_week": 0, "escalated": 0}
    assert body["workers"] == [{"name": people["worker"].username}]
    assert [c["id"] for c in body["cases"]] == [case.pk]
    for name in ("neighbour_supervisor", "resident"):
        client.force_login(people[name])
        assert client.get(f"{API}/grids/{GRID}/summary").status_code == 404


def test_search_finds_our_own_places_in_scope(client, areas, people):
    make_resident(GRID)  # 测试路N号 at the grid's centre
    make_resident(NEIGHBOUR_GRID)
    client.force_login(people["worker"])
    results = client.get(f"{API}/search", {"q": "测试路"}).json()["results"]
    assert [r["kind"] for r in results] == ["building"] and results[0]["code"] == GRID
    areas_found = client.get(f"{API}/search", {"q": "网格"}).json()["results"]
    assert [(r["kind"], r["code"]) for r in areas_found] == [("area", GRID)]
    client.force_login(people["neighbour_supervisor"])
    found = client.get(f"{API}/search", {"q": "第1-1-1"}).json()["results"]
    assert found == []


def test_topics_layer_shows_open_topics_of_the_community(client, areas, people):
    clerk = people["clerk"]
    topic, _created = consultation_services.topic_open(
        actor=clerk,
        area=areas[GRID[:12]],
        title="停车位划线",
        description="小区内停车位重新划线。",
        client_id=__import__("uuid").uuid4(),
    )
    client.force_login(people["resident"])
    (feature,) = layer(client, "topics")["features"]
    assert feature["properties"]["id"] == topic.pk
    assert feature["properties"]["url"] == f"/topics/{topic.pk}/"
    assert feature["properties"]["phase_label"]
    client.force_login(user_with_role(Role.RESIDENT, areas["310101002001"]))
    assert layer(client, "topics")["features"] == []


def _square(x0, y0, x1, y1) -> dict:
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def test_boundary_check_reports_overlap_and_overhang(client, areas):
    client.force_login(user_with_role(Role.ADMIN, areas[GRID[:9]]))
    url = f"{API}/grids/{GRID}/check"
    same = client.post(
        url, {"boundary": _square(121.40, 31.20, 121.42, 31.22)}, content_type="application/json"
    )
    assert same.json() == {
        "ok": True,
        "overlaps": [],
        "outside_parent_m2": 0.0,
        "uncovered_share": 0.0,
    }
    wider = _square(121.40, 31.20, 121.43, 31.225)
    body = client.post(url, {"boundary": wider}, content_type="application/json").json()
    assert body["ok"] is False
    assert [o["code"] for o in body["overlaps"]] == [GRID[:12] + "002"]
    assert body["outside_parent_m2"] > 100_000
    narrower = _square(121.40, 31.20, 121.41, 31.22)
    body = client.post(url, {"boundary": narrower}, content_type="application/json").json()
    assert body["ok"] is True and body["uncovered_share"] == pytest.approx(0.25)


def test_boundary_save_uses_the_grid_rules(client, areas):
    client.force_login(user_with_role(Role.ADMIN, areas[GRID[:9]]))
    url = f"{API}/grids/{GRID}/boundary"
    refused = client.put(
        url, {"boundary": _square(121.40, 31.20, 121.43, 31.22)}, content_type="application/json"
    )
    assert refused.status_code == 422 and "重叠" in refused.json()["detail"]
    saved = client.put(
        url, {"boundary": _square(121.40, 31.20, 121.41, 31.22)}, content_type="application/json"
    )
    assert saved.status_code == 200 and saved.json()["saved"] is True
    areas[GRID].refresh_from_db()
    assert areas[GRID].boundary.extent == pytest.approx((121.40, 31.20, 121.41, 31.22))


def test_boundary_is_for_admins_over_the_grid(client, areas, people):
    body = {"boundary": _square(121.40, 31.20, 121.41, 31.22)}
    for user in (people["supervisor"], user_with_role(Role.ADMIN, areas[NEIGHBOUR_GRID[:9]])):
        client.force_login(user)
        response = client.post(f"{API}/grids/{GRID}/check", body, content_type="application/json")
        assert response.status_code == 404


@pytest.mark.parametrize(
    ("params", "word"),
    [
        ({"bbox": "1,2,3", "zoom": 10}, "bbox"),
        ({"bbox": "121.5,31,121.4,31.3", "zoom": 10}, "bbox"),
        ({"bbox": "nan,31,121.4,31.3", "zoom": 10}, "bbox"),
        ({"bbox": DISTRICT_BBOX, "zoom": 30}, "zoom"),
        ({"bbox": DISTRICT_BBOX, "zoom": 10, "since": "2026-13-01"}, "since"),
        ({"bbox": DISTRICT_BBOX, "zoom": 10, "since": "2026-02-01", "until": "2026-01-01"}, "日期"),
    ],
)
def test_bad_input_is_a_400_in_chinese(client, people, params, word):
    client.force_login(people["worker"])
    response = client.get(f"{API}/layers/cases", params)
    assert response.status_code == 400 and word in response.json()["detail"]


def test_bad_polygons_and_unknown_layers(client, areas, people):
    client.force_login(user_with_role(Role.ADMIN, areas[GRID[:9]]))
    url = f"{API}/grids/{GRID}/check"
    for boundary in (
        {"type": "Point", "coordinates": [1, 2]},
        {"type": "Polygon", "coordinates": "x"},
        _square(200, 31, 201, 32),
    ):
        response = client.post(url, {"boundary": boundary}, content_type="application/json")
        assert response.status_code == 422, boundary
    assert (
        client.get(f"{API}/layers/nothing", {"bbox": DISTRICT_BBOX, "zoom": 3}).status_code == 404
    )


def test_map_config_names_the_endpoints_and_basemap(rf, people):
    from maps.basemap import basemap_from
    from maps.config import map_config

    request = rf.get("/")
    request.user = people["worker"]
    config = map_config(request, extra=1)
    assert config["basemap"]["kind"] == "none" and config["extra"] == 1
    assert config["endpoints"]["grid_summary"] == "/api/v1/map/grids/{code}/summary"
    assert config["tiles"] == "/tiles/{layer}/{z}/{x}/{y}.pbf"
    tianditu = basemap_from(
        url="", kind="tianditu", crs="", attribution="", subdomains=[], tianditu_key="k1"
    )
    with override_settings(BASEMAP=tianditu):
        basemap = map_config(request)["basemap"]
    assert (
        basemap["url"].startswith("https://t{s}.tianditu.gov.cn/vec_w/wmts?")
        and "tk=k1" in basemap["url"]
    )
    assert tianditu.origins[0] == "https://t0.tianditu.gov.cn" and len(tianditu.origins) == 8
    gcj = basemap_from(
        url="http://{s}.tiles.intranet/{z}/{x}/{y}.png",
        kind="xyz",
        crs="gcj02",
        attribution="",
        subdomains=["a", "b"],
        tianditu_key="",
    )
    assert (
        gcj.origins == ("http://a.tiles.intranet", "http://b.tiles.intranet") and gcj.crs == "gcj02"
    )
    assert json.dumps(config)
