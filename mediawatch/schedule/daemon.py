"""The daemon: APScheduler with its job store in the same database.

Jobs: the daily check (then notices), availability probes ``schedule.probes_per_day`` times a day,
and the previous month's bulletin on ``schedule.bulletin_day``. Missed runs are coalesced and run
once at start (a missed bulletin included); one instance of each job at a time. A second daemon
on the same database refuses to start. SIGTERM lets the account in hand finish and commit.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import datetime, timedelta

from sqlalchemy import delete, inspect, text
from sqlalchemy.exc import IntegrityError

from mediawatch import clock
from mediawatch.app import App
from mediawatch.errors import AlreadyRunning
from mediawatch.schedule.cycle import bulletin_due, run_cycle, run_probes, send_notices, write_bulletin
from mediawatch.store.models import DaemonLock

log = logging.getLogger("mediawatch.daemon")

LOCK = "daemon"
JOBS_TABLE = "apscheduler_jobs"
HEARTBEAT_SECONDS = 30
STALE_AFTER = timedelta(seconds=HEARTBEAT_SECONDS * 4)

# Jobs in a persistent store are module-level functions; they find the daemon's state here.
_state: dict[str, object] = {}


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _alive_here(holder: str) -> bool:
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True  # another machine: trust its heartbeat
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def acquire_lock(app: App) -> str:
    me = holder_name()
    now = clock.now()
    with app.store.session() as session:
        current = session.get(DaemonLock, LOCK)
        if current is not None:
            fresh = now - current.heartbeat_at < STALE_AFTER
            if current.holder != me and fresh and _alive_here(current.holder):
                raise AlreadyRunning(
                    f"another mediawatch daemon ({current.holder}, running since "
                    f"{clock.iso(current.acquired_at)}) holds this database; stop it first, or wait "
                    f"{int(STALE_AFTER.total_seconds())} s if it died")
            session.delete(current)
            session.flush()
        try:
            session.add(DaemonLock(name=LOCK, holder=me, acquired_at=now, heartbeat_at=now))
            session.flush()
        except IntegrityError:
            raise AlreadyRunning("another mediawatch daemon took the lock at the same moment") from None
    return me


def heartbeat(app: App, me: str) -> None:
    with app.store.session() as session:
        lock = session.get(DaemonLock, LOCK)
        if lock is not None and lock.holder == me:
            lock.heartbeat_at = clock.now()


def release_lock(app: App, me: str) -> None:
    with app.store.session() as session:
        session.execute(delete(DaemonLock).where(DaemonLock.name == LOCK, DaemonLock.holder == me))


def _app() -> App:
    return _state["app"]  # type: ignore[return-value]


def _stop() -> threading.Event:
    return _state["stop"]  # type: ignore[return-value]


def job_daily_check() -> None:
    started = clock.monotonic()
    spread = _app().config.schedule.spread_minutes * 60
    report = run_cycle(_app(), stop=_stop(), probe=False, bulletin=False, spread_seconds=spread)
    log.info("daily check done in %.0f s: %s", clock.monotonic() - started, "; ".join(report.lines()))
    if report.check is not None:
        schedule_retry([f["account_id"] for f in report.check.failures], attempt=1)


def schedule_retry(account_ids: list[str], attempt: int) -> None:
    """check_failed accounts (blocked, our network) are checked again later, with backoff."""
    retry = _app().config.schedule
    scheduler = _state.get("scheduler")
    if not account_ids or scheduler is None or attempt > retry.retry_attempts:
        return
    wait = timedelta(minutes=retry.retry_first_minutes * 2 ** (attempt - 1))
    log.info("%d check_failed account(s) retried in %s (attempt %d of %d)", len(account_ids), wait, attempt,
             retry.retry_attempts)
    scheduler.add_job(job_retry, "date", run_date=clock.now() + wait, args=[account_ids, attempt],
                      jobstore="memory", id=f"retry-{attempt}", replace_existing=True)


def job_retry(account_ids: list[str], attempt: int) -> None:
    from mediawatch.runner import run_check

    report = run_check(_app(), account_ids=account_ids, stop=_stop())
    log.info("retry %d: %s", attempt, report.summary())
    schedule_retry([f["account_id"] for f in report.failures], attempt + 1)


def job_probe() -> None:
    log.info("probe: %s", run_probes(_app()))


def job_bulletin() -> None:
    month = bulletin_due(_app())
    if month:
        log.info("bulletin written: %s", write_bulletin(_app(), month))


def job_heartbeat() -> None:
    heartbeat(_app(), _state["holder"])  # type: ignore[arg-type]


def job_notices() -> None:
    log.info("notices: %s", send_notices(_app()))


def job_outreach() -> None:
    from mediawatch.schedule.cycle import send_outreach

    log.info("outreach: %s", send_outreach(_app()))


def missed_runs(app: App) -> dict[str, datetime]:
    """The stored jobs whose next run time has passed: runs missed while the daemon was down."""
    with app.store.engine.connect() as conn:
        if not inspect(conn).has_table(JOBS_TABLE):
            return {}
        rows = conn.execute(text(f"SELECT id, next_run_time FROM {JOBS_TABLE}")).all()
    now = clock.now()
    found = {}
    for job_id, stamp in rows:
        if stamp is not None and datetime.fromtimestamp(stamp, clock.UTC) < now:
            found[job_id] = datetime.fromtimestamp(stamp, clock.UTC)
    return found


def build_scheduler(app: App):
    from apscheduler.jobstores.memory import MemoryJobStore
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    schedule = app.config.schedule
    hour, minute = (int(x) for x in schedule.daily_check_time.split(":"))
    # re-adding a stored job would give it a fresh next run time and lose a missed run: keep it, so
    # the scheduler runs it once (coalesced) at start
    missed = missed_runs(app)
    for job_id, at in missed.items():
        log.info("missed while the daemon was down: %s (due %s); running it now", job_id, clock.iso(at))
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=app.store.engine, tablename=JOBS_TABLE),
                   "memory": MemoryJobStore()},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        timezone=clock.SHANGHAI,
    )

    def kept(job_id: str) -> dict:
        return {"next_run_time": missed[job_id]} if job_id in missed else {}

    scheduler.add_job(job_daily_check, CronTrigger(hour=hour, minute=minute, timezone=clock.SHANGHAI),
                      id="daily_check", replace_existing=True, **kept("daily_check"))
    scheduler.add_job(job_probe, IntervalTrigger(minutes=max(1, 1440 // schedule.probes_per_day),
                                                 timezone=clock.SHANGHAI), id="probe", replace_existing=True,
                      **kept("probe"))
    scheduler.add_job(job_bulletin, CronTrigger(day=schedule.bulletin_day, hour=6, timezone=clock.SHANGHAI),
                      id="bulletin", replace_existing=True, **kept("bulletin"))
    # issue 17: IM held by the quiet hours goes out when they end (reminders, escalations, IM notices)
    quiet_h, quiet_m = (int(x) for x in app.config.channels.quiet_end.split(":"))
    scheduler.add_job(job_outreach, CronTrigger(hour=quiet_h, minute=quiet_m, timezone=clock.SHANGHAI),
                      id="outreach", replace_existing=True, **kept("outreach"))
    scheduler.add_job(job_heartbeat, IntervalTrigger(seconds=HEARTBEAT_SECONDS), id="heartbeat",
                      jobstore="memory", replace_existing=True)
    return scheduler


def run_daemon(app: App, stop: threading.Event) -> None:
    me = acquire_lock(app)
    _state.update(app=app, stop=stop, holder=me)
    scheduler = build_scheduler(app)
    _state["scheduler"] = scheduler
    log.info("daemon %s started; daily check at %s, %d probes a day, bulletin on day %d", me,
             app.config.schedule.daily_check_time, app.config.schedule.probes_per_day, app.config.schedule.bulletin_day)
    try:
        # a bulletin missed while the daemon was down is written now, not next month
        job_bulletin()
        if not stop.is_set():
            scheduler.start()
            stop.wait()  # the jobs run in the scheduler's threads; SIGTERM/SIGINT set ``stop``
            log.info("stopping: letting the account in hand finish")
            scheduler.shutdown(wait=True)
    finally:
        release_lock(app, me)
        log.info("daemon %s stopped", me)
