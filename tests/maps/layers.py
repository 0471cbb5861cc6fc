"""Helpers for the map-layer tests: the layer and tile requests, decoded."""

import math

import mapbox_vector_tile
from django.test import Client

from tests.factories import grid_centre

DISTRICT_BBOX = "121.39,31.19,121.49,31.25"


def tile_of(code: str, z: int) -> tuple[int, int, int]:
    """The XYZ tile holding the centre of grid `code` at zoom `z`."""
    point = grid_centre(code)
    n = 2**z
    x = int((point.x + 180) / 360 * n)
    lat = math.radians(point.y)
    y = int((1 - math.asinh(math.tan(lat)) / math.pi) / 2 * n)
    return z, x, y


def layer(client: Client, name: str, **params) -> dict:
    params = {"bbox": DISTRICT_BBOX, "zoom": 18, **params}
    response = client.get(f"/api/v1/map/layers/{name}", params)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["type"] == "FeatureCollection" and "truncated" in body
    return body


def case_ids(client: Client, **params) -> set[int]:
    features = layer(client, "cases", **params)["features"]
    assert not any(f["properties"].get("cluster") for f in features)
    return {f["properties"]["id"] for f in features}


def tile(client: Client, name: str, zxy: tuple[int, int, int], **headers):
    z, x, y = zxy
    return client.get(f"/tiles/{name}/{z}/{x}/{y}.pbf", **headers)


def tile_features(client: Client, name: str, zxy: tuple[int, int, int]) -> list[dict]:
    response = tile(client, name, zxy)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    decoded = mapbox_vector_tile.decode(response.content)
    return decoded.get(name, {}).get("features", [])


def tile_case_ids(client: Client, zxy: tuple[int, int, int]) -> set[int]:
    return {f["properties"]["id"] for f in tile_features(client, "cases", zxy)}
