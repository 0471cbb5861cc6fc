"""Deadlines in working time: office hours on working days.

Working days are China's: weekends off except the make-up working days (调休), statutory
holidays off, from the chinese-calendar package; the CalendarOverride table corrects it
or extends it past the years the package knows (it raises for those, and then we fall
back to Monday–Friday).
"""

import datetime as dt
from functools import lru_cache

import chinese_calendar
from django.conf import settings
from django.utils import timezone

from feedback.models import CalendarOverride
from infra.memo import Memo

_MAX_DAYS = 3660  # a deadline more than ten years out is a configuration error


def is_workday(day: dt.date, overrides: dict[dt.date, bool] | None = None) -> bool:
    override = (calendar_overrides() if overrides is None else overrides).get(day)
    if override is not None:
        return override
    return _statutory_workday(day)


@lru_cache(maxsize=4096)
def _statutory_workday(day: dt.date) -> bool:
    """The installed calendar's answer, fixed for its version: a deadline walks its days
    one by one, and chinese-calendar checks its arguments on every call."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


# The override table, read by every deadline; edited a few times a year.
overrides_memo: Memo[dict[dt.date, bool]] = Memo("calendar", seconds=60)


def calendar_overrides() -> dict[dt.date, bool]:
    """The CalendarOverride table as {date: is_workday}."""
    return overrides_memo.get(
        "overrides", lambda: dict(CalendarOverride.objects.values_list("date", "is_workday"))
    )


def forget_calendar_overrides_on_commit() -> None:
    """Every write of a CalendarOverride calls this."""
    overrides_memo.forget_on_commit("overrides")


@lru_cache(maxsize=8)
def _periods(spec: tuple[tuple[str, str], ...]) -> tuple[tuple[dt.time, dt.time], ...]:
    return tuple((dt.time.fromisoformat(a), dt.time.fromisoformat(b)) for a, b in spec)


def office_periods() -> tuple[tuple[dt.time, dt.time], ...]:
    return _periods(tuple(tuple(p) for p in settings.OFFICE_HOURS))


def hours_per_day() -> float:
    seconds = sum(_seconds(a, b) for a, b in office_periods())
    return seconds / 3600


def _seconds(a: dt.time, b: dt.time) -> float:
    return (dt.datetime.combine(dt.date.min, b) - dt.datetime.combine(dt.date.min, a)).seconds


def add_working_hours(
    start: dt.datetime, hours: float, overrides: dict[dt.date, bool] | None = None
) -> dt.datetime:
    """The moment `hours` of office time after `start`. A caller computing many deadlines
    passes the CalendarOverride table once as `overrides` instead of a query per call."""
    tz = timezone.get_current_timezone()
    local = timezone.localtime(start, tz)
    remaining = dt.timedelta(hours=hours)
    overrides = calendar_overrides() if overrides is None else overrides
    day = local.date()
    for _ in range(_MAX_DAYS):
        if is_workday(day, overrides):
            for opens, closes in office_periods():
                begin = max(local, dt.datetime.combine(day, opens, tz))
                end = dt.datetime.combine(day, closes, tz)
                if begin >= end:
                    continue
                if remaining <= end - begin:
                    return begin + remaining
                remaining -= end - begin
        day += dt.timedelta(days=1)
    raise ValueError("deadline too far in the future")


def add_working_days(
    start: dt.datetime, days: float, overrides: dict[dt.date, bool] | None = None
) -> dt.datetime:
    """`days` working days of office time after `start` (a day is one office day)."""
    return add_working_hours(start, days * hours_per_day(), overrides)


def working_hours_between(
    start: dt.datetime, end: dt.datetime, overrides: dict[dt.date, bool] | None = None
) -> float:
    """Office time from `start` to `end` in hours (0 if `end` is not later): the inverse
    of `add_working_hours`, on the same calendar and office periods."""
    tz = timezone.get_current_timezone()
    begin, finish = timezone.localtime(start, tz), timezone.localtime(end, tz)
    overrides = calendar_overrides() if overrides is None else overrides
    seconds = 0.0
    day = begin.date()
    while day <= finish.date():
        if is_workday(day, overrides):
            for opens, closes in office_periods():
                low = max(begin, dt.datetime.combine(day, opens, tz))
                high = min(finish, dt.datetime.combine(day, closes, tz))
                seconds += max((high - low).total_seconds(), 0.0)
        day += dt.timedelta(days=1)
    return seconds / 3600
