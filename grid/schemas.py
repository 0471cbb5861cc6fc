"""API input and output schemas; fields listed one by one because most are personal data.

No output schema carries a clear ID number or phone: they leave only masked, and in
clear only through `RevealOut`, which the reveal service audits.
"""

import datetime as dt
import json
from typing import Literal

from ninja import Field, Schema

from common.api_types import Text
from common.personal_data import mask_id_number, mask_phone
from grid.access import age_band
from grid.models import AreaLevel, Gender, Relation, ResidentStatus, SpecialGroup
from grid.validation import parent_code_of

AREA_CODE = r"^[0-9]{6}([0-9]{3}){0,3}$"
SpecialGroupKind = Literal[tuple(SpecialGroup.values)]  # type: ignore[valid-type]


class AreaOut(Schema):
    code: str = Field(description="层级编码：6 位区划码 + 街道/社区/网格各 3 位")
    name: str
    level: int = Field(description="1 区，2 街道，3 社区，4 网格")
    level_label: str
    parent_code: str | None

    @staticmethod
    def resolve_level_label(obj) -> str:
        return str(AreaLevel(obj.level).label)

    @staticmethod
    def resolve_parent_code(obj) -> str | None:
        return parent_code_of(obj.code)


class AreaListOut(AreaOut):
    in_scope: bool = Field(description="false：仅为画出树而列出的上级，不可查看详情")


class AreaNodeOut(Schema):
    code: str
    name: str
    level: int
    level_label: str
    in_scope: bool
    children: list["AreaNodeOut"] = []


AreaNodeOut.model_rebuild()


class MultiPolygonGeoJSON(Schema):
    type: Literal["MultiPolygon"]
    coordinates: list[list[list[list[float]]]] = Field(description="WGS84 经纬度（EPSG:4326）")


class AreaBoundaryOut(AreaOut):
    boundary: MultiPolygonGeoJSON

    @staticmethod
    def resolve_boundary(obj) -> dict:
        return json.loads(obj.boundary.geojson)


class AreaDetailOut(AreaBoundaryOut):
    children: list[AreaOut]

    @staticmethod
    def resolve_children(obj) -> list:
        return list(obj.children.all())


class GridLookupOut(Schema):
    grid: AreaOut | None = Field(description="该点所在网格；不在任何网格内时为 null")


class BuildingOut(Schema):
    id: int
    address: str
    name: str
    grid_code: str = Field(alias="grid.code")
    lon: float
    lat: float
    floors: int | None

    @staticmethod
    def resolve_lon(obj) -> float:
        return obj.location.x

    @staticmethod
    def resolve_lat(obj) -> float:
        return obj.location.y


class HouseholdOut(Schema):
    id: int
    building_id: int
    address: str = Field(alias="building.address")
    room: str
    grid_code: str = Field(alias="building.grid.code")


class ResidentOut(Schema):
    """A resident as any list shows them: ID number and phone masked."""

    id: int
    household_id: int
    address: str
    name: str
    gender: Gender
    age_band: str = Field(
        description="年龄段（如 60-69）；出生日期不随掩码身份证号给出，否则可还原完整号码",
        examples=["60-69"],
    )
    relation: Relation
    relation_label: str = Field(alias="get_relation_display")
    status: ResidentStatus
    id_number_masked: str = Field(examples=["110105********1234"])
    phone_masked: str = Field(examples=["138****5678"])

    @staticmethod
    def resolve_address(obj) -> str:
        return f"{obj.household.building.address} {obj.household.room}"

    @staticmethod
    def resolve_age_band(obj) -> str:
        return age_band(obj.birth_date)

    @staticmethod
    def resolve_id_number_masked(obj) -> str:
        return mask_id_number(obj.id_number) if obj.id_number else ""

    @staticmethod
    def resolve_phone_masked(obj) -> str:
        return mask_phone(obj.phone) if obj.phone else ""


class SpecialGroupOut(Schema):
    kind: SpecialGroupKind
    kind_label: str
    visit_every_days: int = Field(description="走访周期（天）")
    since: dt.date | None

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(SpecialGroup(obj.kind).label)


class ResidentDetailOut(ResidentOut):
    grid_code: str = Field(alias="household.building.grid.code")
    special_groups: list[SpecialGroupOut]

    @staticmethod
    def resolve_special_groups(obj) -> list:
        return list(obj.special_groups.all())


class RevealIn(Schema):
    field: Literal["id_number", "phone"] = Field(description="要查看的字段")
    reason: Text = Field(min_length=1, max_length=200, description="查看原因，记入审计")


class RevealOut(Schema):
    field: str
    value: str
