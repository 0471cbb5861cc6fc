"""API input and output schemas; fields listed one by one because most are personal data."""

import datetime as dt
import json

from ninja import Field, Schema

from common.personal_data import mask_id_number, mask_phone


class AreaOut(Schema):
    code: str
    name: str
    level: int
    parent_code: str | None = Field(None, alias="parent.code")


class AreaDetailOut(AreaOut):
    boundary: dict

    @staticmethod
    def resolve_boundary(obj) -> dict:
        return json.loads(obj.boundary.geojson)


class GridLookupOut(Schema):
    grid: AreaOut | None


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
    address: str
    room: str

    @staticmethod
    def resolve_address(obj) -> str:
        return obj.building.address


class ResidentOut(Schema):
    """A resident as any screen shows them: ID number and phone masked."""

    id: int
    household_id: int
    name: str
    gender: str
    birth_date: dt.date | None
    relation: str
    status: str
    id_number_masked: str
    phone_masked: str

    @staticmethod
    def resolve_id_number_masked(obj) -> str:
        return mask_id_number(obj.id_number) if obj.id_number else ""

    @staticmethod
    def resolve_phone_masked(obj) -> str:
        return mask_phone(obj.phone) if obj.phone else ""


class RevealIn(Schema):
    field: str
    reason: str


class RevealOut(Schema):
    field: str
    value: str
