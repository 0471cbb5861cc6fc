"""Grid API: thin endpoints that parse, call a selector or service, and return a schema.

Every endpoint needs a logged-in user (session with CSRF, or a bearer token) and reads
through the scoped selectors, so a user of a neighbouring area gets 404, never data.
"""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from common.api_types import Text, problems
from common.errors import NotFound
from grid import selectors, services, validation
from grid.models import AreaLevel
from grid.schemas import (
    AREA_CODE,
    AreaBoundaryOut,
    AreaDetailOut,
    AreaListOut,
    AreaNodeOut,
    BuildingOut,
    GridLookupOut,
    HouseholdOut,
    ResidentDetailOut,
    ResidentOut,
    RevealIn,
    RevealOut,
    SpecialGroupKind,
)

router = Router(tags=["grid"])

MAX_ID = 2**63 - 1  # larger ids overflow the database integer: refuse them as input


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(50, ge=1, le=200, description="每页条数，最多 200")
        offset: int = Field(0, ge=0, le=10_000_000)


class LookupQuery(Schema):
    lon: float = Field(ge=-180, le=180, description="经度（WGS84）")
    lat: float = Field(ge=-90, le=90, description="纬度（WGS84）")


class UnderQuery(Schema):
    under: str | None = Field(None, pattern=AREA_CODE, description="只列出该区域编码之下的")


class AreasQuery(UnderQuery):
    max_level: int = Field(AreaLevel.GRID, ge=1, le=4, description="列到哪一层：1 区 … 4 网格")


class ResidentQuery(UnderQuery):
    id_number: Text | None = Field(None, max_length=30, description="身份证号，精确匹配")
    name: Text | None = Field(None, min_length=1, max_length=50, description="姓名包含")
    special_group: SpecialGroupKind | None = Field(None, description="特殊人群类别")


def _not_found_area() -> NotFound:
    return NotFound(_("区域不存在或不在您的管辖范围内。"))


def _not_found_resident() -> NotFound:
    return NotFound(_("居民不存在或不在您的管辖范围内。"))


@router.get("/areas", response=list[AreaListOut], summary="区域列表（平铺）")
def area_list(request: HttpRequest, filters: Query[AreasQuery]):
    """Your areas, everything below them and their ancestors, ordered by code."""
    return selectors.area_list(user=request.user, under=filters.under, max_level=filters.max_level)


@router.get("/areas/tree", response=list[AreaNodeOut], summary="区域树")
def area_tree(request: HttpRequest, filters: Query[AreasQuery]):
    """The same areas nested district → street → community → grid. Ancestors outside
    your scope appear with `in_scope: false` so the tree has a root; a sibling's
    subtree never appears."""
    return selectors.area_tree(user=request.user, under=filters.under, max_level=filters.max_level)


@router.get(
    "/areas/{code}",
    response={200: AreaDetailOut, **problems(404, 422)},
    summary="区域详情（含边界 GeoJSON）",
)
def area_detail(request: HttpRequest, code: str = Path(..., pattern=AREA_CODE)):
    area = selectors.area_get_for_user(user=request.user, code=code)
    if area is None:
        raise _not_found_area()
    return area


@router.get("/lookup", response={200: GridLookupOut, **problems(422)}, summary="按坐标查网格")
def grid_lookup(request: HttpRequest, point: Query[LookupQuery]):
    """The grid covering a WGS84 point, or `{"grid": null}`.

    Not scoped on purpose: a resident reporting a problem, or a grid worker standing
    across the street from their own grid, must learn which grid a point belongs to
    wherever it is. The answer is only the grid's code and name — public facts painted
    on community notice boards — never a boundary or anything inside the grid.
    """
    return {"grid": selectors.grid_for_point(lon=point.lon, lat=point.lat)}


@router.get("/my-grids", response=list[AreaBoundaryOut], summary="我负责的网格")
def my_grids(request: HttpRequest):
    """The grids under your grid-worker assignments, with boundaries for the phone map."""
    return selectors.grids_of_worker(user=request.user)


@router.get("/buildings", response=list[BuildingOut], summary="楼栋列表")
@paginate(Pagination)
def building_list(request: HttpRequest, filters: Query[UnderQuery]):
    return selectors.building_list(user=request.user, under=filters.under)


@router.get("/households", response=list[HouseholdOut], summary="户列表")
@paginate(Pagination)
def household_list(request: HttpRequest, filters: Query[UnderQuery]):
    return selectors.household_list(user=request.user, under=filters.under)


@router.get("/residents", response=list[ResidentOut], summary="居民列表（身份证号、电话已脱敏）")
@paginate(Pagination)
def resident_list(request: HttpRequest, filters: Query[ResidentQuery]):
    """Residents in your scope; a resident sees their own household. `id_number` is an
    exact match through its keyed hash (the number itself is stored encrypted)."""
    number = validation.validate_id_number(filters.id_number) if filters.id_number else None
    return selectors.resident_list(
        user=request.user,
        under=filters.under,
        id_number=number,
        name=filters.name,
        special_group=filters.special_group,
    )


@router.get(
    "/residents/{resident_id}",
    response={200: ResidentDetailOut, **problems(404, 422)},
    summary="居民详情",
)
def resident_detail(request: HttpRequest, resident_id: int = Path(..., ge=1, le=MAX_ID)):
    """One resident, masked, with the special groups they belong to and how often they
    are to be visited."""
    resident = selectors.resident_get_for_user(user=request.user, resident_id=resident_id)
    if resident is None:
        raise _not_found_resident()
    return resident


@router.post(
    "/residents/{resident_id}/reveal",
    response={200: RevealOut, **problems(400, 403, 404, 422)},
    summary="查看完整身份证号或电话",
)
def resident_reveal(
    request: HttpRequest, payload: RevealIn, resident_id: int = Path(..., ge=1, le=MAX_ID)
):
    """Needs the permission 'grid.reveal_personal_data' (else 403) and the resident in
    your scope (else 404); every answer leaves an audit record with your reason."""
    value = services.resident_reveal(
        actor=request.user, resident_id=resident_id, field=payload.field, reason=payload.reason
    )
    return {"field": payload.field, "value": value}
