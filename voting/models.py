"""Ballots (表决) of consultation topics: what is asked, who may vote, the votes and the
results of meetings held offline.

Secrecy is in the tables, not only in the pages. A cast writes two rows: a Vote — who
voted (the register's resident, for a household ballot also the household) and when,
which carries the one-vote constraints — and a Choice — what was chosen — with a random
key, no timestamp and, on a secret ballot, no link to the Vote. The voter's receipt
code is stored only as a hash on the Choice, so the code finds the voter's choice and
nothing stored finds the code. On an open ballot the Choice links to its Vote.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel
from voting.tally import Kind as TallyKind


class Kind(models.TextChoices):
    YES_NO = TallyKind.YES_NO.value, _("赞成/反对/弃权")
    SINGLE = TallyKind.SINGLE.value, _("单选")
    MULTIPLE = TallyKind.MULTIPLE.value, _("多选")
    RANKED = TallyKind.RANKED.value, _("排序选择")
    BUDGET = TallyKind.BUDGET.value, _("预算分配")


class Eligibility(models.TextChoices):
    PERSON = "person", _("按人（成年居民）")
    HOUSEHOLD = "household", _("按户（每户一票）")
    REPRESENTATIVES = "representatives", _("居民代表")


class Channel(models.TextChoices):
    ONLINE = "online", _("线上投票")
    MEETING = "meeting", _("会议表决（线下）")


class BallotState(models.TextChoices):
    SCHEDULED = "scheduled", _("未开始")
    OPEN = "open", _("投票中")
    CLOSED = "closed", _("已结束")


class Ballot(TimeStampedModel):
    topic = models.ForeignKey(
        "consultation.Topic", models.PROTECT, related_name="ballots", verbose_name=_("议题")
    )
    kind = models.CharField(_("表决方式"), max_length=10, choices=Kind.choices)
    question = models.CharField(_("表决事项"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    eligibility = models.CharField(_("投票资格"), max_length=16, choices=Eligibility.choices)
    channel = models.CharField(
        _("形式"), max_length=8, choices=Channel.choices, default=Channel.ONLINE
    )
    secret = models.BooleanField(_("无记名投票"), default=True)
    allow_change = models.BooleanField(_("截止前可改票"), default=True)
    min_choices = models.PositiveSmallIntegerField(_("至少选"), default=1)
    max_choices = models.PositiveSmallIntegerField(_("至多选"), default=1)
    budget = models.PositiveIntegerField(_("预算（元）"), default=0)
    # voting.rules.Rules as JSON, with its version and strategy (see there).
    rules = models.JSONField(_("表决规则"))
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("截止时间"))
    opened_at = models.DateTimeField(_("实际开始"), null=True, blank=True)
    closed_at = models.DateTimeField(_("实际结束"), null=True, blank=True)
    # Ballots cast so far: live on an open ballot, written at close on a secret one.
    votes_cast = models.PositiveIntegerField(default=0)
    outcome = models.JSONField(_("表决结果"), null=True, blank=True)
    minutes = models.TextField(_("会议纪要"), blank=True)
    publish_until = models.DateField(_("公示截止"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    client_id = models.UUIDField(null=True, blank=True, unique=True, default=None)

    class Meta:
        verbose_name = _("表决")
        verbose_name_plural = _("表决")
        ordering = ["-opens_at", "-id"]
        indexes = [models.Index(fields=["closed_at", "opens_at"])]
        constraints = [
            models.CheckConstraint(
                name="ballot_closes_after_opening", condition=Q(closes_at__gt=F("opens_at"))
            ),
            models.CheckConstraint(
                name="ballot_choice_bounds", condition=Q(min_choices__lte=F("max_choices"))
            ),
        ]

    def __str__(self) -> str:
        return self.question

    @property
    def state(self) -> str:
        if self.closed_at:
            return BallotState.CLOSED
        return BallotState.OPEN if self.opened_at else BallotState.SCHEDULED

    @property
    def state_label(self) -> str:
        return BallotState(self.state).label

    @property
    def is_open(self) -> bool:
        return self.state == BallotState.OPEN

    @property
    def opening_date(self):
        """The day ages are counted at: the planned opening, announced in advance."""
        return timezone.localdate(self.opens_at)


class Option(models.Model):
    ballot = models.ForeignKey(Ballot, models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=8, blank=True)  # yes / no / abstain on yes-no ballots
    label = models.CharField(_("选项"), max_length=200)
    cost = models.PositiveIntegerField(_("费用（元）"), default=0)
    # The live tally of an open ballot; on a secret ballot written only at close.
    votes = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("选项")
        verbose_name_plural = _("选项")
        ordering = ["ballot_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "position"], name="option_position_once"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def key(self) -> str:
        """The option's name in the tally engine."""
        return self.code or str(self.pk)


class Vote(models.Model):
    """That someone voted: never what. One per resident per ballot, and on a household
    ballot one per household (NULL elsewhere, so the constraint binds only there)."""

    ballot = models.ForeignKey(Ballot, models.PROTECT, related_name="votes")
    resident = models.ForeignKey("grid.Resident", models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "grid.Household", models.PROTECT, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    client_id = models.UUIDField(unique=True)
    cast_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(null=True, blank=True)
    changes = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("投票记录")
        verbose_name_plural = _("投票记录")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "resident"], name="vote_once_per_resident"),
            models.UniqueConstraint(fields=["ballot", "household"], name="vote_once_per_household"),
        ]

    def __str__(self) -> str:
        return f"{self.ballot_id} · {self.pk}"


class Choice(models.Model):
    """What one ballot paper says. A random key and no timestamp, so neither order nor
    time ties it to a Vote; `vote` only on open ballots."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, models.PROTECT, related_name="choices")
    vote = models.OneToOneField(Vote, models.PROTECT, null=True, blank=True, related_name="choice")
    selection = models.JSONField()  # option keys; ranked in order of preference
    receipt = models.CharField(max_length=64, unique=True)  # sha256 of the receipt code

    class Meta:
        verbose_name = _("选票")
        verbose_name_plural = _("选票")

    def __str__(self) -> str:
        return str(self.pk)


class MeetingMethod(models.TextChoices):
    HANDS = "hands", _("举手表决")
    PAPER = "paper", _("纸质投票")


class MeetingResult(models.Model):
    """The result of a ballot taken at a meeting, as staff entered it; it counts only
    once a second, different staff member has signed it off."""

    ballot = models.OneToOneField(
        Ballot, models.PROTECT, related_name="meeting", verbose_name=_("表决")
    )
    method = models.CharField(_("表决方式"), max_length=6, choices=MeetingMethod.choices)
    held_on = models.DateField(_("会议日期"))
    place = models.CharField(_("地点"), max_length=100, blank=True)
    expected = models.PositiveIntegerField(_("应到"))
    attended = models.PositiveIntegerField(_("实到"))
    counts = models.JSONField(_("各选项票数"))  # option key → votes
    minutes = models.TextField(_("会议纪要"), blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(_("复核时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("会议表决结果")
        verbose_name_plural = _("会议表决结果")
        constraints = [
            models.CheckConstraint(
                name="meeting_signed_off_by_another",
                condition=Q(signed_off_by__isnull=True) | ~Q(signed_off_by=F("entered_by")),
            ),
            models.CheckConstraint(
                name="meeting_attended_at_most_expected", condition=Q(attended__lte=F("expected"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ballot_id} · {self.held_on}"


class Representative(models.Model):
    """A 居民代表 for a term. A roster of the register's residents, not a role: the
    representatives are elected for the committee's term by the households of the
    community, live in it and vote as residents of it, so the register (who still
    lives there, is of age) decides with the term — a role in accounts would put a
    consultation office into every permission check and forget the term."""

    resident = models.ForeignKey(
        "grid.Resident", models.PROTECT, related_name="+", verbose_name=_("居民")
    )
    since = models.DateField(_("任期开始"))
    until = models.DateField(_("任期结束"), null=True, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("居民代表")
        verbose_name_plural = _("居民代表")
        constraints = [
            models.UniqueConstraint(fields=["resident", "since"], name="representative_term_once"),
        ]

    def __str__(self) -> str:
        return f"{self.resident_id} · {self.since}"


class LogAction(models.TextChoices):
    OPENED = "opened", _("开始投票")
    CLOSED = "closed", _("结束投票")
    CHANGED = "changed", _("改票")
    MEETING_ENTERED = "meeting_entered", _("录入会议结果")
    MEETING_SIGNED = "meeting_signed", _("复核会议结果")


class BallotLog(models.Model):
    """The audit trail of a ballot: who opened, closed, changed a vote, entered or signed
    off a meeting's result, and when. A cast's record is its Vote row (who, when); like
    a change's line here it says that someone voted, never what they chose."""

    ballot = models.ForeignKey(Ballot, models.PROTECT, related_name="log")
    action = models.CharField(max_length=16, choices=LogAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.ballot_id} · {self.action}"
