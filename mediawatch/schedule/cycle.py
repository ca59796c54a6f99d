"""One full cycle: probe, check (rules and warnings inside), notices, and the bulletin when due.

What ``mediawatch run --once`` does, what the daemon's jobs call, and what the demo replays.
A bulletin is due when the previous month has none yet and today is on or after ``schedule.bulletin_day``
(so a bulletin missed while the daemon was down is written at the next cycle).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from mediawatch import clock
from mediawatch.app import App
from mediawatch.store.models import Bulletin

log = logging.getLogger("mediawatch.cycle")


@dataclass
class CycleReport:
    probe: dict | None = None
    check: object | None = None
    notices: object | None = None
    outreach: object | None = None
    bulletin: str | None = None
    errors: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = []
        if self.probe is not None:
            out.append(f"probe: {self.probe}")
        if self.check is not None:
            out.append(self.check.summary())
        if self.notices is not None:
            out.append(f"notices: {self.notices}")
        if self.outreach is not None:
            out.append(f"outreach: {self.outreach}")
        if self.bulletin:
            out.append(f"bulletin: {self.bulletin}")
        out.extend(f"error: {e}" for e in self.errors)
        return out


def previous_month(day: date) -> str:
    first = day.replace(day=1)
    year, month = (first.year, first.month - 1) if first.month > 1 else (first.year - 1, 12)
    return f"{year:04d}-{month:02d}"


def bulletin_due(app: App) -> str | None:
    """The month whose bulletin should be written now, or None."""
    today = clock.today()
    if today.day < app.config.schedule.bulletin_day:
        return None
    month = previous_month(today)
    with app.store.session() as session:
        written = session.scalar(select(Bulletin.id).where(Bulletin.month == month).limit(1))
    return None if written else month


def run_probes(app: App, fetcher=None) -> dict:
    from mediawatch.transport.fetcher import Fetcher
    from mediawatch.probes import run_probes as probe_all

    return probe_all(app.store, app.config, clock.now(), fetcher or Fetcher(app.config))


def send_notices(app: App):
    from mediawatch.notices import prepare_and_send

    return prepare_and_send(app, send=bool(app.config.smtp.host))


def send_outreach(app: App):
    from mediawatch.outreach import run_outreach

    return run_outreach(app, send=True)


def write_bulletin(app: App, month: str) -> str:
    from mediawatch.bulletin import write_bulletin as write

    return str(write(app, month))


def run_cycle(app: App, *, stop: threading.Event | None = None, progress=None, probe: bool = True,
              check: bool = True, notices: bool = True, bulletin: bool = True, fetcher=None,
              spread_seconds: float = 0.0, check_wait: float = 0.0) -> CycleReport:
    """Each step runs even when an earlier one failed; a failure is logged and reported, not raised."""
    from mediawatch.runner import run_check

    report = CycleReport()
    steps = []
    if probe:
        steps.append(("probe", lambda: setattr(report, "probe", run_probes(app, fetcher))))
    if check:
        steps.append(("check", lambda: setattr(report, "check", run_check(
            app, stop=stop, progress=progress, fetcher=fetcher, spread_seconds=spread_seconds, wait=check_wait))))
    if notices:
        steps.append(("notices", lambda: setattr(report, "notices", send_notices(app))))
    if notices:  # issue 17: reminders, escalations, IM notices (mail only with smtp.host, IM outside quiet hours)
        steps.append(("outreach", lambda: setattr(report, "outreach", send_outreach(app))))
    if bulletin:
        def write_if_due():
            month = bulletin_due(app)
            if month:
                report.bulletin = write_bulletin(app, month)
        steps.append(("bulletin", write_if_due))
    for name, step in steps:
        if stop is not None and stop.is_set():
            break
        started = clock.monotonic()
        try:
            step()
        except Exception as exc:  # noqa: BLE001 - one failing step never stops the others
            log.exception("%s failed", name)
            report.errors.append(f"{name}: {exc.__class__.__name__}: {exc}")
        log.info("%s finished in %.1f s", name, clock.monotonic() - started)
    return report
