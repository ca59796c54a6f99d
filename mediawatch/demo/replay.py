"""The demo's year: a clean demo home, the district's registry imported, then every day replayed.

Each simulated day the clock (``mediawatch.clock``) is set to the day's times in turn and the real
pipeline runs, as the daemon would run it: at 02:00 one full cycle (``run_cycle``: an availability
probe, the check with its rules and warnings, notices, and the previous month's bulletin when it is
due), then availability probes at 08:00, 14:00 and 20:00 (four a day: 28 in the ``unavailable``
rule's 7 days, above its 20-probe minimum). The simulations follow the same clock.

The demo home holds ``mediawatch.toml``, ``accounts.csv``, ``columns.csv``, ``mediawatch.db`` and
``reports/``, plus a marker file: a folder holding a database the demo did not write is refused,
and a demo home is cleared (database and reports) before the demo runs again.
"""

from __future__ import annotations

import csv
import gc
import logging
import shutil
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Callable

from sqlalchemy import func, select

from mediawatch import clock
from mediawatch.app import App
from mediawatch.config import CONFIG_FILE
from mediawatch.demo.district import ACCOUNT_COLUMNS, COLUMN_COLUMNS, District
from mediawatch.demo.remote import RemoteDistrict
from mediawatch.errors import BadInput
from mediawatch.store import DB_FILE, default_url
from mediawatch.store.models import AccountCheck, Bulletin, CheckRun, Warning

MARKER = ".mediawatch-demo"
CHECK_AT = time(2, 0)  # the daily cycle (schedule.daily_check_time)
PROBES_AT = (time(8, 0), time(14, 0), time(20, 0))  # more probes; the cycle itself probes at 02:00
CONFIG = """\
# The mediawatch demo's configuration: every address is the simulation on 127.0.0.1.
# `mediawatch demo` rewrites this file (and clears this folder's database) each time it runs.

[office]
name = "XX区人民政府办公室"
email = "zwgk@demo.example.gov.cn"

[http]
allow_private_addresses = true   # the simulated district lives on loopback
timeout_seconds = 1              # short: a failing probe costs little (19号 says 15 s)
retries = 1
backoff_seconds = 0.05
account_workers = 3              # 28 accounts on loopback: 3 at a time keep the second core's simulation busy

[crawl]
max_pages = 6                    # inner pages per site: the column pages and the newest articles
link_workers = 2                 # link checks in flight at once on the run's event loop (the demo's sites are small)

[canary]
urls = ["{canary}"]

[weibo]
api_base = "{weibo}"
visitor_base = "{weibo}"
delay_seconds = 0.0
lookback_days = 15               # just over the two-week rule: fewer timeline pages a day

[wechat]
delay_seconds = 0.0
lookback_days = 15

[schedule]
probes_per_day = 4

# issue 17: screenshots of a bounded few warnings (each costs a browser start and a page load)
[evidence]
rules = ["homepage_not_updated", "severe_typo", "blank_column"]
max_per_run = 2
timeout_seconds = 10
"""

Progress = Callable[[str, int, int], None]
log = logging.getLogger("mediawatch.demo")


@dataclass
class DemoResult:
    home: Path
    start: date
    end: date
    days: int
    completed_days: int
    seconds: float
    cleared: bool
    websites: int
    weibo: int
    wechat: int
    bulletin: Path | None
    bulletins: list[str]
    notices_dir: Path
    notice_files: int
    runs: dict[str, int]
    check_failed: int
    opened: int
    resolved: int
    open_now: int
    overdue: int
    by_rule: dict[str, int]
    closure: list[dict]
    closure_rule: tuple[int, int] = (3, 365)  # more than this many warnings within this many days
    console_users: list[tuple[str, str, str | None, str]] = field(default_factory=list)  # name, role, unit, password
    owners: tuple[str, ...] = ()  # issue 17: reminders, feedback, 报备, screenshots, escalations

    @property
    def stopped_early(self) -> bool:
        return self.completed_days < self.days

    def lines(self) -> list[str]:
        """What the demo prints when it is done."""
        home = self.home
        out = [f"mediawatch demo: a simulated district on 127.0.0.1 with {self.websites} websites, {self.weibo} Weibo "
               f"and {self.wechat} WeChat accounts (registry: {home / 'accounts.csv'}, {home / 'columns.csv'})"]
        out.append(("started from a clean demo database (the previous demo's database and reports were removed): "
                    if self.cleared else "started from a clean demo database: ") + str(home / DB_FILE))
        out.append(f"replayed {self.completed_days} of {self.days} days, {self.start} to {self.end}, in "
                   f"{self.seconds:.0f} s: each day a full cycle at 02:00 (probe, check, rules, notices, bulletin when "
                   f"due) and probes at 08:00, 14:00 and 20:00 ({self.runs.get('check', 0)} check runs, "
                   f"{self.runs.get('probe', 0)} probe runs)")
        out.append(f"warnings: {self.opened} opened, {self.resolved} resolved, {self.open_now} still open "
                   f"({self.overdue} overdue)")
        if self.by_rule:
            out.append("  by rule: " + ", ".join(f"{rule} {n}" for rule, n in self.by_rule.items()))
        out.append(f"check_failed: {self.check_failed} account checks (the platform refused us: recorded, "
                   "never a warning)")
        if self.closure:
            out.append(f"closure candidates (more than {self.closure_rule[0]} warnings within {self.closure_rule[1]} "
                       "days; the office decides):")
            out.extend(f"  {c['account_id']} {c['name']} ({c['owner_unit']}): {c['warnings_12m']} warnings"
                       for c in self.closure)
        else:
            out.append("closure candidates: none")
        out.append(f"notices: {self.notice_files} written to {self.notices_dir}/ (a folder per day; the demo "
                   "sends no mail)")
        out.extend(self.owners)
        if self.bulletins:
            months = self.bulletins[0] if len(self.bulletins) == 1 else f"{self.bulletins[0]} to {self.bulletins[-1]}"
            out.append(f"bulletins: {len(self.bulletins)} written ({months})")
        if self.bulletin is not None:
            out.append(f"the last full month's bulletin: {self.bulletin} (annex.xlsx and annex.csv beside it)")
        from mediawatch.demo.console_users import console_lines

        out.extend(console_lines(home, self.console_users))
        out.append("every simulation server has stopped. Look around with, for example:")
        out.append(f"  mediawatch --home {home} warnings --status all")
        out.append(f"  mediawatch --home {home} closure")
        return out


def prepare_home(home: Path) -> bool:
    """Make ``home`` a clean demo home; True when an earlier demo's database was cleared."""
    home.mkdir(parents=True, exist_ok=True)
    marker = home / MARKER
    if not marker.exists():
        found = [name for name in (DB_FILE, CONFIG_FILE, "reports") if (home / name).exists()]
        if found:
            raise BadInput(f"{home} already holds {', '.join(found)}, not written by the demo; run the demo in a "
                           "folder of its own, e.g. `mediawatch --home demo-home demo`")
    cleared = (home / DB_FILE).exists()
    for suffix in ("", "-wal", "-shm", "-journal"):
        (home / f"{DB_FILE}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(home / "reports", ignore_errors=True)
    marker.write_text("This folder is a mediawatch demo home: `mediawatch demo` clears and rewrites it.\n",
                      encoding="utf-8")
    return cleared


def _issue16_config(text: str, home: Path, district) -> str:
    """Issue 16: trust the demo's CA (its TLS site), feeds without delays, the .gov.cn item off (loopback)."""
    ca_pem = getattr(district, "ca_pem", b"")
    if ca_pem:
        (home / "demo-ca.pem").write_bytes(ca_pem)
        text = text.replace("[http]\n", f'[http]\nca_file = "{(home / "demo-ca.pem").as_posix()}"   '
                                         "# the simulation's CA: its HTTPS site\n", 1)
    from mediawatch.demo.issue16 import SCORE_CONFIG

    return text + ("\n[feeds]\ndelay_seconds = 0.0\nlookback_days = 15\n"
                   "\n[rules.platforms]\nsite_gov_domain = []   # every simulated site lives on 127.0.0.1\n") + SCORE_CONFIG


def _write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def _at(day: date, when: time) -> datetime:
    return datetime.combine(day, when, tzinfo=clock.SHANGHAI)


def run_demo(home: Path, *, days: int = 365, db_url: str | None = None, stop: threading.Event | None = None,
             progress: Progress | None = None, separate_process: bool = True) -> DemoResult:
    """Simulate the district, replay ``days`` days ending today (the clock's date), write the outputs.

    ``separate_process``: serve the district from a child process (the default: the simulated
    internet then runs on the second core) or from threads of this one.
    """
    from mediawatch.registry import import_registry
    from mediawatch.schedule.cycle import previous_month

    if days < 1:
        raise BadInput("--days: at least 1")
    home = Path(home).resolve()
    if db_url is not None and db_url != default_url(home):
        raise BadInput("the demo keeps its own SQLite database in --home; do not set --db (or MEDIAWATCH_DB) for it")
    stop = stop or threading.Event()
    progress = progress or (lambda phase, done, total: None)
    cleared = prepare_home(home)
    fixed_before = clock.now() if clock.is_fixed() else None
    end = clock.today()
    start = end - timedelta(days=days - 1)
    started = clock.monotonic()
    threads_before = set(threading.enumerate())
    quiet = logging.getLogger("mediawatch")
    level = quiet.level
    if level in (logging.NOTSET, logging.INFO):
        quiet.setLevel(logging.WARNING)
    district = (RemoteDistrict if separate_process else District)(start, days).start_servers()
    app = None
    completed = 0
    try:
        (home / CONFIG_FILE).write_text(_issue16_config(
            CONFIG.format(canary=district.canary_url, weibo=district.weibo_base), home, district), encoding="utf-8")
        _write_csv(home / "accounts.csv", ACCOUNT_COLUMNS, district.account_rows())
        _write_csv(home / "columns.csv", COLUMN_COLUMNS, district.columns)
        app = App(home, default_url(home))
        district.set_time(_at(start, time(0, 0)), 0)
        import_registry(app.store, home / "accounts.csv", home / "columns.csv")
        from mediawatch.demo.issue16 import office_self_check  # issue 16: the office's 自查 (site-sjj's 扣分)

        office_self_check(app, previous_month(end))
        for index in range(days):
            if stop.is_set():
                break
            replay_day(app, district, index, stop)
            completed += 1 if not stop.is_set() else 0
            progress("回放 replaying days", index + 1, days)
            if index == 0:
                _freeze_heap()
        clock.set_now(_at(end, time(21, 0)))
        month = previous_month(end)
        bulletin = _last_bulletin(app, month, stop)
        result = _result(app, district, home, start, end, days, completed, clock.monotonic() - started, cleared,
                         bulletin)
        if not stop.is_set():
            from mediawatch.demo.console_users import create_demo_users

            result.console_users = create_demo_users(app)
        return result
    finally:
        gc.unfreeze()
        district.stop()
        if app is not None:
            app.close()
        _let_threads_end(threads_before)
        quiet.setLevel(level)
        clock.set_now(fixed_before)


def _freeze_heap() -> None:
    """After the first day every module the replay uses is imported and its caches are filled: move what is
    alive now out of the garbage collector's sight (``gc.freeze``), so its full collections during the year
    stop walking the libraries' objects (issue 14: 0.77 s of 1.1 s of collections in a 30-day replay).
    ``run_demo`` unfreezes when it ends."""
    gc.collect()
    gc.freeze()


def _let_threads_end(before: set[threading.Thread], timeout: float = 5.0) -> None:
    """Wait for the threads the replay started to end (every pool is shut down by its run; this
    makes sure nothing is left running when the demo returns, and says so if something is)."""
    gc.collect()
    deadline = clock.monotonic() + timeout
    for thread in threading.enumerate():
        if thread not in before and thread is not threading.current_thread():
            thread.join(max(0.0, deadline - clock.monotonic()))
    left = [t.name for t in threading.enumerate() if t not in before and t.is_alive()]
    if left:
        log.warning("threads still running after the demo: %s", ", ".join(left))


def replay_day(app: App, district: District | RemoteDistrict, index: int, stop: threading.Event) -> None:
    """One simulated day: the district's behaviour for the day, the 02:00 cycle, the day's probes."""
    from mediawatch.schedule.cycle import run_cycle, run_probes

    day = district.day(index)
    district.set_time(_at(day, CHECK_AT), index)
    # the previous month's bulletin is due from its 1st; a month before the replay began has no data
    report = run_cycle(app, stop=stop, bulletin=day.replace(day=1) > district.start)
    for error in report.errors:
        log.error("%s: %s", day, error)
    for when in PROBES_AT:
        if stop.is_set():
            return
        district.set_time(_at(day, when), index)
        run_probes(app)
    if not stop.is_set():  # issue 17: the office's 报备 approvals and answers to 整改反馈
        from mediawatch.demo.owners import office_day

        office_day(app, district, index)


def _last_bulletin(app: App, month: str, stop: threading.Event) -> Path | None:
    """The last full month's bulletin: the replay wrote it on the 1st; written now when it did not."""
    from mediawatch.bulletin import write_bulletin

    with app.store.session() as session:
        path = session.scalar(select(Bulletin.path).where(Bulletin.month == month).order_by(Bulletin.id.desc())
                              .limit(1))
    if path is not None:
        return Path(path)
    if stop.is_set():
        return None
    return write_bulletin(app, month).html


def _result(app: App, district: District | RemoteDistrict, home: Path, start: date, end: date, days: int,
            completed: int, seconds: float, cleared: bool, bulletin: Path | None) -> DemoResult:
    from mediawatch import closure

    now = clock.now()
    notices_dir = home / "reports" / "notices"
    with app.store.session() as session:
        runs = dict(session.execute(select(CheckRun.kind, func.count()).group_by(CheckRun.kind)).all())
        check_failed = session.scalar(select(func.count()).select_from(AccountCheck)
                                      .where(AccountCheck.outcome != "ok")) or 0
        warnings = session.scalars(select(Warning)).all()
        by_rule: dict[str, int] = {}
        for w in warnings:
            by_rule[w.rule] = by_rule.get(w.rule, 0) + 1
        open_now = [w for w in warnings if w.status == "open"]
        overdue = sum(1 for w in open_now if w.deadline is not None and w.deadline < now)
        candidates = closure.candidates(session, app.config, now)
        bulletins = list(session.scalars(select(Bulletin.month).order_by(Bulletin.month)))
    counts = {p: sum(1 for a in district.accounts if a.platform == p) for p in ("website", "weibo", "wechat")}
    return DemoResult(
        home=home, start=start, end=end, days=days, completed_days=completed, seconds=seconds, cleared=cleared,
        websites=counts["website"], weibo=counts["weibo"], wechat=counts["wechat"], bulletin=bulletin,
        bulletins=bulletins, notices_dir=notices_dir,
        notice_files=sum(1 for _ in notices_dir.rglob("*.html")) if notices_dir.exists() else 0,
        runs=runs, check_failed=check_failed, opened=len(warnings),
        resolved=sum(1 for w in warnings if w.status == "resolved"), open_now=len(open_now), overdue=overdue,
        by_rule=dict(sorted(by_rule.items(), key=lambda item: (-item[1], item[0]))),
        closure=[{"account_id": c.account_id, "name": c.name, "owner_unit": c.owner_unit,
                  "warnings_12m": c.warnings_12m} for c in candidates],
        closure_rule=(app.config.closure.max_warnings, app.config.closure.window_days),
        owners=tuple(_owners_summary(app)),
    )


def _owners_summary(app: App) -> list[str]:
    from mediawatch.demo.owners import summary

    return summary(app)
