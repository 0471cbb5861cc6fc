"""The layers maps draws from the grid itself: grid boundaries (with the choropleth
figures the cases provide) and buildings. Scope comes from accounts.scope (areas are
not personal data: every role sees the areas under it) and grid.access (buildings)."""

import json

from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db.models import BooleanField, Case, Count, F, Q, QuerySet, Value, When

from accounts.models import User
from accounts.scope import scope_q
from grid.access import RESIDENT_READERS, base_data_q
from grid.models import Area, AreaLevel, Building
from grid.selectors import building_list
from maps.geo import SimplifyPreserveTopology, encode_tile, in_box_q
from maps.layers import LayerResult, provider, register_layer
from maps.query import MapQuery, simplify_tolerance

GRID_CAP = 5000
BUILDING_CAP = 2000
PRECISION = 6
FIGURES = ("open", "overdue", "closed_week")


def grids_in_scope(user: User, query: MapQuery) -> QuerySet[Area]:
    grids = Area.objects.filter(scope_q(user, "code"), level=AreaLevel.GRID)
    return grids.filter(in_box_q(grids, "boundary", query.bbox))


def grid_figures(user: User, codes: list[str], query: MapQuery | None = None) -> dict:
    """{code: {open, overdue, closed_week, escalated}} from the cases layer's provider."""
    figures = provider("grid_figures")
    return figures(user, codes, query) if figures and codes else {}


def grids_geojson(user: User, query: MapQuery) -> LayerResult:
    shape = SimplifyPreserveTopology("boundary", simplify_tolerance(query.zoom))
    rows = list(
        grids_in_scope(user, query)
        .annotate(geojson=AsGeoJSON(shape, precision=PRECISION))
        .values("code", "name", "level", "geojson")
        .order_by("code")[: GRID_CAP + 1]
    )
    truncated = len(rows) > GRID_CAP
    rows = rows[:GRID_CAP]
    figures = grid_figures(user, [r["code"] for r in rows], query)
    features = [
        _feature(
            json.loads(r["geojson"]),
            code=r["code"],
            name=r["name"],
            level=r["level"],
            **_figures_of(figures.get(r["code"])),
        )
        for r in rows
        if r["geojson"]
    ]
    return LayerResult(features, truncated)


def _figures_of(found: dict | None) -> dict:
    return {name: (found or {}).get(name, 0) for name in FIGURES}


def grids_tile(user: User, query: MapQuery) -> bytes:
    """Outlines, code and name; the figures stay in the GeoJSON (they move every minute,
    the outlines almost never)."""
    shape = SimplifyPreserveTopology("boundary", simplify_tolerance(query.zoom))
    rows = grids_in_scope(user, query).values("code", "name", geom=shape)
    return encode_tile(rows, layer="grids", tile=query.tile, properties=("code", "name"))


def buildings_in_scope(user: User, query: MapQuery) -> QuerySet[Building]:
    buildings = building_list(user=user)
    # staff over the building's grid: grid.access's readers of households, not the own rule
    staff = base_data_q(user, "grid__code", readers=RESIDENT_READERS, own=Q(pk__in=[]))
    return buildings.filter(in_box_q(buildings, "location", query.bbox)).annotate(
        staff=Case(When(staff, then=Value(True)), default=Value(False), output_field=BooleanField())
    )


def buildings_geojson(user: User, query: MapQuery) -> LayerResult:
    rows = list(
        buildings_in_scope(user, query)
        .annotate(household_count=Count("households"))
        .values("id", "name", "address", "location", "staff", "household_count")
        .order_by("id")[: BUILDING_CAP + 1]
    )
    features = []
    for r in rows[:BUILDING_CAP]:
        props = {"id": r["id"], "name": r["name"], "address": r["address"]}
        if r["staff"]:  # how many households live there is the register's: staff only
            props["households"] = r["household_count"]
        point = r["location"]
        features.append(_feature({"type": "Point", "coordinates": [point.x, point.y]}, **props))
    return LayerResult(features, len(rows) > BUILDING_CAP)


def buildings_tile(user: User, query: MapQuery) -> bytes:
    rows = buildings_in_scope(user, query).values("id", "name", "address", geom=F("location"))
    return encode_tile(
        rows, layer="buildings", tile=query.tile, properties=("id", "name", "address")
    )


def _feature(geometry: dict, **properties) -> dict:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def register() -> None:
    register_layer("grids", geojson=grids_geojson, tile=grids_tile, depends_on=("grids", "cases"))
    register_layer("buildings", geojson=buildings_geojson, tile=buildings_tile)
