"""A notice (通知公告) to an area, and the files attached to it.

A notice is addressed to one area and read by everyone who lives or works in it or in an
area below it (notices.access). It is live from `published_at` until `expires_at` (none:
until withdrawn); withdrawing keeps the row, so what was published stays on record.
"""

import datetime as dt
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel


class NoticeState(models.TextChoices):
    LIVE = "live", _("发布中")
    EXPIRED = "expired", _("已过期")
    WITHDRAWN = "withdrawn", _("已撤回")


class Notice(TimeStampedModel):
    area = models.ForeignKey(
        "grid.Area", models.PROTECT, related_name="notices", verbose_name=_("发布范围")
    )
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("正文"))
    pinned = models.BooleanField(_("置顶"), default=False)
    published_at = models.DateTimeField(_("发布时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("有效期至"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("发布人")
    )
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("撤回人"),
    )
    # A form sent twice (a double tap, a retry after a timeout) publishes one notice.
    client_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        verbose_name = _("通知公告")
        verbose_name_plural = _("通知公告")
        ordering = ["-pinned", "-published_at", "-id"]
        indexes = [models.Index(fields=["area", "published_at"])]
        constraints = [
            models.CheckConstraint(
                name="notice_expires_after_publishing",
                condition=Q(expires_at__isnull=True) | Q(expires_at__gt=F("published_at")),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def state_at(self, now) -> str:
        if self.withdrawn_at is not None:
            return NoticeState.WITHDRAWN
        if self.expires_at is not None and self.expires_at <= now:
            return NoticeState.EXPIRED
        return NoticeState.LIVE

    @property
    def state(self) -> str:
        return self.state_at(timezone.now())

    @property
    def last_day(self):
        """The last local day the notice shows (it expires at the midnight after it)."""
        if self.expires_at is None:
            return None
        return timezone.localtime(self.expires_at - dt.timedelta(seconds=1)).date()


def attachment_path(attachment: "NoticeAttachment", filename: str) -> str:
    """A random stored name: the file is reached only through the access-checked view,
    never by guessing a path under MEDIA_ROOT (served as such in DEBUG)."""
    suffix = PurePosixPath(filename).suffix.lower()
    return f"notices/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class NoticeAttachment(models.Model):
    notice = models.ForeignKey(
        Notice, models.CASCADE, related_name="attachments", verbose_name=_("通知公告")
    )
    file = models.FileField(_("文件"), upload_to=attachment_path)
    original_name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("类型"), max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
