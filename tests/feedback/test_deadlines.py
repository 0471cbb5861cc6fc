import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from feedback.deadlines import add_working_days, add_working_hours, is_workday
from feedback.models import CalendarOverride

SH = ZoneInfo("Asia/Shanghai")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


pytestmark = pytest.mark.django_db


def test_the_tiaoxiu_saturday_before_spring_festival_is_a_working_day():
    assert is_workday(dt.date(2026, 2, 14))  # Saturday, 调休
    assert not is_workday(dt.date(2026, 2, 16))  # Monday, Spring Festival


def test_hours_run_over_the_lunch_break():
    # 11:00 + 2 h = 12:00 (1 h), lunch until 13:30, then 1 h → 14:30
    assert add_working_hours(at(2026, 3, 3, 11, 0), 2) == at(2026, 3, 3, 14, 30)


def test_a_day_reported_friday_afternoon_ends_on_the_tiaoxiu_saturday():
    # Fri 13 Feb 16:00: 1.5 h left that day, then Sat 14 Feb (调休) 3 h + 2.5 h
    assert add_working_days(at(2026, 2, 13, 16, 0), 1) == at(2026, 2, 14, 16, 0)


def test_spring_festival_holiday_is_skipped_entirely():
    # Sat 14 Feb 16:00 (调休): 1.5 h, then nothing until Tue 24 Feb: 3 h + 2.5 h
    assert add_working_days(at(2026, 2, 14, 16, 0), 1) == at(2026, 2, 24, 16, 0)


def test_a_report_at_night_starts_counting_next_morning():
    assert add_working_hours(at(2026, 3, 3, 22, 0), 2) == at(2026, 3, 4, 11, 0)


def test_an_ordinary_weekend_is_skipped():
    # Fri 6 Mar 2026 17:00 + 1 h → Mon 9 Mar 09:30
    assert add_working_hours(at(2026, 3, 6, 17, 0), 1) == at(2026, 3, 9, 9, 30)


def test_a_calendar_override_closes_an_office_day():
    CalendarOverride.objects.create(date=dt.date(2026, 3, 9), is_workday=False, note="停电")
    assert add_working_hours(at(2026, 3, 6, 17, 0), 1) == at(2026, 3, 10, 9, 30)


def test_years_the_calendar_does_not_know_fall_back_to_weekdays():
    # the package stops at 2026; 2027-01-04 is a Monday
    assert is_workday(dt.date(2027, 1, 4))
    assert not is_workday(dt.date(2027, 1, 9))
