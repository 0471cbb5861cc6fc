import datetime as dt
import threading

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from django.utils import timezone

from config import scheduler
from feedback.models import Case
from tests.feedback.flows import reported


@pytest.mark.django_db(transaction=True)
def test_the_in_process_scheduler_escalates_without_anyone_asking(people, categories, settings):
    # given an overdue case and the embedded scheduler ticking every second
    case = reported(people, categories)
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    settings.CASE_ESCALATION_INTERVAL_SECONDS = 1
    ran = threading.Event()
    running = scheduler.start()
    # the test reads only after the job has run: the in-memory test database locks
    # whole tables, so polling it while the job writes would race
    running.add_listener(lambda event: ran.set(), EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    try:
        # when we wait, doing nothing
        assert ran.wait(timeout=10), "the scheduler never ran its job"
    finally:
        running.shutdown(wait=True)
        scheduler._scheduler = None
    # then the case was escalated by the scheduler's thread
    assert Case.objects.get(pk=case.pk).escalation_level == 1
