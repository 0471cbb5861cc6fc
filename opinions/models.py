"""The opinion map of a topic: short statements, the participants' votes on them, and
the opinion groups computed from those votes (opinions.clustering).

A resident's statement waits for a moderator before anyone else sees it; a staff member's
is accepted as it is written. A snapshot is what the map shows: groups, points and
statements, never who is who — which participant fell in which group is kept apart, in
OpinionMembership, to keep the labels stable and to tell each participant their own place.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel

STATEMENT_LENGTH = 140


class Moderation(models.TextChoices):
    PENDING = "pending", _("待审核")
    ACCEPTED = "accepted", _("已通过")
    REJECTED = "rejected", _("未通过")


class Choice(models.IntegerChoices):
    AGREE = 1, _("同意")
    DISAGREE = -1, _("不同意")
    PASS = 0, _("跳过")


class Statement(TimeStampedModel):
    topic = models.ForeignKey(
        "consultation.Topic", models.CASCADE, related_name="statements", verbose_name=_("议题")
    )
    text = models.CharField(_("观点"), max_length=STATEMENT_LENGTH)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("提出人")
    )
    state = models.CharField(
        _("审核状态"), max_length=10, choices=Moderation.choices, default=Moderation.PENDING
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reason = models.CharField(_("未通过原因"), max_length=200, blank=True)
    # A form sent twice (a double tap, a phone's retry) adds one statement.
    client_id = models.UUIDField(null=True, blank=True, unique=True, default=None)

    class Meta:
        verbose_name = _("观点")
        verbose_name_plural = _("观点")
        ordering = ["topic_id", "id"]
        indexes = [models.Index(fields=["topic", "state"])]
        constraints = [
            models.CheckConstraint(
                name="statement_rejection_has_reason",
                condition=~Q(state="rejected") | ~Q(reason=""),
            ),
        ]

    def __str__(self) -> str:
        return self.text


class StatementVote(models.Model):
    """One participant's vote on one statement; voting again changes it."""

    statement = models.ForeignKey(Statement, models.CASCADE, related_name="votes")
    participant = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    choice = models.SmallIntegerField(_("表态"), choices=Choice.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("观点表态")
        verbose_name_plural = _("观点表态")
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "participant"], name="statement_vote_once"
            ),
            models.CheckConstraint(
                name="statement_vote_choice", condition=Q(choice__in=[-1, 0, 1])
            ),
        ]

    def __str__(self) -> str:
        return f"{self.statement_id}:{self.choice}"


class OpinionSnapshot(models.Model):
    """One computation of a topic's map. `groups`, `points`, `consensus` and `scores`
    are what pages and the API show; none holds a user id or a name, and the points are
    sorted by group and position, not by participant."""

    topic = models.ForeignKey(
        "consultation.Topic", models.CASCADE, related_name="opinion_snapshots"
    )
    computed_at = models.DateTimeField(_("计算时间"))
    # what the computation read: the votes' count and latest change, so a topic whose
    # votes differ from these is due again (opinions.compute.topics_due)
    vote_count = models.PositiveIntegerField(default=0)
    last_vote_at = models.DateTimeField(null=True, blank=True)
    participants = models.PositiveIntegerField(_("参与人数"))  # everyone who voted
    placed = models.PositiveIntegerField(_("纳入分组人数"))  # with enough votes to place
    groups = models.JSONField(default=list)  # [{label, size, centroid, representative}]
    points = models.JSONField(default=list)  # [[x, y, label], …]
    consensus = models.JSONField(default=list)  # [{statement, score, per_group}]
    scores = models.JSONField(default=dict)  # {statement id: [divisiveness, unity]}
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("意见地图")
        verbose_name_plural = _("意见地图")
        get_latest_by = "computed_at"
        indexes = [models.Index(fields=["topic", "-computed_at"])]

    def __str__(self) -> str:
        return f"{self.topic_id} @ {self.computed_at:%Y-%m-%d %H:%M}"


class OpinionMembership(models.Model):
    """Which group each placed participant is in on a topic's latest map: kept apart from
    the snapshot, read only to keep labels stable and to show a participant their own
    place."""

    topic = models.ForeignKey("consultation.Topic", models.CASCADE, related_name="+")
    participant = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    label = models.CharField(max_length=4)
    x = models.FloatField()
    y = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "participant"], name="opinion_membership_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic_id}:{self.label}"
