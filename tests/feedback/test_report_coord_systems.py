"""A position reported in GCJ-02 (WeChat, AMap) or BD-09 (Baidu) is stored as WGS84 and
lands in the grid it is really in: near a grid edge the raw GCJ-02 numbers (~450 m east
of the truth in Shanghai) would fall into the neighbouring grid."""

import uuid

import pytest

from feedback.models import Case
from maps.coords import wgs84_to_bd09, wgs84_to_gcj02
from tests.feedback.conftest import GRID
from tests.grid.api_support import bearer_client, post_json

# 50 m west of the edge between grids 001 and 002 of community 310101001001
TRUE_LON, TRUE_LAT = 121.4195, 31.21
NEXT_GRID = GRID[:12] + "002"


def report(people, lon: float, lat: float, **extra) -> Case:
    body = {
        "client_id": str(uuid.uuid4()),
        "category": "1301",
        "description": "人行道上有摊贩占道",
        "lon": lon,
        "lat": lat,
        **extra,
    }
    status, created = post_json(bearer_client(people["resident"]), "/cases", body)
    assert status == 201, created
    return Case.objects.get(pk=created["id"])


@pytest.mark.parametrize(
    ("system", "convert"), [("gcj02", wgs84_to_gcj02), ("bd09", wgs84_to_bd09)]
)
def test_a_chinese_position_lands_in_the_right_grid(people, categories, system, convert):
    lon, lat = convert(TRUE_LON, TRUE_LAT)
    assert lon > 121.42  # unconverted, it would be across the edge
    case = report(people, lon, lat, coord_system=system)
    assert case.area_code == GRID
    assert case.location.x == pytest.approx(TRUE_LON, abs=2e-6)
    assert case.location.y == pytest.approx(TRUE_LAT, abs=2e-6)


def test_without_a_system_the_position_is_taken_as_wgs84(people, categories):
    lon, lat = wgs84_to_gcj02(TRUE_LON, TRUE_LAT)
    assert report(people, lon, lat).area_code == NEXT_GRID
    assert report(people, TRUE_LON, TRUE_LAT, coord_system="cgcs2000").area_code == GRID


def test_an_unknown_system_is_refused(people, categories):
    body = {
        "client_id": str(uuid.uuid4()),
        "category": "1301",
        "description": "占道",
        "lon": TRUE_LON,
        "lat": TRUE_LAT,
        "coord_system": "mars",
    }
    status, problem = post_json(bearer_client(people["resident"]), "/cases", body)
    assert status == 422 and problem["detail"]


def test_the_report_page_converts_a_gcj02_point(client, people, categories):
    from django.urls import reverse

    from tests.feedback.pages import report_data

    lon, lat = wgs84_to_gcj02(TRUE_LON, TRUE_LAT)
    client.force_login(people["resident"])
    data = report_data(categories["stall"], lon=f"{lon:.7f}", lat=f"{lat:.7f}")
    response = client.post(reverse("feedback:report"), data | {"coord_system": "gcj02"})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.area_code == GRID and case.location.x == pytest.approx(TRUE_LON, abs=2e-6)
