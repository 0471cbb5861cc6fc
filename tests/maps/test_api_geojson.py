"""The map's GeoJSON: only the areas in the user's scope, never a neighbour's."""

from django.test import Client

from accounts.models import Role
from tests.factories import user_with_role

URL = "/api/v1/maps/areas"


def feature_codes(client: Client, **params) -> list[str]:
    response = client.get(URL, params)
    assert response.status_code == 200
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    return [feature["properties"]["code"] for feature in collection["features"]]


def test_grid_worker_gets_only_their_grid(client, areas):
    client.force_login(user_with_role(Role.GRID_WORKER, areas["310101001001001"]))
    assert feature_codes(client) == ["310101001001001"]


def test_street_supervisor_gets_their_street_and_everything_below_parents_first(client, areas):
    client.force_login(user_with_role(Role.SUPERVISOR, areas["310101001"]))
    codes = feature_codes(client)
    assert len(codes) == 7  # the street, 2 communities, 4 grids
    assert codes[0] == "310101001"
    assert all(code.startswith("310101001") for code in codes)


def test_neighbouring_street_sees_nothing_of_the_other(client, areas):
    client.force_login(user_with_role(Role.SUPERVISOR, areas["310101002"]))
    codes = feature_codes(client)
    assert codes and not any(code.startswith("310101001") for code in codes)
    assert feature_codes(client, under="310101001") == []


def test_features_carry_name_level_and_a_polygon(client, areas):
    client.force_login(user_with_role(Role.GRID_WORKER, areas["310101001001001"]))
    feature = client.get(URL).json()["features"][0]
    assert feature["properties"] == {
        "code": "310101001001001",
        "name": "第1-1-1网格",
        "level": 4,
        "level_label": "网格",
    }
    assert feature["geometry"]["type"] == "MultiPolygon"
    ring = feature["geometry"]["coordinates"][0][0]
    assert [round(c, 6) for c in ring[0]] == [121.4, 31.2]


def test_under_narrows_to_one_subtree(client, areas):
    client.force_login(user_with_role(Role.SUPERVISOR, areas["310101"]))
    assert feature_codes(client, under="310101002001") == [
        "310101002001",
        "310101002001001",
        "310101002001002",
    ]


def test_malformed_under_is_refused_with_422(client, areas):
    client.force_login(user_with_role(Role.SUPERVISOR, areas["310101"]))
    assert client.get(URL, {"under": "31x"}).status_code == 422


def test_anonymous_request_is_refused(client, areas):
    assert client.get(URL).status_code == 401
