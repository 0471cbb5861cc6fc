"""Inbox API for the phone app: the user's own notifications, and marking one read.

Someone else's notification is 404, like a missing one. Texts come in the request's
language (Accept-Language), rendered from each notification's kind and parameters.
"""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from notifications import selectors, services
from notifications.models import Notification

router = Router(tags=["notifications"])

MAX_ID = 2**63 - 1


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(50, ge=1, le=200, description="每页条数，最多 200")
        offset: int = Field(0, ge=0, le=10_000_000)


class NotificationQuery(Schema):
    unread: bool | None = Field(None, description="true 只看未读，false 只看已读")


class NotificationOut(Schema):
    id: int
    kind: str = Field(description="消息类型，如 case.rate_request")
    text: str = Field(description="按请求语言生成的消息文字")
    link: str = Field(description="相关对象的网页路径，如 /cases/123/")
    params: dict = Field(description="消息参数（编号、类别名称等，不含个人信息）")
    created_at: dt.datetime
    read_at: dt.datetime | None
    unread: bool

    @staticmethod
    def resolve_unread(note: Notification) -> bool:
        return note.read_at is None


@router.get("", response=list[NotificationOut], summary="我的消息（未读在前）")
@paginate(Pagination)
def notification_list(request: HttpRequest, filters: Query[NotificationQuery]):
    """The signed-in user's notifications: unread first, then newest first."""
    return selectors.notification_list(user=request.user, unread=filters.unread)


@router.post("/{int:notification_id}/read", response=NotificationOut, summary="标为已读")
def notification_read(request: HttpRequest, notification_id: int = Path(..., ge=1, le=MAX_ID)):
    """Idempotent: marking it again keeps the first read time."""
    return services.notification_mark_read(user=request.user, notification_id=notification_id)
