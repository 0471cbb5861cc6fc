"""GeoJSON for the map pages: area outlines (`/maps/areas`) and the map's layers, heat,
search, grid summary and boundary check (`/map/...`, the contract with the pages).

Thin: parse (maps.query), ask the layer registry or a selector, return. Every layer asks
its own domain's access policy for what the user may see."""

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from common.errors import NotFound
from grid.models import AreaLevel
from maps import boundary as boundaries
from maps.layers import LayerResult, get_layer, provider
from maps.query import MapQuery, parse_bbox, parse_filters, parse_zoom
from maps.selectors import (
    area_boundaries,
    grid_editable,
    grid_for_staff,
    grid_workers,
    place_search,
)

router = Router(tags=["maps"])
map_router = Router(tags=["maps"])


class AreasQuery(Schema):
    under: str | None = Field(None, pattern=r"^[0-9]{6,15}$")


@router.get("/areas", response=dict)
def area_features(request: HttpRequest, filters: Query[AreasQuery]) -> dict:
    """A FeatureCollection of the areas in scope, parents before children."""
    features = [
        {
            "type": "Feature",
            "id": area.code,
            "geometry": json.loads(area.geojson),
            "properties": {
                "code": area.code,
                "name": area.name,
                "level": area.level,
                "level_label": str(AreaLevel(area.level).label),
            },
        }
        for area in area_boundaries(user=request.user, under=filters.under)
    ]
    return {"type": "FeatureCollection", "features": features}


class LayerQuery(Schema):
    bbox: str = Field(..., max_length=200)
    zoom: int | None = None
    state: str = Field("", max_length=12)
    category: str = Field("", max_length=10)
    department: int | None = None
    since: str | None = Field(None, max_length=10)
    until: str | None = Field(None, max_length=10)

    def to_map_query(self) -> MapQuery:
        filters = parse_filters(
            state=self.state,
            category=self.category,
            department=self.department,
            since=self.since,
            until=self.until,
        )
        return MapQuery(parse_bbox(self.bbox), parse_zoom(self.zoom), filters)


@map_router.get("/layers/{layer}", response=dict, url_name="map_layer")
def layer_features(request: HttpRequest, layer: str, params: Query[LayerQuery]) -> HttpResponse:
    """One layer in a box: a FeatureCollection and whether a cap cut it short."""
    found = get_layer(layer)
    if found is None:
        raise NotFound(_("没有这个图层。"))
    result: LayerResult = found.geojson(request.user, params.to_map_query())
    body = {"type": "FeatureCollection", "features": result.features, "truncated": result.truncated}
    return _json(body)


def _json(body: dict) -> JsonResponse:
    # Thousands of features: dumped as they are, not validated again as a response model
    # (the layer functions build exactly the contract's shape).
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})


class HeatQuery(LayerQuery):
    zoom: int | None = 0


@map_router.get("/heat", response=dict, url_name="map_heat")
def heat(request: HttpRequest, params: Query[HeatQuery]) -> HttpResponse:
    """Case counts per cell ([lat, lon, weight]), at most 4,900 cells whatever the box."""
    points = provider("heat")
    return _json({"points": points(request.user, params.to_map_query()) if points else []})


@map_router.get("/search", response=dict, url_name="map_search")
def search(request: HttpRequest, q: str = Query("", max_length=50)) -> dict:
    return {"results": place_search(user=request.user, text=q)}


@map_router.get("/grids/{code}/summary", response=dict, url_name="map_grid_summary")
def grid_summary(request: HttpRequest, code: str) -> dict:
    """A grid's figures, workers and open cases, for the staff over it."""
    grid = grid_for_staff(user=request.user, code=code)
    if grid is None:
        raise NotFound(_("网格不存在或不在您的管辖范围内。"))
    figures = provider("grid_figures")
    found = figures(request.user, [code]) if figures else {}
    cases = provider("grid_cases")
    return {
        "code": grid.code,
        "name": grid.name,
        "figures": {
            name: found.get(code, {}).get(name, 0)
            for name in ("open", "overdue", "closed_week", "escalated")
        },
        "workers": grid_workers(grid),
        "cases": cases(request.user, code) if cases else [],
    }


class BoundaryIn(Schema):
    boundary: dict


@map_router.post("/grids/{code}/check", response=dict, url_name="map_grid_check")
def grid_check(request: HttpRequest, code: str, payload: BoundaryIn) -> dict:
    """Overlaps, overhang and the community's uncovered share with this boundary."""
    grid = _editable(request, code)
    return boundaries.boundary_check(grid, boundaries.boundary_from_geojson(payload.boundary))


@map_router.put("/grids/{code}/boundary", response=dict, url_name="map_grid_boundary")
def grid_boundary(request: HttpRequest, code: str, payload: BoundaryIn) -> dict:
    grid = _editable(request, code)
    shape = boundaries.boundary_from_geojson(payload.boundary)
    saved = boundaries.boundary_save(grid, shape)
    return {"code": saved.code, "saved": True, **boundaries.boundary_check(saved, shape)}


def _editable(request: HttpRequest, code: str):
    grid = grid_editable(user=request.user, code=code)
    if grid is None:
        raise NotFound(_("网格不存在或您无权修改其边界。"))
    return grid
