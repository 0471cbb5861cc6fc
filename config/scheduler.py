"""The embedded mode's in-process scheduler: periodic jobs in a thread of the web process.

Started and stopped by the server's lifespan (config/asgi.py), never at import.

Production turns it off (GONGZHI_ESCALATION_INTERVAL=0) and runs the same jobs from a
timer (`manage.py escalate_overdue`, e.g. a systemd timer or cron every minute).
"""

import logging

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


def start() -> BackgroundScheduler | None:
    """Start the scheduler once per process, if an interval is configured."""
    global _scheduler
    interval = settings.CASE_ESCALATION_INTERVAL_SECONDS
    if _scheduler is not None or interval <= 0:
        return _scheduler
    _scheduler = BackgroundScheduler(daemon=True)
    _scheduler.add_job(
        _escalate,
        "interval",
        seconds=interval,
        id="escalate_overdue",
        max_instances=1,
        coalesce=True,
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
