"""Consultation (协商议事): topics raised by residents or staff, put on the agenda,
deliberated and decided in phases (六事: 提事 → 定事 → 议事 → 决事 → 办事 → 评事)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel


class Phase(models.TextChoices):
    COLLECT = "collect", _("征集")
    DELIBERATE = "deliberate", _("协商")
    VOTE = "vote", _("表决")
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
