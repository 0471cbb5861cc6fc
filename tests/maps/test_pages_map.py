"""The map page and the coverage overview."""

import json
import re

from django.test import override_settings
from django.urls import reverse

from accounts.models import Role
from maps.basemap import basemap_from
from tests.factories import user_with_role

GRID = "310101001001001"


def map_config(response) -> dict:
    match = re.search(
        r'<script id="area-map-config" type="application/json">(.*?)</script>', response.text
    )
    return json.loads(match.group(1))


def test_anonymous_visitor_is_sent_to_login(client, db):
    response = client.get(reverse("maps:area_map"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_map_page_loads_leaflet_from_our_own_static_files_only(client, areas):
    client.force_login(user_with_role(Role.GRID_WORKER, areas[GRID]))
    page = client.get(reverse("maps:area_map_of", args=[GRID])).text
    assert "/static/leaflet/leaflet.js" in page and "/static/maps/area_map.js" in page
    assert "/static/leaflet/leaflet.css" in page
    assert not re.search(r'(src|href)="(https?:)?//', page)


def test_map_of_a_grid_asks_for_that_subtree(client, areas):
    client.force_login(user_with_role(Role.GRID_WORKER, areas[GRID]))
    response = client.get(reverse("maps:area_map_of", args=[GRID]))
    assert response.status_code == 200
    assert map_config(response)["geojsonUrl"] == f"/api/v1/maps/areas?under={GRID}"
    assert "第1-1-1网格" in response.text


def test_map_of_a_neighbouring_grid_is_not_found(client, areas):
    client.force_login(user_with_role(Role.GRID_WORKER, areas[GRID]))
    assert client.get(reverse("maps:area_map_of", args=["310101001001002"])).status_code == 404


def test_no_basemap_by_default(client, areas):
    client.force_login(user_with_role(Role.GRID_WORKER, areas[GRID]))
    assert map_config(client.get(reverse("maps:area_map_of", args=[GRID])))["basemapUrl"] == ""


@override_settings(
    BASEMAP=basemap_from(
        url="http://tiles.intranet/{z}/{x}/{y}.png",
        kind="",
        crs="wgs84",
        attribution="",
        subdomains=[],
        tianditu_key="",
    )
)
def test_basemap_url_is_passed_to_the_map_when_configured(client, areas):
    client.force_login(user_with_role(Role.GRID_WORKER, areas[GRID]))
    config = map_config(client.get(reverse("maps:area_map_of", args=[GRID])))
    assert config["basemapUrl"] == "http://tiles.intranet/{z}/{x}/{y}.png"


def test_coverage_overview_lists_the_communities_in_scope(client, areas):
    client.force_login(user_with_role(Role.ADMIN, areas["310101001"]))
    response = client.get(reverse("maps:coverage"))
    reports = response.context["reports"]
    assert [community.code for community, _r, _p in reports] == ["310101001001", "310101001002"]
    assert all(report.complete for _c, report, _p in reports)
    assert "第2-1社区" not in response.text


def test_coverage_overview_is_not_for_grid_workers(client, areas):
    client.force_login(user_with_role(Role.GRID_WORKER, areas[GRID]))
    assert client.get(reverse("maps:coverage")).status_code == 404
