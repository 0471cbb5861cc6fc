"""The embedded mode's in-process scheduler: periodic jobs in a thread of the web process.

Started and stopped by the server's lifespan (config/asgi.py), never at import.

Production turns it off (GONGZHI_ESCALATION_INTERVAL=0) and runs the same jobs from a
timer (`manage.py escalate_overdue`, e.g. a systemd timer or cron every minute). The same
for the inboxes: GONGZHI_NOTIFY_INTERVAL (project the outbox into the inboxes) and
GONGZHI_NOTIFY_SEND_INTERVAL (send due SMS), or `manage.py project_notifications --loop`
and `send_notifications --loop` as services. Topic phases open and close on their dates
every GONGZHI_PHASE_INTERVAL seconds, or from a timer running `manage.py
advance_topic_phases`; ballots every GONGZHI_BALLOT_INTERVAL seconds, or `manage.py
ballots_due`.
"""

import logging
from collections.abc import Callable

from apscheduler.schedulers.background import BackgroundScheduler
from django.conf import settings
from django.db import close_old_connections

log = logging.getLogger(__name__)
_scheduler: BackgroundScheduler | None = None


def _escalate() -> None:
    from feedback.escalation import escalate_overdue

    close_old_connections()
    try:
        count = escalate_overdue()
        if count:
            log.info("escalated %d overdue cases", count)
    finally:
        close_old_connections()


def _project_notifications() -> None:
    from notifications.projector import project_pending

    _quietly(project_pending)


def _send_notifications() -> None:
    from notifications.outbound import send_due

    _quietly(send_due)


def _advance_topic_phases() -> None:
    from consultation.phases import advance_due

    _quietly(advance_due)


def _compute_opinions() -> None:
    from opinions.compute import compute_due

    _quietly(compute_due)


def _ballots_due() -> None:
    from voting.services import ballots_due

    _quietly(ballots_due)


def _quietly(job) -> None:
    close_old_connections()
    try:
        job()
    finally:
        close_old_connections()


def _jobs() -> list[tuple[str, Callable[[], None], float]]:
    """(id, function, seconds) of every job whose interval is on."""
    jobs = [
        ("escalate_overdue", _escalate, settings.CASE_ESCALATION_INTERVAL_SECONDS),
        ("project_notifications", _project_notifications, settings.NOTIFY_INTERVAL_SECONDS),
        ("send_notifications", _send_notifications, settings.NOTIFY_SEND_INTERVAL_SECONDS),
        ("compute_opinions", _compute_opinions, settings.OPINION_INTERVAL_SECONDS),
        ("ballots_due", _ballots_due, settings.BALLOT_INTERVAL_SECONDS),
        (
            "advance_topic_phases",
            _advance_topic_phases,
            settings.CONSULTATION_PHASE_INTERVAL_SECONDS,
        ),
    ]
    return [job for job in jobs if job[2] > 0]


def start() -> BackgroundScheduler | None:
    """Start the scheduler once per process, if any interval is configured."""
    global _scheduler
    jobs = _jobs()
    if _scheduler is not None or not jobs:
        return _scheduler
    # APScheduler logs every run at INFO: with a job every 2 s that would fill the console
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    _scheduler = BackgroundScheduler(daemon=True)
    for job_id, function, seconds in jobs:
        _scheduler.add_job(
            function, "interval", seconds=seconds, id=job_id, max_instances=1, coalesce=True
        )
    _scheduler.start()
    return _scheduler


def stop() -> None:
    """Stop the scheduler, letting a job that is running finish."""
    global _scheduler
    running, _scheduler = _scheduler, None
    if running is not None:
        running.shutdown(wait=True)


def current() -> BackgroundScheduler | None:
    """The running scheduler of this process, if any."""
    return _scheduler
