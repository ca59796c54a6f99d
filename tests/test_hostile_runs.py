"""Runs under stress, as real processes: two checks at once, a check killed and left `running`,
SIGTERM and the run budget against servers that never finish their headers."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from mediawatch.app import App
from mediawatch.simulation.server import LocalServer, Reply
from tests.hostile_servers import SlowHeaderServer

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-11-23T09:00:00+08:00"
LATER = "2026-11-24T09:00:00+08:00"


def _home(tmp_path: Path, urls: list[str], extra: str = "") -> Path:
    home = tmp_path / "home"
    home.mkdir()
    (home / "mediawatch.toml").write_text(
        "[http]\nallow_private_addresses = true\nretries = 0\naccount_workers = 2\n" + extra, encoding="utf-8")
    (home / "accounts.csv").write_text("account_id,platform,name,owner_unit,url\n" + "".join(
        f"site{n},website,站点{n},单位{n},{url}\n" for n, url in enumerate(urls)), encoding="utf-8")
    _run(home, "accounts", "import", str(home / "accounts.csv"))
    return home


def _env() -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    env.pop("MEDIAWATCH_DB", None)
    return env


def _run(home: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mediawatch", "--home", str(home), *args], env=_env(),
                          capture_output=True, text=True, timeout=timeout)


def _start(home: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "mediawatch", "--home", str(home), *args], env=_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _runs(home: Path) -> list[tuple]:
    with sqlite3.connect(home / "mediawatch.db") as db:
        return db.execute("SELECT id, as_of, status FROM check_runs WHERE kind = 'check' ORDER BY id").fetchall()


def _wait_for(condition, seconds: float = 30, what: str = "") -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _checks(home: Path) -> int:
    try:
        with sqlite3.connect(home / "mediawatch.db") as db:
            return db.execute("SELECT count(*) FROM account_checks").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


@pytest.fixture
def slow_sites():
    """Six sites that answer after 1.5 s each: a check takes a few seconds."""
    with LocalServer() as server:
        for n in range(6):
            server.route(f"/s{n}/", Reply(body=f"<html><head><title>站点{n}</title></head><body></body></html>",
                                          delay=1.5))
        yield [server.url(f"/s{n}/") for n in range(6)]


def _started(home: Path) -> bool:
    with sqlite3.connect(home / "mediawatch.db") as db:
        return bool(db.execute("SELECT count(*) FROM check_runs WHERE status = 'running'").fetchone()[0])


def test_a_second_check_says_plainly_that_one_is_running(tmp_path, slow_sites):
    home = _home(tmp_path, slow_sites)
    first = _start(home, "--now", NOW, "check")
    try:
        _wait_for(lambda: _started(home), what="the first check to start")
        second = _run(home, "--now", NOW, "check", timeout=60)
        out, err = first.communicate(timeout=120)
    finally:
        if first.poll() is None:
            first.kill()
    assert second.returncode == 1 and "a check is already running" in second.stderr, second.stderr
    assert "Traceback" not in second.stderr
    assert first.returncode == 0, err
    assert [status for _, _, status in _runs(home)] == ["done"]
    assert _checks(home) == 6  # no account checked twice


def test_a_second_check_with_wait_runs_after_the_first(tmp_path, slow_sites):
    home = _home(tmp_path, slow_sites)
    first = _start(home, "--now", NOW, "check")
    try:
        _wait_for(lambda: _started(home), what="the first check to start")
        second = _run(home, "--now", LATER, "check", "--wait", "120", timeout=150)
        first.communicate(timeout=120)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == 0 and second.returncode == 0, second.stderr
    assert [status for _, _, status in _runs(home)] == ["done", "done"]


def test_a_run_left_running_by_a_killed_process_is_recognised_and_resumed(tmp_path, slow_sites):
    home = _home(tmp_path, slow_sites)
    first = _start(home, "--now", NOW, "check")
    _wait_for(lambda: _checks(home) >= 2, what="two accounts checked")
    first.send_signal(signal.SIGKILL)
    first.wait()
    assert [status for _, _, status in _runs(home)] == ["running"]

    later = _run(home, "--now", LATER, "check")
    assert later.returncode == 0, later.stderr
    statuses = [status for _, _, status in _runs(home)]
    assert statuses == ["interrupted", "done"], statuses  # recognised: no run stays `running` for ever

    resumed = _run(home, "--now", NOW, "check")
    assert resumed.returncode == 0, resumed.stderr
    assert [status for _, _, status in _runs(home)] == ["done", "done"]
    with sqlite3.connect(home / "mediawatch.db") as db:
        per_account = db.execute("SELECT account_pk, count(*) FROM account_checks WHERE run_id = 1 "
                                 "GROUP BY account_pk").fetchall()
    # the accounts it had committed are kept, none twice; the others were checked as of a later time
    assert len(per_account) >= 2 and all(n == 1 for _, n in per_account)


# --- SIGTERM and the run budget against requests that never end ------------------------------------

@pytest.fixture
def hanging_sites():
    servers = [SlowHeaderServer(interval=1.0).start() for _ in range(3)]
    yield [s.url("/") for s in servers]
    for server in servers:
        server.stop()


def test_sigterm_stops_a_check_within_a_bounded_time(tmp_path, hanging_sites):
    # a long per-request deadline: only the stop can end the requests in time
    home = _home(tmp_path, hanging_sites, "timeout_seconds = 120\nfetch_deadline_seconds = 300\n"
                                          "[schedule]\nstop_grace_seconds = 1\n")
    proc = _start(home, "--now", NOW, "check")
    try:
        _wait_for(lambda: _started(home), what="the check to start")
        time.sleep(1.0)
        proc.send_signal(signal.SIGTERM)
        started = time.monotonic()
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            pytest.fail("the check did not stop within 30 s of SIGTERM")
    assert time.monotonic() - started < 10
    assert proc.returncode == 0, err
    assert "interrupted" in out
    assert [status for _, _, status in _runs(home)] == ["interrupted"]
    assert _checks(home) == 0  # the cut accounts were not recorded as failed: a resume checks them


def test_the_run_budget_ends_a_stuck_run(tmp_path, hanging_sites):
    home = _home(tmp_path, hanging_sites, "timeout_seconds = 120\nfetch_deadline_seconds = 300\n"
                                          "[schedule]\nrun_budget_minutes = 0.05\nstop_grace_seconds = 1\n")
    started = time.monotonic()
    done = _run(home, "--now", NOW, "check", timeout=60)
    assert time.monotonic() - started < 20
    assert done.returncode == 0, done.stderr
    assert "run budget" in done.stdout
    assert [status for _, _, status in _runs(home)] == ["interrupted"]


def test_sigterm_stops_the_daemon_while_its_daily_check_hangs(tmp_path, hanging_sites):
    home = _home(tmp_path, hanging_sites, "timeout_seconds = 120\nfetch_deadline_seconds = 300\n"
                                          "[schedule]\nstop_grace_seconds = 1\nspread_minutes = 0\n")
    app = App(home)
    first = _start(home, "run")
    try:
        _wait_for(lambda: _jobs(app) >= 3, what="the job store")
    finally:
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=30)
    with app.store.engine.begin() as conn:  # the daily check was missed: it runs at start
        conn.execute(text("UPDATE apscheduler_jobs SET next_run_time = :t WHERE id = 'daily_check'"),
                     {"t": time.time() - 3600})
    daemon = _start(home, "run")
    try:
        _wait_for(lambda: _started(home), what="the daily check to start")
        time.sleep(1.0)
        daemon.send_signal(signal.SIGTERM)
        started = time.monotonic()
        daemon.communicate(timeout=40)
    finally:
        if daemon.poll() is None:
            daemon.kill()
            pytest.fail("the daemon did not stop within 40 s of SIGTERM")
    assert time.monotonic() - started < 15
    assert daemon.returncode == 0
    assert [status for _, _, status in _runs(home)] == ["interrupted"]
    app.close()


def _jobs(app: App) -> int:
    try:
        with app.store.engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM apscheduler_jobs")).scalar() or 0
    except Exception:  # noqa: BLE001 - the table is created by the daemon
        return 0
