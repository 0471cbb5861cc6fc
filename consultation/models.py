"""Consultation (协商议事): topics raised by residents or staff, put on the agenda,
deliberated and decided in phases (六事: 提事 → 定事 → 议事 → 决事 → 办事 → 评事)."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.models import TimeStampedModel


class Phase(models.TextChoices):
    COLLECT = "collect", _("征集")
    DELIBERATE = "deliberate", _("协商")
    VOTE = "vote", pgettext_lazy("phase", "表决")
    PUBLISH = "publish", _("公示")
    FOLLOW_UP = "follow_up", _("落实")
    CLOSED = "closed", _("已结束")


# The order phases follow; CLOSED ends every topic.
PHASE_ORDER = tuple(Phase)


class TopicStatus(models.TextChoices):
    PROPOSED = "proposed", _("待审议")
    AGENDA = "agenda", _("已列入议程")
    REJECTED = "rejected", _("未列入")
    WITHDRAWN = "withdrawn", _("已撤回")


class InitiatorKind(models.TextChoices):
    RESIDENT = "resident", _("居民")
    GRID_WORKER = "grid_worker", _("网格员")
    STAFF = "staff", _("社区/街道工作人员")


class Topic(TimeStampedModel):
    """A matter for the residents of an area (a grid, community or street: its scope,
    who may take part). Proposed by a resident it waits for supports or a staff decision
    (`status`); once on the agenda it moves through the phases (`phase`)."""

    area = models.ForeignKey(
        "grid.Area", models.PROTECT, related_name="topics", verbose_name=_("议事范围")
    )
    title = models.CharField(_("议题"), max_length=120)
    description = models.TextField(_("说明"))
    initiator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="initiated_topics",
        verbose_name=_("发起人"),
    )
    initiator_kind = models.CharField(_("发起人身份"), max_length=12, choices=InitiatorKind.choices)
    status = models.CharField(
        _("状态"), max_length=12, choices=TopicStatus.choices, default=TopicStatus.PROPOSED
    )
    # NULL, not "": a topic has no phase until it is on the agenda (a CHECK says so).
    phase = models.CharField(  # noqa: DJ001
        _("阶段"), max_length=12, choices=Phase.choices, null=True, blank=True
    )
    # Supports count towards the agenda until this moment (proposed topics only).
    support_until = models.DateTimeField(_("联署截止"), null=True, blank=True)
    agenda_at = models.DateTimeField(_("列入议程时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_reason = models.CharField(_("审议意见"), max_length=500, blank=True)
    # Who raised it, when staff enter a matter raised at the office ("3号楼居民").
    raised_by = models.CharField(_("提出人"), max_length=100, blank=True)
    client_id = models.UUIDField(null=True, blank=True, unique=True, default=None)

    class Meta:
        verbose_name = _("议题")
        verbose_name_plural = _("议题")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "phase"])]
        constraints = [
            models.CheckConstraint(
                name="topic_phase_only_on_agenda",
                condition=Q(phase__isnull=True) | Q(status="agenda"),
            ),
            models.CheckConstraint(
                name="topic_rejection_has_reason",
                condition=~Q(status="rejected") | ~Q(decision_reason=""),
            ),
        ]

    def __str__(self) -> str:
        return self.title


def attachment_path(attachment: "TopicAttachment", filename: str) -> str:
    """A random stored name: the file is reached only through the access-checked view."""
    suffix = PurePosixPath(filename).suffix.lower()
    return f"consultation/files/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class TopicAttachment(models.Model):
    """A file attached to a topic's description (checked and stripped of metadata by
    notices.attachments.prepare), served to the topic's readers only."""

    topic = models.ForeignKey(Topic, models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=attachment_path)
    original_name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("类型"), max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class TopicPhase(models.Model):
    """One phase of a topic: its planned dates (opens_at/closes_at, either may be
    empty) and when it actually opened and closed. A phase with a planned opening opens
    by itself when its time comes (consultation.phases.advance_due)."""

    topic = models.ForeignKey(Topic, models.CASCADE, related_name="phases")
    phase = models.CharField(_("阶段"), max_length=12, choices=Phase.choices)
    opens_at = models.DateTimeField(_("计划开始"), null=True, blank=True)
    closes_at = models.DateTimeField(_("计划结束"), null=True, blank=True)
    opened_at = models.DateTimeField(_("实际开始"), null=True, blank=True)
    closed_at = models.DateTimeField(_("实际结束"), null=True, blank=True)

    class Meta:
        verbose_name = _("议题阶段")
        verbose_name_plural = _("议题阶段")
        ordering = ["topic_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "phase"], name="topic_phase_once"),
            models.CheckConstraint(
                name="topic_phase_closes_after_opening",
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=models.F("opens_at")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic_id} · {self.get_phase_display()}"


class SupportSource(models.TextChoices):
    ONLINE = "online", _("线上联署")
    PAPER = "paper", _("纸质联署")


class TopicSupport(models.Model):
    """A resident's support of a proposed topic. Every support names the resident of the
    register who gave it (online: the signed-in resident's record; on paper: the signer
    staff entered with their household), so one resident counts once however they
    signed (the constraint), and a household once however many of its members signed
    (counted distinct)."""

    topic = models.ForeignKey(Topic, models.CASCADE, related_name="supports")
    resident = models.ForeignKey("grid.Resident", models.PROTECT, related_name="+")
    household = models.ForeignKey("grid.Household", models.PROTECT, related_name="+")
    source = models.CharField(_("方式"), max_length=8, choices=SupportSource.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("联署")
        verbose_name_plural = _("联署")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "resident"], name="support_once_per_resident"),
            models.CheckConstraint(
                name="paper_support_entered_by_staff",
                condition=~Q(source="paper") | Q(entered_by__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic_id} · {self.resident_id}"


class AmendmentStatus(models.TextChoices):
    PROPOSED = "proposed", _("待回应")
    ACCEPTED = "accepted", _("已采纳")
    DECLINED = "declined", _("未采纳")


class Amendment(models.Model):
    """A resident's proposed new text for a topic's description, during collection;
    the initiator accepts (the text replaces the description, the old one is kept
    here) or declines it, with a public answer."""

    topic = models.ForeignKey(Topic, models.CASCADE, related_name="amendments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    text = models.TextField(_("修改后的说明"))
    reason = models.CharField(_("修改理由"), max_length=500, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=AmendmentStatus.choices, default=AmendmentStatus.PROPOSED
    )
    answer = models.CharField(_("回应"), max_length=500, blank=True)
    replaced_text = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    client_id = models.UUIDField(null=True, blank=True, unique=True, default=None)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("修改建议")
        verbose_name_plural = _("修改建议")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                name="amendment_decline_has_answer",
                condition=~Q(status="declined") | ~Q(answer=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic_id} · {self.pk}"


class Stance(models.TextChoices):
    FOR = "for", _("赞成")
    AGAINST = "against", _("反对")
    NEUTRAL = "neutral", _("中立")


class CommentStatus(models.TextChoices):
    VISIBLE = "visible", _("正常")
    PENDING = "pending", _("待审核")  # hidden by reports until a moderator looks
    HIDDEN = "hidden", _("已隐藏")


MAX_COMMENT_DEPTH = 3  # a comment, a reply, a reply to the reply


class Comment(models.Model):
    topic = models.ForeignKey(Topic, models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    parent = models.ForeignKey(
        "self", models.CASCADE, null=True, blank=True, related_name="replies"
    )
    depth = models.PositiveSmallIntegerField(default=1)
    stance = models.CharField(_("立场"), max_length=8, choices=Stance.choices)
    body = models.TextField(_("内容"))
    status = models.CharField(
        _("状态"), max_length=8, choices=CommentStatus.choices, default=CommentStatus.VISIBLE
    )
    report_count = models.PositiveIntegerField(default=0)
    client_id = models.UUIDField(null=True, blank=True, unique=True, default=None)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("评论")
        verbose_name_plural = _("评论")
        ordering = ["id"]
        indexes = [models.Index(fields=["topic", "status"])]
        constraints = [
            models.CheckConstraint(
                name="comment_depth_at_most_3", condition=Q(depth__gte=1, depth__lte=3)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic_id} · {self.pk}"

    @property
    def shown(self) -> bool:
        return self.status == CommentStatus.VISIBLE


class CommentReport(models.Model):
    comment = models.ForeignKey(Comment, models.CASCADE, related_name="reports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    reason = models.CharField(_("举报理由"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="comment_report_once"),
        ]

    def __str__(self) -> str:
        return f"{self.comment_id} · {self.user_id}"


class ModerationAction(models.TextChoices):
    AUTO_HIDE = "auto_hide", _("因举报待审核")
    HIDE = "hide", _("隐藏")
    RESTORE = "restore", _("恢复")


class ModerationLog(models.Model):
    """Every hide and restore of a comment, with its reason: nothing is removed."""

    comment = models.ForeignKey(Comment, models.CASCADE, related_name="moderation")
    action = models.CharField(max_length=10, choices=ModerationAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("理由"), max_length=300)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.comment_id} · {self.action}"


class ProcedureStep(models.TextChoices):
    """四议两公开: four deliberations, two publications."""

    PARTY_PROPOSAL = "party_proposal", _("党组织提议")
    COMMITTEES = "committees", _("两委会商议")
    PARTY_MEMBERS = "party_members", _("党员大会审议")
    REPRESENTATIVES = "representatives", _("居民代表会议决议")
    PUBLISH_RESOLUTION = "publish_resolution", _("决议公开")
    PUBLISH_RESULT = "publish_result", _("实施结果公开")


class ProcedureRecord(models.Model):
    """The record of one step of the procedure for a topic, published on the topic."""

    topic = models.ForeignKey(Topic, models.CASCADE, related_name="procedure")
    step = models.CharField(_("程序"), max_length=20, choices=ProcedureStep.choices)
    held_on = models.DateField(_("日期"))
    expected = models.CharField(_("应到人员"), max_length=500, blank=True)
    expected_count = models.PositiveIntegerField(_("应到人数"), default=0)
    attended = models.CharField(_("实到人员"), max_length=500, blank=True)
    attended_count = models.PositiveIntegerField(_("实到人数"), default=0)
    quorum = models.PositiveIntegerField(_("法定人数"), default=0)
    decision = models.TextField(_("决定"), blank=True)
    minutes = models.TextField(_("会议纪要"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("四议两公开记录")
        verbose_name_plural = _("四议两公开记录")
        constraints = [
            models.UniqueConstraint(fields=["topic", "step"], name="procedure_step_once"),
            models.CheckConstraint(
                name="procedure_attended_at_most_expected",
                condition=Q(expected_count=0) | Q(attended_count__lte=models.F("expected_count")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic_id} · {self.get_step_display()}"

    @property
    def quorum_reached(self) -> bool:
        return self.attended_count >= self.quorum


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("计划中")
    IN_PROGRESS = "in_progress", _("实施中")
    DONE = "done", _("已完成")


class FollowUpAction(models.Model):
    """A piece of carrying out a decision (办事): who owns it, how far it got."""

    topic = models.ForeignKey(Topic, models.CASCADE, related_name="actions")
    title = models.CharField(_("事项"), max_length=120)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner_name = models.CharField(_("责任人/单位"), max_length=100)
    due_on = models.DateField(_("计划完成"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    case = models.ForeignKey(
        "feedback.Case", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("落实事项")
        verbose_name_plural = _("落实事项")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(name="action_progress_percent", condition=Q(progress__lte=100)),
        ]

    def __str__(self) -> str:
        return self.title


class ActionUpdate(models.Model):
    action = models.ForeignKey(FollowUpAction, models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    text = models.TextField(_("进展"))
    progress = models.PositiveSmallIntegerField(_("进度（%）"))
    client_id = models.UUIDField(null=True, blank=True, unique=True, default=None)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.action_id} · {self.pk}"


class ActionPhoto(models.Model):
    update = models.ForeignKey(ActionUpdate, models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="consultation/%Y/%m/")
    thumbnail = models.ImageField(upload_to="consultation/%Y/%m/thumbs/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    digest = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["update", "digest"], name="action_photo_once"),
        ]

    def __str__(self) -> str:
        return f"{self.update_id} · {self.pk}"


class Rating(models.Model):
    """A resident's rating of how a decision was carried out (评事), once per person
    (a second rating replaces the first)."""

    topic = models.ForeignKey(Topic, models.CASCADE, related_name="ratings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("评分"))
    remark = models.CharField(_("评价"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("评议")
        verbose_name_plural = _("评议")
        constraints = [
            models.UniqueConstraint(fields=["topic", "user"], name="rating_once_per_user"),
            models.CheckConstraint(name="rating_1_to_5", condition=Q(score__gte=1, score__lte=5)),
        ]

    def __str__(self) -> str:
        return f"{self.topic_id} · {self.score}"
