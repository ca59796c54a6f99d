"""The daemon and one full cycle against the local simulation; a check killed mid-run and resumed.

`run --once` end to end; the start-up catch-up (a missed bulletin, a missed daily check); the
scheduler stopping on its stop event (and on SIGTERM, as a real process); SIGTERM and kill -9
in the middle of `mediawatch check` (real subprocesses), then the same `--now` again.
The second-daemon refusal is tested in test_daemon_lock.py.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from mediawatch import clock
from mediawatch.app import App
from mediawatch.clock import SHANGHAI
from mediawatch.schedule.daemon import run_daemon
from mediawatch.simulation.server import LocalServer
from mediawatch.simulation.site import DEFAULT_COLUMNS, ColumnSpec, DistrictSite, SiteSpec
from mediawatch.simulation.wechat import SimArticle, SimWechatAccount, WechatSimulation
from mediawatch.simulation.weibo import SimPost, SimWeiboAccount, WeiboSimulation
from mediawatch.store.models import AccountCheck, Bulletin, CheckRun, DaemonLock, Observation, Warning
from tests.conftest import ROOT

FIRST = datetime(2026, 12, 1, 2, 0, tzinfo=SHANGHAI)  # a cycle on the 1st: November's bulletin is due


def _config(home: Path, weibo_base: str, http: str = "") -> None:
    (home / "mediawatch.toml").write_text(
        "[http]\nallow_private_addresses = true\ntimeout_seconds = 3\nbackoff_seconds = 0.05\n" + http +
        f'[weibo]\napi_base = "{weibo_base}"\nvisitor_base = "{weibo_base}"\ndelay_seconds = 0.0\n'
        "[wechat]\ndelay_seconds = 0.0\n", encoding="utf-8")


def _ago(days: float, now: datetime = FIRST) -> datetime:
    return now - timedelta(days=days)


# --- run --once against the simulated district ------------------------------------------------

@pytest.fixture
def district(home, server):
    """A website (stale home page, stale and blank columns, broken links), Weibo and WeChat accounts."""
    columns = (ColumnSpec("zwdt", "政务动态", "news", 2, "iso", stopped_on=_ago(40).date()), DEFAULT_COLUMNS[1],
               ColumnSpec("ghjh", "规划计划", "planning", blank=True))
    site = DistrictSite(SiteSpec("XX区民政局", encoding="gbk", columns=columns, home_stopped_on=_ago(30).date()),
                        today=lambda: clock.today())
    with LocalServer() as site_server:
        home_url = site.mount(site_server)
        weibo = WeiboSimulation(server)
        weibo.add(SimWeiboAccount("9900000001", "XX发布", posts=[
            SimPost(at=_ago(1), text="今日发布"), SimPost(at=_ago(300), text="置顶", pinned=True)]))
        weibo.add(SimWeiboAccount("9900000002", "健康XX", posts=[
            SimPost(at=_ago(0.5), text="置顶的新帖不算", pinned=True), SimPost(at=_ago(20), text="二十天前")]))
        weibo.add(SimWeiboAccount("9900000003", "XX城管", verified=False, posts=[SimPost(at=_ago(1), text="x")]))
        wechat = WechatSimulation(server)
        wechat.add(SimWechatAccount("stale", "XX住建", articles=[SimArticle(at=_ago(30), title="一个月前")]))
        wechat.add(SimWechatAccount("fresh", "XX发布", articles=[SimArticle(at=_ago(2), title="前天")]))
        _config(home, server.base)
        (home / "accounts.csv").write_text(
            "account_id,platform,name,owner_unit,url,platform_id,feed_url,contact_email\n"
            f"site-mzj,website,XX区民政局,区民政局,{home_url},,,mzj@demo.example.gov.cn\n"
            "wb-fresh,weibo,XX发布,区委宣传部,,9900000001,,xcb@demo.example.gov.cn\n"
            "wb-stale,weibo,健康XX,区卫生健康局,,9900000002,,wjj@demo.example.gov.cn\n"
            "wb-cg,weibo,XX城管,区综合行政执法局,,9900000003,,\n"
            f"wx-stale,wechat,XX住建,区住房和城乡建设局,,,{wechat.feed_url('stale')},zjj@demo.example.gov.cn\n"
            f"wx-fresh,wechat,XX发布,区委宣传部,,,{wechat.feed_url('fresh')},xcb@demo.example.gov.cn\n",
            encoding="utf-8")
        with open(home / "columns.csv", "w", encoding="utf-8") as f:
            f.write("account_id,column,url,category\n")
            f.writelines(f"{r['account_id']},{r['column']},{r['url']},{r['category']}\n"
                         for r in site.columns_rows("site-mzj"))
        yield site


def test_run_once_end_to_end(cli, home, district):
    cli("accounts", "import", str(home / "accounts.csv"), "--columns", str(home / "columns.csv"))
    out = cli("run", "--once", now=FIRST.isoformat()).stdout
    assert "probe:" in out and "warnings opened" in out and "bulletin:" in out
    rows = json.loads(cli("warnings", "--format", "json", now=FIRST.isoformat()).stdout)
    assert sorted((r["account_id"], r["rule"]) for r in rows) == [
        ("site-mzj", "blank_column"),
        ("site-mzj", "broken_links"),
        ("site-mzj", "column_stale"),
        ("site-mzj", "homepage_not_updated"),
        ("wb-cg", "not_verified"),
        ("wb-stale", "not_updated"),  # its pinned post from this morning does not count
        ("wx-stale", "not_updated"),
    ]
    evidence = {(r["account_id"], r["rule"]): r["evidence"] for r in rows}
    assert [c["column"] for c in evidence[("site-mzj", "column_stale")]["columns"]] == ["政务动态"]
    assert evidence[("wb-stale", "not_updated")]["latest_post_at"].startswith(_ago(20).date().isoformat())

    notices = home / "reports" / "notices" / "2026-12-01"
    written = sorted(p.name for p in notices.glob("*.html"))
    assert written, "no notice written"
    text_of = {p.name: p.read_text(encoding="utf-8") for p in notices.glob("*.html")}
    assert any("XX区民政局" in t and "首页" in t for t in text_of.values())
    assert any("健康XX" in t for t in text_of.values())

    bulletin = home / "reports" / "2026-11" / "bulletin.html"
    assert bulletin.exists() and "2026年11月" in bulletin.read_text(encoding="utf-8")
    assert (home / "reports" / "2026-11" / "annex.xlsx").exists()

    # the next day: no second bulletin, no duplicate warning, no notice sent twice for the same warnings
    next_day = (FIRST + timedelta(days=1)).isoformat()
    out = cli("run", "--once", now=next_day).stdout
    assert "bulletin:" not in out
    again = json.loads(cli("warnings", "--format", "json", now=next_day).stdout)
    assert sorted(r["id"] for r in again) == sorted(r["id"] for r in rows)
    assert not list((home / "reports" / "notices" / "2026-12-02").glob("*.html"))
    app = App(home, cli.db_url)
    with app.store.session() as s:
        assert s.scalars(select(Bulletin.month)).all() == ["2026-11"]
    app.close()


# --- the daemon: catch-up at start, stopping ----------------------------------------------------

def _daemon(app: App, stop: threading.Event) -> threading.Thread:
    thread = threading.Thread(target=run_daemon, args=(app, stop), name="test-daemon", daemon=True)
    thread.start()
    return thread


def _wait_for(condition, timeout: float = 20.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _count(app: App, query) -> int:
    with app.store.session() as s:
        return s.scalar(query) or 0


def _jobs(app: App) -> int:
    """Jobs in the daemon's persistent store (0 before its first start)."""
    try:
        return _count(app, text("SELECT count(*) FROM apscheduler_jobs"))
    except OperationalError:
        return 0


def test_daemon_writes_a_missed_bulletin_at_start_and_stops_on_its_event(home, db_url):
    clock.set_now(datetime(2026, 12, 3, 10, 0, tzinfo=SHANGHAI))  # the 1st passed while the daemon was down
    app = App(home, db_url)
    stop = threading.Event()
    thread = _daemon(app, stop)
    try:
        _wait_for(lambda: _count(app, select(func.count()).select_from(Bulletin)) == 1, what="the bulletin")
        _wait_for(lambda: _jobs(app) >= 3, what="the job store")
        assert thread.is_alive()  # the scheduler is running
    finally:
        stop.set()
        thread.join(15)
    assert not thread.is_alive(), "the daemon did not stop on its stop event"
    with app.store.session() as s:
        assert s.scalars(select(Bulletin.month)).all() == ["2026-11"]
        assert s.get(DaemonLock, "daemon") is None  # the lock is released
    assert (home / "reports" / "2026-11" / "bulletin.html").exists()
    app.close()


def test_a_stop_before_the_scheduler_started_still_ends_the_daemon(home, db_url):
    app = App(home, db_url)
    stop = threading.Event()
    stop.set()  # e.g. SIGTERM while the start-up bulletin was being written
    thread = _daemon(app, stop)
    thread.join(15)
    assert not thread.is_alive()
    app.close()


def test_a_missed_daily_check_runs_once_at_start(home, db_url):
    app = App(home, db_url)
    stop = threading.Event()
    thread = _daemon(app, stop)
    _wait_for(lambda: _jobs(app) >= 3, what="the job store")
    stop.set()
    thread.join(15)
    assert not thread.is_alive()
    assert _count(app, select(func.count()).select_from(CheckRun).where(CheckRun.kind == "check")) == 0
    # the daemon was down through three daily checks
    three_days_ago = (clock.now() - timedelta(days=3)).timestamp()
    with app.store.engine.begin() as conn:
        conn.execute(text("UPDATE apscheduler_jobs SET next_run_time = :t WHERE id = 'daily_check'"),
                     {"t": three_days_ago})
    stop = threading.Event()
    thread = _daemon(app, stop)
    try:
        _wait_for(lambda: _count(app, select(func.count()).select_from(CheckRun)
                                 .where(CheckRun.kind == "check", CheckRun.status == "done")) >= 1,
                  what="the missed daily check")
        time.sleep(0.5)
    finally:
        stop.set()
        thread.join(15)
    assert not thread.is_alive()
    # coalesced: one run for the three missed days, and the next one is in the future again
    assert _count(app, select(func.count()).select_from(CheckRun).where(CheckRun.kind == "check")) == 1
    nxt = _count(app, text("SELECT next_run_time FROM apscheduler_jobs WHERE id = 'daily_check'"))
    assert nxt > clock.now().timestamp()
    app.close()


def _subprocess(home: Path, *args: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    env.pop("MEDIAWATCH_DB", None)
    return subprocess.Popen([sys.executable, "-m", "mediawatch", "--home", str(home), *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_sigterm_stops_the_daemon_process(home):
    app = App(home)
    proc = _subprocess(home, "run")
    try:
        _wait_for(lambda: _jobs(app) >= 3
                  if proc.poll() is None else True, what="the daemon to start")
        assert proc.poll() is None, proc.communicate()
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    with app.store.session() as s:
        assert s.get(DaemonLock, "daemon") is None
    app.close()


# --- a check stopped in the middle, then resumed -------------------------------------------------

SLOW_ACCOUNTS = 8
DAY1 = datetime(2026, 11, 20, 2, 0, tzinfo=SHANGHAI)
DAY2 = DAY1 + timedelta(days=1)


@pytest.fixture
def slow_weibo(home, server, cli):
    """Eight Weibo accounts (every other one silent for three weeks), checked once on DAY1; then
    every answer of the platform takes 0.3 s, and accounts are checked one at a time."""
    sim = WeiboSimulation(server)
    sim.set_now(DAY2)
    rows = ["account_id,platform,name,owner_unit,platform_id"]
    for n in range(SLOW_ACCOUNTS):
        uid = f"99000001{n:02d}"
        silent_for = 21 if n % 2 else 1
        sim.add(SimWeiboAccount(uid, f"XX账号{n}", posts=[SimPost(at=_ago(silent_for + d, DAY2), text=f"第{d}条")
                                                        for d in range(3)]))
        rows.append(f"wb-{n},weibo,XX账号{n},单位{n},{uid}")
    (home / "accounts.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    _config(home, server.base, http="account_workers = 1\n")
    cli("accounts", "import", str(home / "accounts.csv"))
    cli("check", now=DAY1.isoformat())
    server.latency = 0.3
    return sim


def _state(app: App) -> dict:
    """What a consistent database looks like, and what the tests compare across a resume."""
    with app.store.session() as s:
        run = s.scalar(select(CheckRun).where(CheckRun.kind == "check", CheckRun.as_of == DAY2))
        checks = s.scalars(select(AccountCheck).where(AccountCheck.run_id == run.id)).all() if run else []
        observed = dict(s.execute(select(Observation.account_pk, func.count()).where(Observation.run_id == run.id)
                                  .group_by(Observation.account_pk)).all()) if run else {}
        open_pairs = s.execute(select(Warning.account_pk, Warning.rule, func.count())
                               .where(Warning.status == "open").group_by(Warning.account_pk, Warning.rule)).all()
        warnings = {w.id: (w.account_pk, w.rule, w.status) for w in s.scalars(select(Warning))}
        return {
            "run_status": run.status if run else None,
            "runs": s.scalar(select(func.count()).select_from(CheckRun).where(CheckRun.as_of == DAY2)),
            "checks": {c.account_pk: (c.id, c.checked_at, c.outcome, c.evaluated_at) for c in checks},
            "observed": observed,
            "duplicate_open": [p for p in open_pairs if p[2] > 1],
            "warnings": warnings,
        }


def _stop_mid_check(home: Path, app: App, sig: int) -> subprocess.CompletedProcess:
    proc = _subprocess(home, "--now", DAY2.isoformat(), "check")
    try:
        def started() -> bool:
            if proc.poll() is not None:
                return True
            state = _state(app)
            return len(state["checks"]) >= 2
        _wait_for(started, timeout=60, what="two accounts checked")
        assert proc.poll() is None, "the check finished before it could be stopped: " + proc.communicate()[0]
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def _assert_consistent(state: dict) -> None:
    # every account check has its observations (written in the same transaction), and only those
    assert set(state["observed"]) == set(state["checks"])
    assert all(n >= 1 for n in state["observed"].values())
    assert state["duplicate_open"] == []
    assert state["runs"] == 1


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "kill-9"])
def test_a_check_stopped_mid_run_resumes_with_the_same_now(home, cli, slow_weibo, server, sig):
    app = App(home, cli.db_url)
    before = _state(app)
    opened_day1 = {i: w for i, w in before["warnings"].items() if w[2] == "open"}
    assert len(opened_day1) == SLOW_ACCOUNTS // 2  # the silent ones

    result = _stop_mid_check(home, app, sig)
    stopped = _state(app)
    if sig == signal.SIGTERM:
        assert result.returncode == 0, result.stderr
        assert "interrupted" in result.stdout
        assert stopped["run_status"] == "interrupted"
    else:
        assert result.returncode == -signal.SIGKILL
        assert stopped["run_status"] == "running"  # nobody could mark it; the next run with this --now resumes it
    assert 2 <= len(stopped["checks"]) < SLOW_ACCOUNTS
    _assert_consistent(stopped)
    assert stopped["warnings"] == before["warnings"]  # phase 2 (rules, warnings) had not begun

    server.latency = 0.0
    out = cli("check", now=DAY2.isoformat()).stdout
    assert "done" in out
    resumed = _state(app)
    _assert_consistent(resumed)
    assert resumed["run_status"] == "done"
    assert len(resumed["checks"]) == SLOW_ACCOUNTS
    for pk, (check_id, checked_at, outcome, _evaluated) in stopped["checks"].items():
        assert resumed["checks"][pk][:3] == (check_id, checked_at, outcome)  # done before: not redone
    # the silent accounts keep their one open warning each (updated, not reopened); nothing new opened
    assert {i: w for i, w in resumed["warnings"].items() if w[2] == "open"} == opened_day1
    assert set(resumed["warnings"]) == set(before["warnings"])

    # and a third time: nothing left to do, nothing changes
    cli("check", now=DAY2.isoformat())
    assert _state(app) == resumed
    app.close()
