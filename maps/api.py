"""GeoJSON for the map page: the boundaries of the areas in the user's scope."""

import json

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from grid.models import AreaLevel
from maps.selectors import area_boundaries

router = Router(tags=["maps"])


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
