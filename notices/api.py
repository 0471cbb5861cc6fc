"""Notice API for the phone app: my notices, one notice, its attachments. Read-only:
notices are published from the staff pages. A notice the user may not read is 404, as
one that does not exist."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from common.errors import NotFound
from notices import selectors
from notices.downloads import attachment_response
from notices.models import Notice
from notices.schemas import NoticeDetailOut, NoticeOut

router = Router(tags=["notices"])

MAX_ID = 2**63 - 1


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(50, ge=1, le=200, description="每页条数，最多 200")
        offset: int = Field(0, ge=0, le=10_000_000)


def _readable(request: HttpRequest, notice_id: int) -> Notice:
    notice = selectors.notice_get_for_user(user=request.user, notice_id=notice_id)
    if notice is None:
        raise NotFound(_("通知不存在或已不在发布期内。"))
    return notice


@router.get("", response=list[NoticeOut], summary="我的通知公告")
@paginate(Pagination)
def notice_list(request: HttpRequest):
    """The live notices of the areas you live or work in (pinned first, then newest); for
    staff who publish, also those of their areas that expired or were withdrawn."""
    return selectors.notice_list(user=request.user)


@router.get("/{int:notice_id}", response=NoticeDetailOut, summary="通知详情与附件")
def notice_detail(request: HttpRequest, notice_id: int = Path(..., ge=1, le=MAX_ID)):
    return _readable(request, notice_id)


@router.get(
    "/{int:notice_id}/attachments/{int:attachment_id}",
    url_name="notice_attachment",
    openapi_extra={"responses": {200: {"description": "附件文件"}}},
    summary="下载通知附件",
)
def notice_attachment(
    request: HttpRequest,
    notice_id: int = Path(..., ge=1, le=MAX_ID),
    attachment_id: int = Path(..., ge=1, le=MAX_ID),
):
    attachment = selectors.attachment_get_for_user(
        user=request.user, notice_id=notice_id, attachment_id=attachment_id
    )
    if attachment is None:
        raise NotFound(_("附件不存在或您无权查看。"))
    return attachment_response(attachment)
