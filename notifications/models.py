"""Each user's inbox, filled from the event outbox by notifications.projector, and the
few messages that also leave through an outside channel (SMS).

A notification stores a kind and its parameters, not a sentence: the text is rendered in
the reader's language when it is shown (notifications.texts).
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", db_index=False
    )
    # The outbox row it came from (realtime.Event), not a foreign key: the outbox may be
    # pruned while the inbox keeps its history.
    event_id = models.BigIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=50)
    params = models.JSONField(default=dict, blank=True)
    link = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        # (user, read_at): the header's unread COUNT on every page, and the inbox list.
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]
        constraints = [
            # a re-run or two overlapping projectors never notify twice
            models.UniqueConstraint(
                fields=["user", "event_id", "kind"], name="notification_once_per_event"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} #{self.event_id}"

    @property
    def text(self) -> str:
        """The sentence in the current language (see notifications.texts)."""
        from notifications.texts import render

        return render(self.kind, self.params)


class ProjectorCursor(models.Model):
    """How far a projector has read the outbox: the highest event id it has passed, and
    the ids at or below it seen within the late-commit window (an event that commits
    late gets a lower id than ones already read; notifications.projector)."""

    name = models.CharField(max_length=50, unique=True)
    last_event_id = models.BigIntegerField(default=0)
    recent_ids = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} @{self.last_event_id}"


class Channel(models.TextChoices):
    SMS = "sms", _("短信")


class OutboundMessage(models.Model):
    """A notification that also goes out through a channel: at most one per
    notification, sent once, retried with backoff, given up after a few attempts."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", db_index=False
    )
    notification = models.OneToOneField(Notification, models.CASCADE, related_name="outbound")
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.SMS)
    text = models.CharField(max_length=300)
    not_before = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    gave_up_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("外发消息")
        verbose_name_plural = _("外发消息")
        indexes = [
            # the sending job's one question: what is waiting and due
            models.Index(
                fields=["not_before"],
                condition=Q(sent_at__isnull=True, gave_up_at__isnull=True),
                name="outbound_waiting",
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} → {self.user_id} #{self.notification_id}"


DEFAULT_QUIET_START = dt.time(22, 0)
DEFAULT_QUIET_END = dt.time(8, 0)


class DeliveryPreference(models.Model):
    """How one user wants to be reached outside the site. No row: the defaults below."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    # the outside channel (settings.NOTIFY_OUTSIDE_CHANNEL: SMS today)
    outside = models.BooleanField(_("短信提醒"), default=True)
    # Local time (settings.TIME_ZONE, Asia/Shanghai); the window may cross midnight.
    # Both empty: no quiet hours.
    quiet_start = models.TimeField(
        _("免打扰开始"), null=True, blank=True, default=DEFAULT_QUIET_START
    )
    quiet_end = models.TimeField(_("免打扰结束"), null=True, blank=True, default=DEFAULT_QUIET_END)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("提醒设置")
        verbose_name_plural = _("提醒设置")
        constraints = [
            models.CheckConstraint(
                name="quiet_hours_both_or_neither",
                condition=Q(quiet_start__isnull=True, quiet_end__isnull=True)
                | Q(quiet_start__isnull=False, quiet_end__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} outside={self.outside}"
