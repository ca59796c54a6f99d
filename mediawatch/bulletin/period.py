"""A bulletin's month: local (Asia/Shanghai) calendar month as a half-open interval [start, end)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from mediawatch import clock
from mediawatch.errors import BadInput

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return self.shift(1).first_day - timedelta(days=1)

    @property
    def start(self) -> datetime:
        return clock.start_of_local_day(self.first_day)

    @property
    def end(self) -> datetime:
        """The first instant of the next month (exclusive)."""
        return self.shift(1).start

    def shift(self, months: int) -> "Month":
        index = self.year * 12 + (self.month - 1) + months
        return Month(index // 12, index % 12 + 1)

    def previous(self) -> "Month":
        return self.shift(-1)

    def __str__(self) -> str:
        return self.key


def parse_month(text: str) -> Month:
    match = MONTH.match((text or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise BadInput(f"--month: {text!r} is not a month as YYYY-MM (e.g. 2026-10)")
    if int(match.group(1)) not in clock.VALID_YEARS:
        raise BadInput(f"--month: {text!r} is outside the years mediawatch handles "
                       f"({clock.VALID_YEARS.start}-{clock.VALID_YEARS.stop - 1})")
    return Month(int(match.group(1)), int(match.group(2)))


def month_of(value: datetime) -> Month:
    local = clock.local(value)
    return Month(local.year, local.month)
