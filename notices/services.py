"""Every write of notices: publish, edit, withdraw. Each is one transaction that ends by
writing its event to the outbox (notices.events), sent after commit."""

import datetime as dt
import uuid
from collections.abc import Sequence

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import Conflict, InvalidInput, NotFound, NotPermitted
from grid.models import Area
from notices import events
from notices.access import notice_access
from notices.attachments import MAX_FILES, PreparedAttachment
from notices.models import Notice, NoticeAttachment, NoticeState

TITLE_LENGTH = 100
BODY_LENGTH = 5000


def notice_publish(
    *,
    actor: User,
    client_id: uuid.UUID,
    area_code: str,
    title: str,
    body: str,
    pinned: bool = False,
    expires_at: dt.datetime | None = None,
    attachments: Sequence[PreparedAttachment] = (),
) -> tuple[Notice, bool]:
    """Publish a notice to an area the actor may publish to (notices.access); returns
    (notice, True), or (the first notice, False) when `client_id` was used before."""
    area = Area.objects.filter(code=area_code).defer("boundary").first()
    if area is None:
        raise InvalidInput(_("请选择发布范围。"), field="area")
    notice_access(actor).require_publish_to(area.code)
    now = timezone.now()
    fields = _checked(title=title, body=body, expires_at=expires_at, now=now)
    _check_count(len(attachments))
    try:
        with transaction.atomic():
            notice = Notice.objects.create(
                area=area, author=actor, client_id=client_id, published_at=now,
                pinned=pinned, **fields,
            )  # fmt: skip
            _attach(notice, attachments)
            events.notice_emit(notice, events.NOTICE_PUBLISH)
    except IntegrityError:
        # the same form sent again: the first one stands, and nothing is published twice
        first = Notice.objects.select_related("area").filter(client_id=client_id).first()
        if first is None or first.author_id != actor.pk:
            raise
        return first, False
    return notice, True


@transaction.atomic
def notice_edit(
    *,
    actor: User,
    notice_id: int,
    title: str,
    body: str,
    pinned: bool,
    expires_at: dt.datetime | None,
    attachments: Sequence[PreparedAttachment] = (),
) -> Notice:
    """Change a live notice's text, pin and expiry, and add attachments. An expired or
    withdrawn notice stays as it was published: publish a new one instead."""
    notice = _managed(actor, notice_id)
    now = timezone.now()
    if notice.state_at(now) != NoticeState.LIVE:
        raise Conflict(_("通知已过期或已撤回，不能再修改。"))
    fields = _checked(title=title, body=body, expires_at=expires_at, now=now)
    _check_count(notice.attachments.count() + len(attachments))
    for name, value in {**fields, "pinned": pinned}.items():
        setattr(notice, name, value)
    notice.save()
    _attach(notice, attachments)
    events.notice_emit(notice, events.NOTICE_EDIT)
    return notice


@transaction.atomic
def notice_withdraw(*, actor: User, notice_id: int) -> Notice:
    """Take a notice off every reader's screen; it stays on record for its publishers."""
    notice = _managed(actor, notice_id)
    if notice.withdrawn_at is not None:
        raise Conflict(_("通知已撤回。"))
    notice.withdrawn_at = timezone.now()
    notice.withdrawn_by = actor
    notice.save(update_fields=["withdrawn_at", "withdrawn_by", "updated_at"])
    events.notice_emit(notice, events.NOTICE_WITHDRAW)
    return notice


def _managed(actor: User, notice_id: int) -> Notice:
    """The notice, locked, if the actor manages it: 404 when they may not even read it,
    403 when they read it but do not publish to its area."""
    notice = Notice.objects.select_for_update().select_related("area").filter(pk=notice_id)
    notice = notice.defer("area__boundary").first()
    access = notice_access(actor)
    if notice is None or not access.may_read(notice):
        raise NotFound(_("通知不存在或已不在发布期内。"))
    if not access.manages(notice):
        raise NotPermitted(_("只有该区域的工作人员可以修改或撤回此通知。"))
    return notice


def _checked(*, title: str, body: str, expires_at: dt.datetime | None, now: dt.datetime) -> dict:
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise InvalidInput(_("请填写标题。"), field="title")
    if len(title) > TITLE_LENGTH:
        raise InvalidInput(_("标题不能超过 %(n)d 个字。") % {"n": TITLE_LENGTH}, field="title")
    if not body:
        raise InvalidInput(_("请填写正文。"), field="body")
    if len(body) > BODY_LENGTH:
        raise InvalidInput(_("正文不能超过 %(n)d 个字。") % {"n": BODY_LENGTH}, field="body")
    if expires_at is not None and expires_at <= now:
        raise InvalidInput(_("有效期须晚于现在。"), field="expires_on")
    return {"title": title, "body": body, "expires_at": expires_at}


def _check_count(count: int) -> None:
    if count > MAX_FILES:
        raise InvalidInput(_("每条通知最多 %(n)d 个附件。") % {"n": MAX_FILES}, field="attachments")


def _attach(notice: Notice, attachments: Sequence[PreparedAttachment]) -> None:
    for prepared in attachments:
        attachment = NoticeAttachment(
            notice=notice,
            original_name=prepared.name,
            size=prepared.size,
            content_type=prepared.content_type,
        )
        attachment.file.save(prepared.name, ContentFile(prepared.data), save=False)
        attachment.save()
