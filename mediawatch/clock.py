"""The one clock. Nothing else in mediawatch reads the system time.

``--now`` / ``MEDIAWATCH_NOW`` fix it for every command (replaying an inspection as of a date).
All datetimes are aware; storage is UTC, display is Asia/Shanghai.
"""

from __future__ import annotations

import time as _time
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = timezone.utc

_fixed: datetime | None = None


VALID_YEARS = range(2000, 2100)  # --now and --month outside these are input errors, not dates to compute with


def parse_datetime(text: str, *, default_tz=SHANGHAI) -> datetime:
    """Parse ISO 8601 (a bare date is midnight); a value without offset is read in ``default_tz``."""
    text = text.strip()
    if not text:
        raise ValueError("empty date/time")
    value = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=default_tz)
    return value


def set_now(value: datetime | str | None) -> None:
    """Fix the clock (``None`` lets it run again)."""
    global _fixed
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and value.tzinfo is None:
        raise ValueError("the clock takes aware datetimes only")
    _fixed = value


def is_fixed() -> bool:
    return _fixed is not None


def now() -> datetime:
    """The current time, aware (UTC unless the fixed value carries its own offset)."""
    if _fixed is not None:
        return _fixed
    return datetime.now(UTC)


def wall_time() -> float:
    """The real time in seconds since the epoch, whatever ``--now`` says: only for what another
    system checks against its own clock (the IM platforms' signature timestamps), never a point
    in mediawatch's own records."""
    return wall().timestamp()


def wall() -> datetime:
    """The machine's real time even when ``--now`` fixes the clock: only for what processes tell
    each other (lock heartbeats), never for what a check sees or records as its time."""
    return datetime.now(UTC)


def monotonic() -> float:
    """For measuring durations only (never a point in time)."""
    return _time.monotonic()


def sleep(seconds: float) -> None:
    if seconds > 0:
        _time.sleep(seconds)


def local(value: datetime) -> datetime:
    """The same instant in Asia/Shanghai, for display."""
    return value.astimezone(SHANGHAI)


def today() -> date:
    """Today's date in Asia/Shanghai."""
    return local(now()).date()


def start_of_local_day(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)


def days_between(earlier: datetime, later: datetime) -> float:
    return (later - earlier) / timedelta(days=1)


def iso(value: datetime | None) -> str | None:
    """ISO 8601 with offset, in Asia/Shanghai (what JSON output carries)."""
    return None if value is None else local(value).isoformat(timespec="seconds")
