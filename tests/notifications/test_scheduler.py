import threading

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED

from config import scheduler
from tests.feedback.flows import reported
from tests.notifications.support import kinds


@pytest.mark.django_db(transaction=True)
def test_the_embedded_scheduler_fills_the_inboxes_without_anyone_asking(
    people, categories, settings
):
    # given a report waiting in the outbox and only the notification job on
    reported(people, categories)
    settings.CASE_ESCALATION_INTERVAL_SECONDS = 0
    settings.NOTIFY_INTERVAL_SECONDS = 0.2
    ran = threading.Event()
    running = scheduler.start()
    assert [job.id for job in running.get_jobs()] == ["project_notifications"]
    # read only after the job ran: polling while it writes would race (see test_scheduler
    # of feedback)
    running.add_listener(lambda event: ran.set(), EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    try:
        assert ran.wait(timeout=10), "the scheduler never ran its job"
    finally:
        running.shutdown(wait=True)
        scheduler._scheduler = None
    # then the grid worker has been told
    assert kinds(people["worker"]) == ["case.new_in_grid"]


def test_no_interval_no_scheduler(settings):
    settings.CASE_ESCALATION_INTERVAL_SECONDS = 0
    settings.NOTIFY_INTERVAL_SECONDS = 0
    settings.NOTIFY_SEND_INTERVAL_SECONDS = 0
    assert scheduler.start() is None
