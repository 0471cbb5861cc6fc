import datetime as dt
import time

import pytest
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
    running = scheduler.start()
    try:
        # when we wait, doing nothing
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if Case.objects.get(pk=case.pk).escalation_level:
                break
            time.sleep(0.2)
        # then the case was escalated by the scheduler's thread
        assert Case.objects.get(pk=case.pk).escalation_level == 1
    finally:
        running.shutdown(wait=True)
        scheduler._scheduler = None
