"""An account's posting frequency over the last days, as points for an inline SVG sparkline.

The values come from the checks' own observations: for Weibo and WeChat the ``posts``
observation's ``count_7d`` (posts in the 7 days before each check), for websites the home page's
``dated_items``. A day without a good observation is a gap, never a zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediawatch import clock
from mediawatch.checkers.base import PRIMARY_KIND
from mediawatch.store.models import Observation

FIELD = {"website": "dated_items", "weibo": "count_7d", "wechat": "count_7d"}
WIDTH, HEIGHT = 240, 40


@dataclass
class Sparkline:
    field: str
    days: int
    values: list[tuple[str, int | None]]  # (YYYY-MM-DD, value or None), oldest first
    segments: list[str]  # SVG polyline point lists, one per run of days without a gap
    latest: int | None
    peak: int

    @property
    def width(self) -> int:
        return WIDTH

    @property
    def height(self) -> int:
        return HEIGHT


def build(session: Session, account_pk: int, platform: str, now: datetime, days: int) -> Sparkline:
    kind = PRIMARY_KIND.get(platform, "posts")
    field = FIELD.get(platform, "count_7d")
    start = now - timedelta(days=days)
    per_day: dict[str, int] = {}
    for as_of, ok, data in session.execute(
            select(Observation.as_of, Observation.ok, Observation.data)
            .where(Observation.account_pk == account_pk, Observation.kind == kind, Observation.as_of > start)
            .order_by(Observation.as_of)):
        value = (data or {}).get(field)
        if ok and isinstance(value, int):
            per_day[clock.local(as_of).date().isoformat()] = value
    first = clock.local(start).date()
    values = [((first + timedelta(days=i + 1)).isoformat(), None) for i in range(days)]
    values = [(day, per_day.get(day)) for day, _ in values]
    peak = max((v for _, v in values if v is not None), default=0)
    step = WIDTH / max(1, days - 1)
    segments, current = [], []
    for i, (_, value) in enumerate(values):
        if value is None:
            if current:
                segments.append(" ".join(current))
            current = []
            continue
        y = HEIGHT - 2 - (value / peak * (HEIGHT - 4) if peak else 0)
        current.append(f"{i * step:.1f},{y:.1f}")
    if current:
        segments.append(" ".join(current))
    latest = next((v for _, v in reversed(values) if v is not None), None)
    return Sparkline(field=field, days=days, values=values, segments=segments, latest=latest, peak=peak)
