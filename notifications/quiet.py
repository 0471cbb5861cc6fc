"""Quiet hours: a daily window of local time in which nothing is sent outside the site.

Local time is settings.TIME_ZONE (Asia/Shanghai, which has no daylight saving). A window
whose start is after its end crosses midnight (22:00–08:00); equal ends or none: no
quiet hours.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def quiet_until(
    moment: dt.datetime, start: dt.time | None, end: dt.time | None
) -> dt.datetime | None:
    """When the quiet hours that `moment` falls in end, or None when it falls outside."""
    if start is None or end is None or start == end:
        return None
    local = moment.astimezone(local_zone())
    now = local.time()
    if start < end:
        inside, ends_tomorrow = start <= now < end, False
    else:  # across midnight: the evening part ends tomorrow, the morning part today
        inside, ends_tomorrow = now >= start or now < end, now >= start
    if not inside:
        return None
    day = local.date() + dt.timedelta(days=1 if ends_tomorrow else 0)
    return dt.datetime.combine(day, end, tzinfo=local_zone())


def release_time(moment: dt.datetime, start: dt.time | None, end: dt.time | None) -> dt.datetime:
    """`moment`, or the end of the quiet hours it falls in."""
    return quiet_until(moment, start, end) or moment
