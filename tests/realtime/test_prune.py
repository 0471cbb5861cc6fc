"""Pruning the outbox: old events go in batches; pruning inside the replay window, or
after a restore, starts a new epoch, and a page that reconnects is told to reload."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from realtime.models import Event
from realtime.outbox import current_epoch
from realtime.prune import prune_events

pytestmark = pytest.mark.django_db


def event(age: dt.timedelta) -> int:
    row = Event.objects.create(area_code="310101001001001", kind="case.report", payload={})
    Event.objects.filter(pk=row.pk).update(created_at=timezone.now() - age)
    return row.pk


def test_events_older_than_the_retention_go_and_the_epoch_stays():
    old, recent = event(dt.timedelta(days=40)), event(dt.timedelta(days=2))
    epoch = current_epoch()
    out = StringIO()
    call_command("prune_events", "--days", "30", stdout=out)
    assert list(Event.objects.values_list("id", flat=True)) == [recent]
    assert current_epoch() == epoch
    assert "deleted 1 events" in out.getvalue()
    assert old not in Event.objects.values_list("id", flat=True)


def test_pruning_inside_the_replay_window_starts_a_new_epoch():
    event(dt.timedelta(hours=2))
    epoch = current_epoch()
    deleted, changed = prune_events(older_than=dt.timedelta(hours=1))
    assert (deleted, changed) == (1, True)
    assert current_epoch() != epoch


def test_a_restore_asks_for_a_new_epoch_by_hand():
    epoch = current_epoch()
    call_command("prune_events", "--new-epoch", stdout=StringIO())
    assert current_epoch() != epoch


def test_a_negative_retention_is_refused():
    with pytest.raises(CommandError):
        call_command("prune_events", "--days", "-1", stdout=StringIO())
