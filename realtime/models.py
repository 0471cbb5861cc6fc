"""The event outbox: every side effect is a row written in the writer's transaction, so
a client that reconnects with its last event id gets what it missed."""

import secrets

from django.db import models


class Event(models.Model):
    # Only the (area_code, id) index below: replay reads an area's events after an id,
    # and one more index on the code alone would cost every write.
    area_code = models.CharField(max_length=15)
    kind = models.CharField(max_length=50)
    payload = models.JSONField()
    # The groups that receive it, decided by the domain's access policy when the event
    # is written (never widened at send time).
    audience = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["area_code", "id"])]

    def __str__(self) -> str:
        return f"{self.pk} {self.kind} @{self.area_code}"


def new_epoch_token() -> str:
    return secrets.token_hex(8)


class StreamEpoch(models.Model):
    """The outbox's identity. A socket that reconnects names the epoch it last saw; when
    it differs (history pruned inside the replay window, or the database restored), the
    page reloads its data instead of trusting ids. `manage.py prune_events
    --new-epoch` starts a new one."""

    token = models.CharField(max_length=32, default=new_epoch_token)
    started_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.token
