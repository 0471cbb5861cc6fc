"""Phases: staff move a topic on (never back); planned dates open and close phases by
themselves (advance_due, the scheduler's job and `manage.py advance_topic_phases`)."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from common.errors import Conflict, InvalidInput, NotPermitted
from consultation import phases
from consultation.models import Phase, TopicPhase
from realtime.models import Event
from tests.consultation.conftest import GRID, open_topic, propose
from tests.factories import make_resident


@pytest.mark.django_db
def test_staff_move_phases_forward_only(areas, cast):
    topic = open_topic(cast["clerk"], areas[GRID])
    phases.phase_move(actor=cast["clerk"], topic_id=topic.pk, phase=Phase.DELIBERATE)
    with pytest.raises(Conflict):
        phases.phase_move(actor=cast["clerk"], topic_id=topic.pk, phase=Phase.COLLECT)
    with pytest.raises(NotPermitted):
        phases.phase_move(actor=cast["grid_worker"], topic_id=topic.pk, phase=Phase.VOTE)
    with pytest.raises(InvalidInput):
        phases.phase_move(actor=cast["clerk"], topic_id=topic.pk, phase="later")
    topic.refresh_from_db()
    assert topic.phase == Phase.DELIBERATE
    rows = {r.phase: r for r in TopicPhase.objects.filter(topic=topic)}
    assert rows[Phase.COLLECT].closed_at is not None and rows[Phase.DELIBERATE].closed_at is None
    assert Event.objects.filter(kind="topic.phase", payload__phase="deliberate").count() == 1


@pytest.mark.django_db
def test_a_proposal_has_no_phase_to_move(areas, cast, settings):
    settings.CONSULTATION_SUPPORT_SHARE = 1  # more than the proposer's own support
    make_resident(GRID, name="邻居")
    topic = propose(cast["resident"], areas[GRID])
    with pytest.raises(Conflict):
        phases.phase_move(actor=cast["clerk"], topic_id=topic.pk, phase=Phase.DELIBERATE)


@pytest.mark.django_db
def test_phases_open_and_close_by_their_dates(areas, cast):
    topic = open_topic(cast["clerk"], areas[GRID])
    now = timezone.now()
    day = dt.timedelta(days=1)
    phases.phase_plan(
        actor=cast["clerk"],
        topic_id=topic.pk,
        phase=Phase.COLLECT,
        opens_at=None,
        closes_at=now + day,
    )
    phases.phase_plan(
        actor=cast["clerk"],
        topic_id=topic.pk,
        phase=Phase.PUBLISH,
        opens_at=None,
        closes_at=now + 5 * day,
    )
    phases.phase_plan(
        actor=cast["clerk"],
        topic_id=topic.pk,
        phase=Phase.FOLLOW_UP,
        opens_at=now + 10 * day,
        closes_at=None,
    )
    assert phases.advance_due(now) == 0
    # collection closes: the next planned phase (publish) opens, skipping the unplanned
    assert phases.advance_due(now + 2 * day) == 1
    topic.refresh_from_db()
    assert topic.phase == Phase.PUBLISH
    assert phases.advance_due(now + 2 * day) == 0  # nothing more is due
    # publish closes on day 5: follow-up is planned (for day 10), so it opens now
    assert phases.advance_due(now + 6 * day) == 1
    topic.refresh_from_db()
    assert topic.phase == Phase.FOLLOW_UP
    assert phases.advance_due(now + 11 * day) == 0  # its own opening has passed already
    moved = Event.objects.filter(kind="topic.phase", payload__topic=topic.pk)
    assert [e.payload["phase"] for e in moved.order_by("id")] == ["publish", "follow_up"]


@pytest.mark.django_db
def test_a_planned_opening_jumps_ahead(areas, cast):
    topic = open_topic(cast["clerk"], areas[GRID])
    now = timezone.now()
    phases.phase_plan(
        actor=cast["clerk"],
        topic_id=topic.pk,
        phase=Phase.VOTE,
        opens_at=now + dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=3),
    )
    call_command("advance_topic_phases")
    topic.refresh_from_db()
    assert topic.phase == Phase.COLLECT
    assert phases.advance_due(now + dt.timedelta(hours=2)) == 1
    topic.refresh_from_db()
    assert topic.phase == Phase.VOTE


@pytest.mark.django_db
def test_a_plan_closing_before_it_opens_is_refused(areas, cast):
    topic = open_topic(cast["clerk"], areas[GRID])
    now = timezone.now()
    with pytest.raises(InvalidInput):
        phases.phase_plan(
            actor=cast["clerk"],
            topic_id=topic.pk,
            phase=Phase.VOTE,
            opens_at=now,
            closes_at=now - dt.timedelta(hours=1),
        )
    assert not TopicPhase.objects.filter(phase=Phase.VOTE).exists()


@pytest.mark.django_db
def test_the_scheduler_runs_the_phase_job_when_its_interval_is_on(settings):
    from config import scheduler

    settings.CONSULTATION_PHASE_INTERVAL_SECONDS = 0
    assert "advance_topic_phases" not in [job[0] for job in scheduler._jobs()]
    settings.CONSULTATION_PHASE_INTERVAL_SECONDS = 30
    assert "advance_topic_phases" in [job[0] for job in scheduler._jobs()]
