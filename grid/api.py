"""Grid API: thin endpoints that parse, call a selector or service, and return a schema."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from common.errors import NotFound
from grid import selectors, services
from grid.schemas import (
    AreaDetailOut,
    AreaOut,
    BuildingOut,
    GridLookupOut,
    HouseholdOut,
    ResidentOut,
    RevealIn,
    RevealOut,
)

router = Router(tags=["grid"])


class LookupQuery(Schema):
    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)


class UnderQuery(Schema):
    under: str | None = Field(None, pattern=r"^[0-9]{6,15}$")


@router.get("/areas", response=list[AreaOut])
def area_tree(request: HttpRequest, filters: Query[UnderQuery]):
    return selectors.area_list(user=request.user, under=filters.under).select_related("parent")


@router.get("/areas/{code}", response=AreaDetailOut)
def area_detail(request: HttpRequest, code: str):
    area = selectors.area_get_for_user(user=request.user, code=code)
    if area is None:
        raise NotFound(_("区域不存在或不在您的管辖范围内。"))
    return area


@router.get("/lookup", response=GridLookupOut)
def grid_lookup(request: HttpRequest, point: Query[LookupQuery]):
    return {"grid": selectors.grid_for_point(lon=point.lon, lat=point.lat)}


@router.get("/my-grids", response=list[AreaOut])
def my_grids(request: HttpRequest):
    return selectors.grids_of_worker(user=request.user).select_related("parent")


@router.get("/buildings", response=list[BuildingOut])
@paginate(LimitOffsetPagination)
def building_list(request: HttpRequest, filters: Query[UnderQuery]):
    return selectors.building_list(user=request.user, under=filters.under)


@router.get("/households", response=list[HouseholdOut])
@paginate(LimitOffsetPagination)
def household_list(request: HttpRequest, filters: Query[UnderQuery]):
    return selectors.household_list(user=request.user, under=filters.under)


@router.get("/residents", response=list[ResidentOut])
@paginate(LimitOffsetPagination)
def resident_list(request: HttpRequest, filters: Query[UnderQuery]):
    return selectors.resident_list(user=request.user, under=filters.under)


@router.post("/residents/{resident_id}/reveal", response=RevealOut)
def resident_reveal(request: HttpRequest, resident_id: int, payload: RevealIn):
    value = services.resident_reveal(
        actor=request.user, resident_id=resident_id, field=payload.field, reason=payload.reason
    )
    return {"field": payload.field, "value": value}
