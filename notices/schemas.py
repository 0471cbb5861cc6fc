"""Notice API outputs, field by field. A reader who does not manage a notice reads its
title and body with ID and mobile numbers masked (notices.access); the author is never
part of the API."""

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Schema

from common.personal_data import mask_free_text
from notices.access import NoticeAccess, notice_access
from notices.models import Notice, NoticeAttachment, NoticeState

NoticeStateName = Literal[tuple(NoticeState.values)]  # type: ignore[valid-type]


def viewer_of(request: HttpRequest) -> NoticeAccess:
    """The asking user's notice access, built once per request."""
    access = getattr(request, "_notice_access", None)
    if access is None:
        access = request._notice_access = notice_access(request.user)
    return access


def _shown(context, notice: Notice, text: str) -> str:
    return text if viewer_of(context["request"]).manages(notice) else mask_free_text(text)


class AreaOut(Schema):
    code: str
    name: str


class AttachmentOut(Schema):
    id: int
    name: str = Field(description="上传时的文件名")
    size: int = Field(description="字节")
    content_type: str
    url: str = Field(description="下载地址（需登录，仅限能查看该通知的用户）")

    @staticmethod
    def resolve_name(obj: NoticeAttachment) -> str:
        return obj.original_name

    @staticmethod
    def resolve_url(obj: NoticeAttachment, context) -> str:
        path = reverse(
            "api:notice_attachment", kwargs={"notice_id": obj.notice_id, "attachment_id": obj.pk}
        )
        return context["request"].build_absolute_uri(path)


class NoticeOut(Schema):
    id: int
    title: str
    area: AreaOut = Field(description="发布范围")
    pinned: bool = Field(description="置顶")
    state: NoticeStateName = Field(description="live 发布中 / expired 已过期 / withdrawn 已撤回")
    published_at: dt.datetime
    expires_at: dt.datetime | None = Field(description="到期时间；空为长期有效")

    @staticmethod
    def resolve_title(obj: Notice, context) -> str:
        return _shown(context, obj, obj.title)

    @staticmethod
    def resolve_state(obj: Notice) -> str:
        return obj.state


class NoticeDetailOut(NoticeOut):
    body: str
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_body(obj: Notice, context) -> str:
        return _shown(context, obj, obj.body)

    @staticmethod
    def resolve_attachments(obj: Notice) -> list[NoticeAttachment]:
        return list(obj.attachments.all())
