"""The outside channel: a closed case asks its reporter for a rating by SMS too — once,
to their phone, never in their quiet hours, retried when the gateway refuses and then
given up; nothing for someone without a phone or who turned SMS off."""

import datetime as dt
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from notifications.models import DeliveryPreference, OutboundMessage
from notifications.outbound import retry_pause, send_due
from notifications.projector import project_pending
from notifications.quiet import quiet_until
from tests.feedback.flows import closed, registered
from tests.notifications import senders
from tests.notifications.conftest import PHONE

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(hour: int, minute: int = 0, day: int = 0) -> dt.datetime:
    """A moment today (day=0) or tomorrow (day=1), Beijing time."""
    date = dt.datetime.now(SHANGHAI).date() + dt.timedelta(days=day)
    return dt.datetime.combine(date, dt.time(hour, minute), tzinfo=SHANGHAI)


def quiet(user, start: dt.time | None, end: dt.time | None) -> None:
    DeliveryPreference.objects.update_or_create(
        user=user, defaults={"quiet_start": start, "quiet_end": end}
    )


def test_a_closed_case_texts_its_reporter_once(people, categories, texted, sms_outbox):
    # given a case closed, the reporter with a phone and no quiet hours now
    quiet(texted, None, None)
    case = closed(people, categories)
    # when the projector and the sending job run, twice each
    project_pending()
    project_pending()
    first = send_due()
    again = send_due()
    # then one SMS went to the reporter's phone, with the number, nothing personal
    assert (first.sent, again.sent) == (1, 0)
    (message,) = sms_outbox
    assert message.phone == PHONE
    assert (
        message.text
        == f"【共治】您反映的事件 {case.number}（占道经营）已结案，请对办理结果进行评价。"
    )
    outbound = OutboundMessage.objects.get()
    assert (outbound.attempts, outbound.sent_at is not None) == (1, True)


def test_only_the_rating_request_goes_outside(people, categories, texted, sms_outbox):
    quiet(texted, None, None)
    registered(people, categories)
    project_pending()
    assert OutboundMessage.objects.count() == 0


def test_no_phone_no_outbound_message(people, categories, sms_outbox):
    closed(people, categories)
    project_pending()
    assert OutboundMessage.objects.count() == 0
    assert send_due().sent == 0


def test_sms_turned_off_sends_nothing(people, categories, texted, sms_outbox):
    DeliveryPreference.objects.create(user=texted, outside=False, quiet_start=None, quiet_end=None)
    closed(people, categories)
    project_pending()
    assert OutboundMessage.objects.count() == 0


def test_a_projector_catching_up_on_old_events_texts_nothing(
    people, categories, texted, sms_outbox
):
    quiet(texted, None, None)
    closed(people, categories)
    project_pending(now=dt.datetime.now(SHANGHAI) + dt.timedelta(days=2))
    assert OutboundMessage.objects.count() == 0


@pytest.mark.parametrize(
    ("moment", "ends"),
    [
        (at(23, 30), at(8, 0, day=1)),  # the evening part: until tomorrow morning
        (at(3, 0), at(8, 0)),  # after midnight: until this morning
        (at(22, 0), at(8, 0, day=1)),  # the start is inside
        (at(8, 0), None),  # the end is not
        (at(12, 0), None),
    ],
)
def test_quiet_hours_across_midnight(moment, ends):
    assert quiet_until(moment, dt.time(22), dt.time(8)) == ends


def test_quiet_hours_within_a_day_and_none():
    assert quiet_until(at(12, 30), dt.time(12), dt.time(14)) == at(14, 0)
    assert quiet_until(at(15, 0), dt.time(12), dt.time(14)) is None
    assert quiet_until(at(12, 30), None, None) is None
    assert quiet_until(at(12, 30), dt.time(12), dt.time(12)) is None


def test_a_message_made_in_quiet_hours_waits_until_they_end(people, categories, texted, sms_outbox):
    # given quiet hours 22:00–08:00 and a case closed at 23:30 Beijing time
    quiet(texted, dt.time(22), dt.time(8))
    closed(people, categories)
    project_pending(now=at(23, 30))
    outbound = OutboundMessage.objects.get()
    # then it waits for 08:00 the next morning: nothing at 23:45 or 07:59
    assert outbound.not_before == at(8, 0, day=1)
    assert send_due(now=at(23, 45)).sent == 0
    assert send_due(now=at(7, 59, day=1)).sent == 0
    assert sms_outbox == []
    # and goes at 08:00
    assert send_due(now=at(8, 0, day=1)).sent == 1
    assert len(sms_outbox) == 1


def test_quiet_hours_set_after_a_message_was_queued_still_hold_it(
    people, categories, texted, sms_outbox
):
    quiet(texted, None, None)
    closed(people, categories)
    project_pending(now=at(21, 0))
    quiet(texted, dt.time(22), dt.time(7))
    run = send_due(now=at(23, 0))
    assert (run.sent, run.postponed) == (0, 1)
    assert OutboundMessage.objects.get().not_before == at(7, 0, day=1)


class Recorded(logging.Handler):
    """What a logger said (the suite runs without pytest's logging plugin)."""

    def __init__(self, logger: str) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []
        logging.getLogger(logger).addHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_a_refused_sms_is_retried_with_growing_pauses_then_given_up(
    people, categories, texted, settings
):
    # given a gateway that refuses everything
    settings.SMS_SENDER = "tests.notifications.senders.RefusingSender"
    senders.tried.clear()
    quiet(texted, None, None)
    closed(people, categories)
    project_pending(now=at(10, 0))
    now = at(10, 0)
    log = Recorded("notifications.outbound")
    # when the sending job runs at each due time
    runs, pauses = [], []
    for _attempt in range(settings.NOTIFY_MAX_ATTEMPTS):
        assert send_due(now=now - dt.timedelta(seconds=1)).failed == 0  # not due yet
        runs.append(send_due(now=now))
        next_try = OutboundMessage.objects.get().not_before
        pauses.append((next_try - now).total_seconds())
        now = next_try
    # then it was tried NOTIFY_MAX_ATTEMPTS times, 1, 2, 4 … minutes apart, then given up
    outbound = OutboundMessage.objects.get()
    assert [r.failed for r in runs[:-1]] == [1] * (settings.NOTIFY_MAX_ATTEMPTS - 1)
    assert runs[-1].gave_up == 1
    assert outbound.attempts == settings.NOTIFY_MAX_ATTEMPTS
    assert outbound.gave_up_at is not None and outbound.sent_at is None
    assert outbound.last_error == "网关拒绝：余额不足"
    assert senders.tried == [PHONE] * settings.NOTIFY_MAX_ATTEMPTS
    logging.getLogger("notifications.outbound").removeHandler(log)
    assert any("given up after 5 attempts" in line for line in log.lines)
    assert pauses[:-1] == [60, 120, 240, 480]
    assert retry_pause(1) == settings.NOTIFY_RETRY_SECONDS
    # and a working gateway later does not bring it back
    settings.SMS_SENDER = "accounts.sms.MemorySender"
    assert send_due(now=now + dt.timedelta(days=1)).sent == 0


def test_a_message_is_sent_to_the_phone_on_file_when_it_is_sent(
    people, categories, texted, sms_outbox
):
    quiet(texted, None, None)
    closed(people, categories)
    project_pending()
    texted.phone = "13900001111"
    texted.save(update_fields=["phone"])
    send_due()
    assert [m.phone for m in sms_outbox] == ["13900001111"]


@pytest.mark.django_db(transaction=True)
def test_two_sending_jobs_at_once_send_a_message_once(people, categories, texted, settings):
    # given a due message and a gateway that is slow to answer
    settings.SMS_SENDER = "tests.notifications.senders.SlowSender"
    senders.delivered.clear()
    quiet(texted, None, None)
    closed(people, categories)
    project_pending()
    # when two sending jobs (two processes, say) run at the same moment
    start = threading.Barrier(2)

    def job():
        start.wait()
        try:
            return send_due()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = list(pool.map(lambda _: job(), range(2)))
    # then the phone got one SMS
    assert senders.delivered == [PHONE]
    assert sorted(run.sent for run in runs) == [0, 1]
    assert OutboundMessage.objects.get().attempts == 1
