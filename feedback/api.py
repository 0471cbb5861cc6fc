"""Case API: report, follow and work a case from a phone or a page.

A phone reports in two steps: `POST /cases` with the text as JSON (its `client_id` makes
a retry harmless: 201 the first time, 200 with the same case after), then
`POST /cases/{id}/photos` as multipart, one request per photo or several at once. A bad
photo is refused with 422 and the case text stays saved. Handling (`handle`) and 即办
(`on-spot`) send their photos in the same multipart request as their note.

A case the user cannot see at all is 404; one they can see but may not act on is 403;
the wrong state is 409; bad input 422 — all application/problem+json in Chinese.
"""

import datetime as dt
from collections.abc import Callable
from typing import Literal

from django.db.models import Prefetch, prefetch_related_objects
from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Path, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from accounts.models import Department, Role, User
from common.api_types import Text
from common.errors import InvalidInput, NotFound, NotPermitted
from feedback import catalog, schemas, selectors, services
from feedback import photos as photo_files
from feedback.access import COMMUNITY_CODE_LENGTH, case_access
from feedback.models import Case, CaseEntry, CasePhoto, Category
from feedback.schemas import (
    AREA_CODE,
    CATEGORY_CODE,
    CaseDetailOut,
    CaseOut,
    CasePublicOut,
    CaseReportedOut,
    CaseReportIn,
    CaseStateName,
    CategoryOut,
    DispatchIn,
    MergeIn,
    OnSpotIn,
)
from feedback.workflow import CASE_ACTIONS, Transition

router = Router(tags=["cases"])

MAX_ID = 2**63 - 1
CASE = "/{int:case_id}"


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(50, ge=1, le=200, description="每页条数，最多 200")
        offset: int = Field(0, ge=0, le=10_000_000)


class CaseListQuery(Schema):
    state: CaseStateName | None = None
    category: str | None = Field(None, pattern=CATEGORY_CODE, description="类别编码前缀")
    area: str | None = Field(None, pattern=AREA_CODE, description="区域编码前缀")
    overdue: bool | None = Field(None, description="true 只看超时的未结事件")
    escalated: bool | None = Field(None, description="true 只看被督办的")
    created_from: dt.date | None = Field(None, alias="from", description="上报日期起")
    created_to: dt.date | None = Field(None, alias="to", description="上报日期止")
    q: Text | None = Field(None, min_length=1, max_length=50, description="编号前缀或描述包含")


class DuplicateQuery(Schema):
    category: str = Field(pattern=CATEGORY_CODE)
    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)


class PhotoQuery(Schema):
    size: Literal["full", "thumb"] = Field("full", description="full 原图 / thumb 缩略图")


class PublicQuery(Schema):
    community: str | None = Field(
        None, pattern=r"^[0-9]{12}$", description="社区编码；默认本人社区"
    )


# --- helpers -------------------------------------------------------------------------------


def _visible(request: HttpRequest, case_id: int) -> Case:
    case = selectors.case_get_for_user(user=request.user, case_id=case_id)
    if case is None:
        raise NotFound(_("事件不存在或不在您的管辖范围内。"))
    return case


def _detail(request: HttpRequest, case_id: int) -> Case:
    return _with_timeline(_visible(request, case_id))


def _acted_on(case_id: int) -> Case:
    """The case as it is after the user's transition. Read without the visibility
    filter: the service has just authorised this user on it, and a handler who sends a
    case back no longer sees it, yet must get the result of their own action."""
    return _with_timeline(
        Case.objects.select_related("category", "grid", "department").get(pk=case_id)
    )


def _with_timeline(case: Case) -> Case:
    entries = CaseEntry.objects.select_related("actor").prefetch_related("photos")
    prefetch_related_objects([case], Prefetch("timeline", queryset=entries), "photos")
    return case


def _category(code: str) -> Category:
    category = catalog.category_by_code(code)
    if category is None:
        raise InvalidInput(_("事件类别不存在。"), field="category")
    return category


def _prepared(files: list[UploadedFile] | None) -> list[photo_files.PreparedPhoto]:
    files = files or []
    if len(files) > photo_files.MAX_PHOTOS:
        raise InvalidInput(
            _("最多上传 %(n)d 张照片。") % {"n": photo_files.MAX_PHOTOS}, field="photos"
        )
    # Reading one byte past the cap is enough to refuse a huge file without loading it.
    return [
        photo_files.prepare(f.read(photo_files.MAX_BYTES + 1), name=f.name or "") for f in files
    ]


def _require_role(request: HttpRequest, *roles: str) -> None:
    if not case_access(request.user).holds(*roles):
        raise NotPermitted(_("您的角色不能查看此列表。"))


# --- categories and reporting --------------------------------------------------------------


@router.get("/categories", response=list[CategoryOut], summary="事件类别树")
def category_tree(request: HttpRequest):
    """Active two-level categories: pick a leaf (`children[].code`) when reporting."""
    leaves = Category.objects.filter(active=True).select_related("department")
    return Category.objects.filter(active=True, parent=None).prefetch_related(
        Prefetch("children", queryset=leaves)
    )


@router.post("", response={200: CaseReportedOut, 201: CaseReportedOut}, summary="上报事件（JSON）")
def case_report(request: HttpRequest, payload: CaseReportIn):
    """201 with the new case; 200 with the same case when `client_id` was seen before.
    Give `lon`/`lat`, or `grid_code` when the phone has no fix. Photos follow through
    `POST /cases/{id}/photos`."""
    case, created = services.case_report(
        actor=request.user,
        client_id=payload.client_id,
        category=_category(payload.category),
        description=payload.description,
        lon=payload.lon,
        lat=payload.lat,
        grid_code=payload.grid_code,
        address=payload.address,
        anonymous=payload.anonymous,
        priority=payload.priority,
    )
    return Status(201 if created else 200, case)


@router.post(CASE + "/photos", response={201: CaseDetailOut}, summary="为事件补充照片（multipart）")
def case_add_photos(
    request: HttpRequest,
    case_id: int = Path(..., ge=1, le=MAX_ID),
    photos: File[list[UploadedFile]] = None,
):
    """Field `photos`, one or more files (JPEG, PNG, WebP, HEIC; at most 9 per case).
    EXIF (GPS too) is removed; a thumbnail is made."""
    _visible(request, case_id)
    services.case_add_photos(actor=request.user, case_id=case_id, photos=_prepared(photos))
    return Status(201, _acted_on(case_id))


@router.post(
    "/on-spot",
    response={200: CaseDetailOut, 201: CaseDetailOut},
    summary="即办：上报并当场处置结案（multipart）",
)
def case_on_spot(
    request: HttpRequest,
    payload: Form[OnSpotIn],
    before: File[list[UploadedFile]] = None,
    after: File[list[UploadedFile]] = None,
):
    """Grid workers only. Form fields as in the JSON report plus `note`; files `before`
    and `after` (at least one of each)."""
    case, created = services.case_handle_on_spot(
        actor=request.user,
        client_id=payload.client_id,
        category=_category(payload.category),
        description=payload.description,
        lon=payload.lon,
        lat=payload.lat,
        grid_code=payload.grid_code,
        address=payload.address,
        note=payload.note,
        before=_prepared(before),
        after=_prepared(after),
    )
    return Status(201 if created else 200, _acted_on(case.pk))


@router.get("/duplicates", response=list[CasePublicOut], summary="疑似重复的未结事件")
def case_duplicates(request: HttpRequest, near: Query[DuplicateQuery]):
    """Open cases of the same category nearby (default 50 m, last 30 days), nearest
    first, to offer before reporting. Cases the user may not open appear only when
    public and in a community the user reads (feedback.access)."""
    return selectors.duplicate_hints(
        user=request.user, category=_category(near.category), lon=near.lon, lat=near.lat
    )


# --- lists and queues ----------------------------------------------------------------------


@router.get("", response=list[CaseOut], summary="事件列表（可筛选）")
@paginate(Pagination)
def case_list(request: HttpRequest, filters: Query[CaseListQuery]):
    """Every case you may open, newest first. `from`/`to` are report dates (YYYY-MM-DD)."""
    return selectors.case_list(
        user=request.user,
        filters=selectors.CaseFilters(
            state=filters.state,
            category=filters.category,
            area=filters.area,
            overdue=filters.overdue,
            escalated=filters.escalated,
            created_from=filters.created_from,
            created_to=filters.created_to,
            search=filters.q,
        ),
    )


@router.get("/inbox", response=list[CaseOut], summary="职能部门待办")
@paginate(Pagination)
def handler_inbox(request: HttpRequest):
    """Cases dispatched to your department, the nearest deadline first."""
    _require_role(request, Role.HANDLER)
    return selectors.handler_inbox(user=request.user)


@router.get("/escalations", response=list[CaseOut], summary="督办队列")
@paginate(Pagination)
def escalation_queue(request: HttpRequest):
    _require_role(request, Role.SUPERVISOR, Role.ADMIN)
    return selectors.escalation_queue(user=request.user)


@router.get("/verifications", response=list[CaseOut], summary="待核查（网格员）")
@paginate(Pagination)
def verification_queue(request: HttpRequest):
    _require_role(request, Role.GRID_WORKER)
    return selectors.verification_queue(user=request.user)


@router.get("/mine", response=list[CaseOut], summary="我反映和关注的事件")
@paginate(Pagination)
def my_cases(request: HttpRequest):
    return selectors.my_cases(user=request.user)


@router.get("/public", response=list[CasePublicOut], summary="社区公开事件")
@paginate(Pagination)
def public_cases(request: HttpRequest, filters: Query[PublicQuery]):
    """A community's cases as everyone may see them: reporter never shown, hidden cases
    and sensitive categories left out. Defaults to your own community; another one only
    within your scope (403 otherwise), as on the public page."""
    community = filters.community or _home_community(request.user)
    if not case_access(request.user).reads_public_of(community):
        raise NotPermitted(_("您只能查看本人所在社区的公开事件。"))
    return selectors.public_cases(community_code=community)


def _home_community(user: User) -> str:
    homes = case_access(user).codes((Role.RESIDENT,))
    codes = [code for code in homes if len(code) >= COMMUNITY_CODE_LENGTH]
    if not codes:
        raise InvalidInput(_("请选择社区。"), field="community")
    return codes[0][:COMMUNITY_CODE_LENGTH]


# --- one case ------------------------------------------------------------------------------


@router.get(CASE, response=CaseDetailOut, summary="事件详情与时间线")
def case_detail(request: HttpRequest, case_id: int = Path(..., ge=1, le=MAX_ID)):
    return _detail(request, case_id)


@router.get(
    CASE + "/photos/{int:photo_id}",
    url_name="case_photo",
    openapi_extra={"responses": {200: {"description": "JPEG", "content": {"image/jpeg": {}}}}},
    summary="事件照片（JPEG，已去除 EXIF）",
)
def case_photo(
    request: HttpRequest,
    query: Query[PhotoQuery],
    case_id: int = Path(..., ge=1, le=MAX_ID),
    photo_id: int = Path(..., ge=1, le=MAX_ID),
):
    """A photo of a case you may open; `size=thumb` for the thumbnail. The links in
    `photos[].url` point here: photos are never served from a guessable file path."""
    photo = CasePhoto.objects.filter(case=_visible(request, case_id), pk=photo_id).first()
    if photo is None:
        raise NotFound(_("照片不存在。"))
    image = photo.thumbnail if query.size == "thumb" else photo.image
    response = FileResponse(image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- the transitions of feedback.workflow: one endpoint per row ----------------------------


def _dispatch_arguments(request: HttpRequest, body: DispatchIn) -> dict:
    """Without `department` the category's route for the case's area decides."""
    return {
        "department": _department(body.department),
        "assignee": _assignee(body.assignee),
        "note": body.note,
    }


def _department(code: str | None) -> Department | None:
    if not code:
        return None
    department = Department.objects.filter(code=code).first()
    if department is None:
        raise InvalidInput(_("派遣部门不存在。"), field="department")
    return department


def _assignee(user_id: int | None) -> User | None:
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise InvalidInput(_("承办人不属于所选部门。"), field="assignee")
    return user


def _merge_arguments(request: HttpRequest, body: MergeIn) -> dict:
    if selectors.case_get_for_user(user=request.user, case_id=body.master) is None:
        raise NotFound(_("主事件不存在或不在您的管辖范围内。"))
    return {"master_id": body.master, "note": body.note}


# where a body does not map field for field onto its service's arguments
_ARGUMENTS: dict[str, Callable[[HttpRequest, Schema], dict]] = {
    "dispatch": _dispatch_arguments,
    "merge": _merge_arguments,
}


def _transition_endpoint(transition: Transition) -> Callable:
    """`POST /cases/{id}/<slug>`: the case must be visible (404), then its service decides
    (403, 409, 422); the answer is the case as the action left it."""
    service = services.transition_service(transition.name)
    body_schema = getattr(schemas, transition.body)
    arguments = _ARGUMENTS.get(transition.name, lambda request, body: body.model_dump())

    def perform(request: HttpRequest, case_id: int, body: Schema, files=None) -> Case:
        _visible(request, case_id)
        given = arguments(request, body)
        if transition.photos:
            given["photos"] = _prepared(files)
        service(actor=request.user, case_id=case_id, **given)
        return _acted_on(case_id)

    if transition.photos:

        def endpoint(
            request: HttpRequest,
            body: Form[body_schema],
            case_id: int = Path(..., ge=1, le=MAX_ID),
            photos: File[list[UploadedFile]] = None,
        ):
            """Form fields as in the JSON body; files `photos` (after the work)."""
            return perform(request, case_id, body, photos)

    else:

        def endpoint(
            request: HttpRequest, body: body_schema, case_id: int = Path(..., ge=1, le=MAX_ID)
        ):
            return perform(request, case_id, body)

    endpoint.__name__ = endpoint.__qualname__ = f"case_{transition.name}"
    if transition.name in _ARGUMENTS:
        endpoint.__doc__ = _ARGUMENTS[transition.name].__doc__
    return endpoint


for _transition in CASE_ACTIONS:
    router.post(f"{CASE}/{_transition.slug}", response=CaseDetailOut, summary=_transition.summary)(
        _transition_endpoint(_transition)
    )
