"""Case API schemas: inputs checked field by field, outputs listed field by field.

Who reported a case is personal data. `CaseDetailOut.reporter` is filled only for the
reporter themself, supervisors over the case's area (always), and — unless the report is
anonymous — the staff working the case. Residents who only follow a case, and everyone
reading the public lists, never see it; staff names in the timeline are shown to staff.
"""

import datetime as dt
import uuid
from typing import Literal

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import model_validator

from common.api_types import Text
from common.errors import InvalidInput
from common.personal_data import mask_free_text
from feedback.access import CaseAccess, case_access
from feedback.models import (
    OPEN_STATES,
    Case,
    CaseEntry,
    CasePhoto,
    CaseState,
    CategoryKind,
    Priority,
)
from maps.coords import to_wgs84

AREA_CODE = r"^[0-9]{6}([0-9]{3}){0,3}$"
CATEGORY_CODE = r"^[0-9]{2,10}$"
CaseStateName = Literal[tuple(CaseState.values)]  # type: ignore[valid-type]
PriorityName = Literal[tuple(Priority.values)]  # type: ignore[valid-type]


# --- who is looking ------------------------------------------------------------------------


def viewer_of(request: HttpRequest) -> CaseAccess:
    """The asking user's case access (feedback.access), built once per request."""
    access = getattr(request, "_case_access", None)
    if access is None:
        access = request._case_access = case_access(request.user)
    return access


def _request(context) -> HttpRequest:
    return context["request"]


# --- categories ----------------------------------------------------------------------------


class CategoryLeafOut(Schema):
    code: str
    name: str
    department: str | None = Field(description="默认责任部门（各区域可另设）")
    sensitive: bool = Field(description="敏感类别的事件不出现在公开列表中")
    register_hours: int = Field(description="立案时限（工作小时）")
    handle_days: int = Field(description="处置时限（工作日）")

    @staticmethod
    def resolve_department(obj) -> str | None:
        return obj.department.name if obj.department_id else None


class CategoryOut(Schema):
    code: str
    name: str
    kind: str = Field(description="component 部件 / event 事件")
    kind_label: str
    children: list[CategoryLeafOut] = Field(description="小类：上报时选其中之一")

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(CategoryKind(obj.kind).label)

    @staticmethod
    def resolve_children(obj) -> list:
        return list(obj.children.all())


# --- report --------------------------------------------------------------------------------


class PositionIn(Schema):
    """A position is both coordinates or none (then a grid code); half of one is refused
    with its own message rather than reaching the geometry as Point(lon, None)."""

    lon: float | None = Field(None, ge=-180, le=180, description="经度（WGS84）")
    lat: float | None = Field(None, ge=-90, le=90, description="纬度（WGS84）")
    grid_code: str = Field("", pattern=r"^([0-9]{15})?$", description="无定位时所选网格")
    coord_system: Literal["wgs84", "gcj02", "bd09", "cgcs2000"] = Field(
        "wgs84", description="坐标系：微信/高德/腾讯定位为 gcj02，百度为 bd09"
    )

    @model_validator(mode="after")
    def lon_and_lat_together(self):
        if (self.lon is None) != (self.lat is None):
            # Not a ValueError: pydantic would turn it into a generic "取值无效" message.
            raise InvalidInput(
                _("经度和纬度须同时提供。"), field="lat" if self.lat is None else "lon"
            )
        if self.lon is not None:  # stored as WGS84: converted before the grid lookup
            self.lon, self.lat = to_wgs84(self.lon, self.lat, self.coord_system)
        return self


class CaseReportIn(PositionIn):
    client_id: uuid.UUID = Field(
        description="手机生成的 UUID；网络重试时带同一个值，不会产生第二件事件"
    )
    category: str = Field(pattern=CATEGORY_CODE, description="事件小类编码")
    description: Text = Field(max_length=2000, description="问题描述")
    address: Text = Field("", max_length=200)
    anonymous: bool = Field(False, description="匿名：对公众和职能部门隐藏反映人")
    priority: PriorityName = Priority.NORMAL


class OnSpotIn(PositionIn):
    client_id: uuid.UUID
    category: str = Field(pattern=CATEGORY_CODE)
    description: Text = Field(max_length=2000)
    note: Text = Field("", max_length=2000, description="处置情况")
    address: Text = Field("", max_length=200)


class CaseReportedOut(Schema):
    id: int
    number: str = Field(description="事件编号")
    client_id: uuid.UUID
    state: str
    category: str
    grid: str = Field(description="所在网格编码")
    due_at: dt.datetime | None = Field(description="本环节时限")
    created_at: dt.datetime

    @staticmethod
    def resolve_category(obj) -> str:
        return obj.category.code

    @staticmethod
    def resolve_grid(obj) -> str:
        return obj.area_code


# --- transitions ---------------------------------------------------------------------------


class NoteIn(Schema):
    note: Text = Field("", max_length=2000)


class ReasonIn(Schema):
    reason: Text = Field("", max_length=2000)


class DispatchIn(NoteIn):
    department: str | None = Field(None, max_length=30, description="部门编码；空则按派遣规则")
    assignee: int | None = Field(None, ge=1, le=2**63 - 1, description="承办人用户编号")


class MergeIn(NoteIn):
    master: int = Field(ge=1, le=2**63 - 1, description="保留的主事件编号（id）")


class HideIn(ReasonIn):
    hidden: bool = Field(True, description="false：恢复显示")


class VerifyIn(NoteIn):
    passed: bool = Field(description="true 核查通过（结案）；false 退回部门，需说明原因")


class RateIn(Schema):
    rating: str = Field(
        max_length=12, description="satisfied 满意 / basic 基本满意 / unsatisfied 不满意"
    )
    comment: Text = Field("", max_length=500)


# --- outputs -------------------------------------------------------------------------------


class PhotoOut(Schema):
    id: int
    stage: str = Field(description="before 处置前 / after 处置后")
    url: str = Field(description="已去除 EXIF（含 GPS）的照片")
    thumbnail_url: str
    width: int
    height: int

    @staticmethod
    def resolve_url(obj, context) -> str:
        return _photo_url(context, obj, "full")

    @staticmethod
    def resolve_thumbnail_url(obj, context) -> str:
        return _photo_url(context, obj, "thumb")


def _photo_url(context, photo: CasePhoto, size: str) -> str:
    """Through the scoped photo endpoint, never /media/: file names are guessable."""
    path = reverse("api:case_photo", kwargs={"case_id": photo.case_id, "photo_id": photo.pk})
    return _request(context).build_absolute_uri(f"{path}?size={size}")


def _free_text_for(context, case: Case, text: str) -> str:
    """Staff over the case and its reporter read free text as typed; everyone else reads
    it with the ID and mobile numbers someone typed into it masked."""
    if viewer_of(_request(context)).reads_free_text_of(case):
        return text
    return mask_free_text(text)


class CasePublicOut(Schema):
    id: int
    number: str
    state: str
    state_label: str
    category: str
    category_name: str
    description: str
    address: str
    lon: float | None
    lat: float | None
    created_at: dt.datetime
    updated_at: dt.datetime
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_description(obj: Case, context) -> str:
        return _free_text_for(context, obj, obj.description)

    @staticmethod
    def resolve_address(obj: Case, context) -> str:
        return _free_text_for(context, obj, obj.address)

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_category(obj) -> str:
        return obj.category.code

    @staticmethod
    def resolve_category_name(obj) -> str:
        return obj.category.name

    @staticmethod
    def resolve_lon(obj) -> float | None:
        return obj.location.x if obj.location else None

    @staticmethod
    def resolve_lat(obj) -> float | None:
        return obj.location.y if obj.location else None


class CaseOut(CasePublicOut):
    grid: str
    grid_name: str
    department: str | None
    priority: str
    due_at: dt.datetime | None
    overdue: bool
    escalation_level: int
    handled_on_spot: bool
    reopen_count: int
    rating: str

    @staticmethod
    def resolve_grid(obj) -> str:
        return obj.area_code

    @staticmethod
    def resolve_grid_name(obj) -> str:
        return obj.grid.name

    @staticmethod
    def resolve_department(obj) -> str | None:
        return obj.department.name if obj.department_id else None

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return bool(obj.state in OPEN_STATES and obj.due_at and obj.due_at < timezone.now())


class EntryOut(Schema):
    seq: int
    action: str
    actor: str | None = Field(description="办理人；对居民只显示角色")
    actor_role: str
    from_state: str
    to_state: str
    note: str
    at: dt.datetime
    photos: list[PhotoOut]

    @staticmethod
    def resolve_actor(obj: CaseEntry, context) -> str | None:
        viewer = viewer_of(_request(context))
        if obj.actor_id is None:
            return None
        if obj.actor_id == obj.case.reporter_id:
            return _reporter_name(obj.case) if viewer.sees_reporter_of(obj.case) else None
        return str(obj.actor) if viewer.is_staff else None

    @staticmethod
    def resolve_note(obj: CaseEntry, context) -> str:
        if not viewer_of(_request(context)).reads_note(obj, obj.case):
            return ""
        return _free_text_for(context, obj.case, obj.note)

    @staticmethod
    def resolve_photos(obj) -> list:
        return list(obj.photos.all())


class CaseDetailOut(CaseOut):
    source: str
    anonymous: bool
    reporter: str | None = Field(description="反映人；匿名时对职能部门和公众隐藏，对指挥中心可见")
    contact_name: str | None = Field(
        description="联系人（自填）：外部系统（Open311）调用方填写的姓名，未经核实，不是反映人；"
        "与反映人同样可见"
    )
    master: int | None = Field(description="被合并时：主事件 id")
    rating_comment: str
    photos: list[PhotoOut]
    timeline: list[EntryOut]

    @staticmethod
    def resolve_reporter(obj: Case, context) -> str | None:
        if viewer_of(_request(context)).sees_reporter_of(obj):
            return _reporter_name(obj)
        return None

    @staticmethod
    def resolve_contact_name(obj: Case, context) -> str | None:
        if obj.contact_name and viewer_of(_request(context)).sees_reporter_of(obj):
            return obj.contact_name
        return None

    @staticmethod
    def resolve_master(obj) -> int | None:
        return obj.master_id

    @staticmethod
    def resolve_photos(obj) -> list:
        return list(obj.photos.all())

    @staticmethod
    def resolve_timeline(obj) -> list:
        entries = list(obj.timeline.all())
        for entry in entries:
            entry.case = obj  # the resolver above reads the case without a query
        return entries


def _reporter_name(case: Case) -> str | None:
    if case.reporter_name:
        return case.reporter_name
    return str(case.reporter) if case.reporter_id else None
