"""Vector tiles on the database under test (SpatiaLite encodes in Python, PostGIS with
ST_AsMVT): decoded, they hold the features and properties the GeoJSON has; their ETag
changes when a case is reported or moves state, and a repeat answers 304."""

from django.test import override_settings

from feedback import services
from tests.factories import make_resident
from tests.feedback.conftest import GRID
from tests.feedback.flows import reported
from tests.maps.layers import tile, tile_features, tile_of


def test_a_case_tile_holds_the_points_with_their_properties(client, people, categories):
    case = reported(people, categories)
    client.force_login(people["worker"])
    (feature,) = tile_features(client, "cases", tile_of(GRID, 16))
    assert feature["properties"] == {
        "id": case.pk,
        "number": case.number,
        "category_name": "占道经营",
        "state": "reported",
        "colour": "green",
    }
    assert feature["geometry"]["type"] == "Point"
    x, y = feature["geometry"]["coordinates"]
    assert 0 <= x <= 4096 and 0 <= y <= 4096


def test_below_zoom_15_a_case_tile_holds_counts(client, people, categories):
    for _ in range(3):
        reported(people, categories)
    client.force_login(people["supervisor"])
    features = tile_features(client, "cases", tile_of(GRID, 12))
    assert [f["properties"] for f in features] == [{"cluster": True, "count": 3, "grid": GRID}]
    (cell,) = tile_features(client, "cases", tile_of(GRID, 14))
    assert cell["properties"] == {"cluster": True, "count": 3}


def test_grid_and_building_tiles(client, areas, people):
    make_resident(GRID)
    client.force_login(people["worker"])
    (grid,) = tile_features(client, "grids", tile_of(GRID, 14))
    assert grid["properties"] == {"code": GRID, "name": "第1-1-1网格"}
    assert grid["geometry"]["type"] in ("Polygon", "MultiPolygon")
    (building,) = tile_features(client, "buildings", tile_of(GRID, 16))
    assert set(building["properties"]) == {"id", "name", "address"} or set(
        building["properties"]
    ) == {"id", "address"}  # an empty name is left out by the encoder


def test_an_empty_tile_is_an_empty_body(client, people):
    client.force_login(people["worker"])
    response = tile(client, "cases", (16, 0, 0))
    assert response.status_code == 200 and mapbox_layers(response.content) == {}


def mapbox_layers(data: bytes) -> dict:
    import mapbox_vector_tile

    return mapbox_vector_tile.decode(data) if data else {}


def test_etag_gives_304_until_a_case_is_reported_or_moves(
    client, people, categories, django_capture_on_commit_callbacks
):
    client.force_login(people["supervisor"])
    zxy = tile_of(GRID, 16)
    first = tile(client, "cases", zxy)
    assert first["Cache-Control"].startswith("private, max-age=")
    etag = first["ETag"]
    again = tile(client, "cases", zxy, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag
    with django_capture_on_commit_callbacks(execute=True):  # versions change after commit
        case = reported(people, categories)
    after_report = tile(client, "cases", zxy, HTTP_IF_NONE_MATCH=etag)
    assert after_report.status_code == 200 and after_report["ETag"] != etag
    etag = after_report["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        services.case_register(actor=people["supervisor"], case_id=case.pk)
    after_register = tile(client, "cases", zxy, HTTP_IF_NONE_MATCH=etag)
    assert after_register.status_code == 200 and after_register["ETag"] != etag
    assert tile(client, "cases", zxy, HTTP_IF_NONE_MATCH=after_register["ETag"]).status_code == 304


def test_the_etag_is_per_user(client, people, categories):
    reported(people, categories)
    zxy = tile_of(GRID, 16)
    client.force_login(people["supervisor"])
    etag = tile(client, "cases", zxy)["ETag"]
    client.force_login(people["worker"])
    assert tile(client, "cases", zxy, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_a_grid_saved_again_changes_the_grid_tile_etag(
    client, areas, people, django_capture_on_commit_callbacks
):
    from grid.services import area_save

    client.force_login(people["worker"])
    zxy = tile_of(GRID, 14)
    etag = tile(client, "grids", zxy)["ETag"]
    grid = areas[GRID]
    with django_capture_on_commit_callbacks(execute=True):
        area_save(code=GRID, name="改名网格", boundary=grid.boundary)
    response = tile(client, "grids", zxy, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    (feature,) = tile_features(client, "grids", zxy)
    assert feature["properties"]["name"] == "改名网格"


@override_settings(MAP_TILE_MAX_AGE=5)
def test_tiles_refuse_strangers_and_bad_tiles(client, people):
    assert tile(client, "cases", (16, 0, 0)).status_code == 401
    client.force_login(people["worker"])
    assert tile(client, "nothing", (16, 0, 0)).status_code == 404
    assert tile(client, "topics", (16, 0, 0)).status_code == 404  # GeoJSON only
    bad = tile(client, "cases", (3, 9, 0))
    assert bad.status_code == 400 and "瓦片" in bad.json()["detail"]
    assert tile(client, "cases", (16, 0, 0))["Cache-Control"] == "private, max-age=5"
