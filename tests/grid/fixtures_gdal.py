"""Fixture files for the import tests, made the way real data arrives: a GeoJSON written
here, then converted by GDAL's own `ogr2ogr` into Shapefiles and GeoPackages, in other
coordinate systems than EPSG:4326."""

import itertools
import json
import subprocess
from pathlib import Path

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon

from tests.factories import COMMUNITY_H, DISTRICT, GRID_W, STREET_W, X0, Y0, box

CGCS2000_GK_CM_120E = 4549  # CGCS2000 / 3-degree Gauss-Kruger CM 120E, Shanghai's zone
UTM_51N = 32651


def area_tree() -> dict[str, tuple[str, MultiPolygon]]:
    """The district of tests.factories as code → (name, boundary), grids listed first
    so an importer must sort parents before children itself."""
    tree: dict[str, tuple[str, MultiPolygon]] = {}
    for s, c, g in itertools.product((1, 2), (1, 2), (1, 2)):
        gx = X0 + (s - 1) * STREET_W + (g - 1) * GRID_W
        cy = Y0 + (c - 1) * COMMUNITY_H
        tree[f"{DISTRICT}{s:03d}{c:03d}{g:03d}"] = (
            f"第{s}-{c}-{g}网格",
            box(gx, cy, gx + GRID_W, cy + COMMUNITY_H),
        )
    for s, c in itertools.product((1, 2), (1, 2)):
        sx, cy = X0 + (s - 1) * STREET_W, Y0 + (c - 1) * COMMUNITY_H
        tree[f"{DISTRICT}{s:03d}{c:03d}"] = (
            f"第{s}-{c}社区",
            box(sx, cy, sx + STREET_W, cy + COMMUNITY_H),
        )
    for s in (1, 2):
        sx = X0 + (s - 1) * STREET_W
        tree[f"{DISTRICT}{s:03d}"] = (f"第{s}街道", box(sx, Y0, sx + STREET_W, Y0 + 0.04))
    tree[DISTRICT] = ("示范区", box(X0, Y0, X0 + 2 * STREET_W, Y0 + 2 * COMMUNITY_H))
    return tree


def bow_tie(x0: float, y0: float, x1: float, y1: float) -> Polygon:
    """A self-intersecting ring: two triangles meeting at the centre of the box."""
    return Polygon(((x0, y0), (x1, y1), (x1, y0), (x0, y1), (x0, y0)), srid=4326)


def feature(properties: dict, geometry: GEOSGeometry | None) -> dict:
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": json.loads(geometry.geojson) if geometry is not None else None,
    }


def area_features(
    tree: dict[str, tuple[str, GEOSGeometry]], *, code_field: str = "code", name_field="name"
) -> list[dict]:
    return [
        feature({code_field: code, name_field: name}, geometry)
        for code, (name, geometry) in tree.items()
    ]


def write_geojson(path: Path, features: list[dict]) -> Path:
    collection = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    return path


def ogr2ogr(source: Path, target: Path, *, driver: str, srid: int | None = None, layer=None):
    """Convert `source` with GDAL's command-line tool, reprojecting to EPSG:`srid`."""
    command = ["ogr2ogr", "-f", driver]
    if srid is not None:
        command += ["-t_srs", f"EPSG:{srid}"]
    if layer is not None:
        command += ["-nln", layer]
    if driver == "ESRI Shapefile":
        command += ["-lco", "ENCODING=UTF-8"]
    subprocess.run([*command, str(target), str(source)], check=True, capture_output=True)
    return target
