"""Cases (事件/诉求): categories that own routing and deadlines, the case itself, and its
append-only timeline. The workflow follows GB/T 30428: report → register → dispatch →
handle → verify → close → rate."""

import uuid

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.models import TimeStampedModel
from infra.db import insert_safe_save


class CategoryKind(models.TextChoices):
    COMPONENT = "component", _("部件")
    EVENT = "event", pgettext_lazy("category kind", "事件")


class Category(TimeStampedModel):
    """A two-level category (CJ/T 214 in spirit); the leaf owns routing and deadlines."""

    code = models.CharField(_("编码"), max_length=10, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=CategoryKind.choices)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("大类"),
    )
    department = models.ForeignKey(
        "accounts.Department",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("责任部门"),
    )
    register_hours = models.PositiveSmallIntegerField(_("立案时限（工作小时）"), default=2)
    dispatch_hours = models.PositiveSmallIntegerField(_("派遣时限（工作小时）"), default=2)
    handle_days = models.PositiveSmallIntegerField(_("处置时限（工作日）"), default=3)
    verify_hours = models.PositiveSmallIntegerField(_("核查时限（工作小时）"), default=8)
    sensitive = models.BooleanField(_("敏感（不公开）"), default=False)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("事件类别")
        verbose_name_plural = _("事件类别")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CategoryRoute(models.Model):
    """A per-area override of a category's responsible department (most specific wins)."""

    category = models.ForeignKey(
        Category, models.CASCADE, related_name="routes", verbose_name=_("类别")
    )
    area = models.ForeignKey("grid.Area", models.CASCADE, related_name="+", verbose_name=_("区域"))
    department = models.ForeignKey(
        "accounts.Department", models.PROTECT, related_name="+", verbose_name=_("责任部门")
    )

    class Meta:
        verbose_name = _("派遣规则")
        verbose_name_plural = _("派遣规则")
        constraints = [
            models.UniqueConstraint(fields=["category", "area"], name="route_once_per_area")
        ]

    def __str__(self) -> str:
        return f"{self.category_id}@{self.area_id} → {self.department_id}"


class CalendarOverride(models.Model):
    """A day the statutory calendar gets wrong or does not know yet (e.g. next year's
    holidays before the calendar package has them, or a local closure)."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    note = models.CharField(_("说明"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("工作日调整")
        verbose_name_plural = _("工作日调整")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'+' if self.is_workday else '-'}"


class CaseState(models.TextChoices):
    REPORTED = "reported", _("待立案")
    REGISTERED = "registered", _("待派遣")
    REJECTED = "rejected", _("不予立案")
    DISPATCHED = "dispatched", _("处置中")
    HANDLED = "handled", _("待核查")
    CLOSED = "closed", _("已结案")
    WITHDRAWN = "withdrawn", _("已撤回")
    MERGED = "merged", _("已合并")


OPEN_STATES = (CaseState.REPORTED, CaseState.REGISTERED, CaseState.DISPATCHED, CaseState.HANDLED)


class CaseSource(models.TextChoices):
    PATROL = "patrol", _("网格员巡查")
    RESIDENT = "resident", _("居民上报")
    WINDOW = "window", _("窗口/热线代报")
    ABOVE = "above", _("上级交办")
    OPEN311 = "open311", _("Open311 接口")


class Priority(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Case(TimeStampedModel):
    number = models.CharField(_("编号"), max_length=20, unique=True)
    client_id = models.UUIDField(_("客户端编号"), unique=True, default=uuid.uuid4)
    category = models.ForeignKey(
        Category, models.PROTECT, related_name="cases", verbose_name=_("类别")
    )
    description = models.TextField(_("描述"))
    location = models.PointField(_("位置"), srid=4326, null=True, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    grid = models.ForeignKey("grid.Area", models.PROTECT, related_name="cases")
    # the grid's code, for prefix scope
    area_code = models.CharField(_("区域编码"), max_length=15, db_index=True)
    source = models.CharField(_("来源"), max_length=10, choices=CaseSource.choices)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    reporter_name = models.CharField(_("反映人"), max_length=50, blank=True)
    # A name an outside system (an Open311 api_key) passed along: who to call back, as
    # the caller gave it. Never the reporter: that is the key's account.
    contact_name = models.CharField(_("联系人（自填）"), max_length=50, blank=True)
    anonymous = models.BooleanField(_("匿名"), default=False)
    priority = models.CharField(
        _("优先级"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    state = models.CharField(_("状态"), max_length=12, choices=CaseState.choices)
    department = models.ForeignKey(
        "accounts.Department",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("责任部门"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    stage_started_at = models.DateTimeField()
    due_at = models.DateTimeField(_("本环节时限"), null=True, blank=True, db_index=True)
    escalation_level = models.PositiveSmallIntegerField(_("督办次数"), default=0)
    escalated_to = models.CharField(max_length=15, blank=True, db_index=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    handled_on_spot = models.BooleanField(_("即办"), default=False)
    master = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="duplicates"
    )
    reopen_count = models.PositiveSmallIntegerField(_("重开次数"), default=0)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    rating = models.CharField(_("评价"), max_length=12, choices=Rating.choices, blank=True)
    rating_comment = models.CharField(_("评价意见"), max_length=500, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    hidden = models.BooleanField(_("已屏蔽"), default=False)

    class Meta:
        verbose_name = _("事件")
        verbose_name_plural = pgettext_lazy("plural", "事件")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "due_at"]),
            models.Index(fields=["area_code", "state"]),
            models.Index(fields=["category", "state", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="case_merged_has_master",
                condition=~Q(state="merged") | Q(master__isnull=False),
            ),
            models.CheckConstraint(
                name="case_rating_only_when_closed",
                condition=Q(rating="") | Q(state="closed"),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class CaseFollower(models.Model):
    """Someone told of a case's progress besides its reporter: reporters of merged
    duplicates."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="followers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="follow_once")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.case_id}"


class CaseEntry(models.Model):
    """One line of a case's timeline. Append-only: never updated, never deleted."""

    # No index of its own: the unique (case, seq) index serves every lookup by case.
    case = models.ForeignKey(Case, models.PROTECT, related_name="timeline", db_index=False)
    seq = models.PositiveIntegerField()
    action = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_role = models.CharField(max_length=20, blank=True)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="timeline_seq_unique")]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.action}"

    @insert_safe_save  # it only refuses updates: insert_together may skip it
    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("timeline entries are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("timeline entries are never deleted")


class PhotoStage(models.TextChoices):
    BEFORE = "before", _("处置前")
    AFTER = "after", _("处置后")


class CasePhoto(models.Model):
    case = models.ForeignKey(Case, models.PROTECT, related_name="photos")
    entry = models.ForeignKey(CaseEntry, models.PROTECT, null=True, related_name="photos")
    stage = models.CharField(max_length=10, choices=PhotoStage.choices)
    image = models.ImageField(upload_to="cases/%Y/%m/")
    thumbnail = models.ImageField(upload_to="cases/%Y/%m/thumbs/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    digest = models.CharField(max_length=64, blank=True)  # of the uploaded file
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            # A phone that retries an upload sends the same file again: one photo.
            models.UniqueConstraint(
                fields=["case", "stage", "digest"],
                condition=~models.Q(digest=""),
                name="photo_once_per_case_stage",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.stage} {self.pk}"
