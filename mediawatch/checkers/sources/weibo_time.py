"""Weibo's ``created_at`` in every form the platform has used, read relative to the check's "now".

    Sat Nov 21 10:00:00 +0800 2026   the current API (absolute, with offset)
    刚刚 / N秒前 / N分钟前 / N小时前     relative to now
    今天 10:00 / 昨天 10:00 / 前天 10:00
    N天前
    11-20 / 11-20 10:00               this year (last year when that would be in the future)
    2025-11-20 / 2025-11-20 10:00     older posts

Relative forms are read in Asia/Shanghai, as the platform writes them. A date without a time is
read as the end of that day (never after now): the post was out by then at the latest, so it is
never judged older than it is. Unknown forms raise ValueError.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from mediawatch.clock import SHANGHAI

# "Sat Nov 21 10:00:00 +0800 2026", read by hand: strptime's %a/%b follow the process locale.
_ABSOLUTE = re.compile(r"^[A-Za-z]{3}\s+([A-Za-z]{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})\s+"
                       r"([+-])(\d{2}):?(\d{2})\s+(\d{4})$")
_MONTHS = {name: i for i, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_AGO = re.compile(r"^(\d+)\s*(秒|分钟|小时|天)前$")
_DAY_WORD = re.compile(r"^(今天|昨天|前天)\s*(\d{1,2}):(\d{2})$")
_MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?$")
_FULL_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_UNITS = {"秒": "seconds", "分钟": "minutes", "小时": "hours", "天": "days"}
_DAYS_BACK = {"今天": 0, "昨天": 1, "前天": 2}


def parse_weibo_time(text: str, now: datetime) -> datetime:
    """An aware datetime for ``text``; ``now`` must be aware."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    value = " ".join(str(text).split())
    if not value:
        raise ValueError("empty created_at")
    local_now = now.astimezone(SHANGHAI)
    if value == "刚刚":
        return local_now
    match = _ABSOLUTE.match(value)
    if match:
        return _absolute(match)
    match = _AGO.match(value)
    if match:
        return local_now - timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    match = _DAY_WORD.match(value)
    if match:
        day = local_now.date() - timedelta(days=_DAYS_BACK[match.group(1)])
        return datetime(day.year, day.month, day.day, int(match.group(2)), int(match.group(3)), tzinfo=SHANGHAI)
    match = _MONTH_DAY.match(value)
    if match:
        month, day = int(match.group(1)), int(match.group(2))
        year = local_now.year
        if (month, day) > (local_now.month, local_now.day):  # "12-30" read on 2 January is last year's
            year -= 1
        if match.group(3) is None:
            return _end_of_day(year, month, day, local_now)
        return datetime(year, month, day, int(match.group(3)), int(match.group(4)), tzinfo=SHANGHAI)
    match = _FULL_DATE.match(value)
    if match:
        year, month, day, hour, minute, second = match.groups()
        if hour is None:
            return _end_of_day(int(year), int(month), int(day), local_now)
        return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0), tzinfo=SHANGHAI)
    raise ValueError(f"unknown Weibo time {text!r}")


def _end_of_day(year: int, month: int, day: int, local_now: datetime) -> datetime:
    """A date without a time is read as the latest instant it can mean (never after now), so a
    date-only post never looks older than it is."""
    return min(datetime(year, month, day, 23, 59, 59, tzinfo=SHANGHAI), local_now)


def _absolute(match: re.Match[str]) -> datetime:
    month_name, day, hour, minute, second, sign, off_h, off_m, year = match.groups()
    month = _MONTHS.get(month_name.lower())
    if month is None:
        raise ValueError(f"unknown month {month_name!r}")
    offset = timedelta(hours=int(off_h), minutes=int(off_m)) * (1 if sign == "+" else -1)
    when = datetime(int(year), month, int(day), int(hour), int(minute), int(second), tzinfo=timezone(offset))
    return when.astimezone(SHANGHAI)
