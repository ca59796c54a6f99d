"""`mediawatch demo`: it finishes, writes its notices and the last full month's bulletin naming the
accounts it should, fires the closure rule, leaves nothing running, and starts clean when run again.

The short replay (``--days 45``) and the full default year (about two minutes; marked ``slow``, so
``-m "not slow"`` leaves it out when iterating) both run in the suite.
"""

from __future__ import annotations

import json
import os
import re
import socket
import threading
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import Cli

NOW = "2026-11-23T10:00:00+08:00"


@pytest.fixture
def demo_cli(tmp_path: Path) -> Cli:
    home = tmp_path / "demo-home"
    return Cli(home, f"sqlite:///{home / 'mediawatch.db'}")


def _children_running(name: str) -> list[int]:
    """Processes started by this one whose command line names ``name`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            ppid = int(re.search(r"^PPid:\s+(\d+)", (entry / "status").read_text(), re.M).group(1))
        except (OSError, AttributeError, ValueError):
            continue
        if name in cmdline and ppid == os.getpid():
            found.append(int(entry.name))
    return found


def _refused(url: str) -> bool:
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname, parts.port), timeout=1).close()
    except OSError:
        return True
    return False


def _warnings(cli: Cli) -> list[dict]:
    return json.loads(cli("warnings", "--status", "all", "--format", "json", now=NOW).stdout)


def test_demo_short_replay(demo_cli):
    threads_before = {t.name for t in threading.enumerate()}
    out = demo_cli("demo", "--days", "45", now=NOW).stdout
    home = demo_cli.home
    assert "started from a clean demo database" in out
    assert "replayed 45 of 45 days, 2026-10-10 to 2026-11-23" in out
    assert "45 check runs, 180 probe runs" in out

    # the last full month's bulletin, and the accounts with problems in it
    bulletin = home / "reports" / "2026-10" / "bulletin.html"
    assert f"the last full month's bulletin: {bulletin}" in out
    html = bulletin.read_text(encoding="utf-8")
    assert "2026年10月" in html
    for name in ("XX区卫生健康局",  # a blank column all along
                 "XX城管",  # not verified
                 "XX区民政局",  # its links broke in the month
                 "XX区司法局"):  # a dead external link, fixed only later
        assert name in html, name
    assert (home / "reports" / "2026-10" / "annex.xlsx").exists()

    # notices were written, a folder per day something was due
    notices = home / "reports" / "notices"
    days = sorted(p.name for p in notices.iterdir())
    assert days and days[0] == "2026-10-10"  # the first day's check found problems at once
    assert sum(1 for _ in notices.rglob("*.html")) >= 10

    # warnings came and went, and every rule fired
    rows = _warnings(demo_cli)
    rules = {r["rule"] for r in rows}
    assert rules >= {"blank_column", "broken_links", "not_updated", "not_verified", "name_mismatch", "account_gone",
                     "severe_typo", "homepage_not_updated", "column_stale", "unavailable"}, rules
    # issue 15: 信访局's unanswered messages and 医保局's spreadsheet, the numbers masked everywhere
    found = {(r["account_id"], r["rule"]): r for r in rows}
    assert ("site-xfj", "interaction_unanswered") in found and ("site-ybj", "privacy_leak") in found
    masked = [h["masked"] for h in found[("site-ybj", "privacy_leak")]["evidence"]["hits"]]
    assert masked and all("****" in m for m in masked)
    assert not re.search(rb"339999\d{8}", (home / "mediawatch.db").read_bytes())
    statuses = {r["status"] for r in rows}
    assert statuses == {"open", "resolved"}
    blocked = [r for r in rows if r["account_id"] == "wb-sc"]
    assert blocked == []  # refused by the platform for days: check_failed, never a warning
    assert re.search(r"check_failed: [1-9]\d* account checks", out)

    # the closure rule fired where links broke again and again
    closure = {c["account_id"]: c["warnings_12m"] for c in
               json.loads(demo_cli("closure", "--format", "json", now=NOW).stdout)}
    assert closure == {"site-mzj": 5, "wb-rs": 4}
    assert "site-mzj XX区民政局 (区民政局): 5 warnings" in out

    # issue 17: reminders before warnings, one heeded, a feedback returned then verified, a 报备 window
    # with nothing warned inside it, screenshots linked from the notices
    assert re.search(r"reminders \(预提醒\): [1-9]\d* to", out) and "acted on a reminder, no warning followed: " in out
    assert "wb-sw (1 of 1 times)" in out and not [r for r in rows if r["account_id"] == "wb-sw"]
    assert re.search(r"feedback \(整改反馈\) on warning #\d+ \(site-jyj\): 已反馈 -> 退回 -> 已反馈 -> 已核实", out)
    assert re.search(r"报备 window 1: site-tjj \S+ to \S+ \(网站改版[^)]*\): nothing warned inside it", out)
    assert not [r for r in rows if r["account_id"] == "site-tjj" and r["rule"] == "homepage_not_updated"]
    shots = list((home / "reports" / "evidence").glob("*.png"))
    assert shots and any(f"evidence/{shots[0].name}" in p.read_text(encoding="utf-8") for p in notices.rglob("*.html"))

    # nothing left running: no server answers, no child process, no thread of ours
    config = tomllib.loads((home / "mediawatch.toml").read_text(encoding="utf-8"))
    assert _refused(config["canary"]["urls"][0]) and _refused(config["weibo"]["api_base"] + "/")
    assert _children_running("mediawatch.demo.child") == []
    assert {t.name for t in threading.enumerate()} <= threads_before

    # run again on the same home: a clean database, said so
    again = demo_cli("demo", "--days", "2", now=NOW).stdout
    assert "the previous demo's database and reports were removed" in again
    assert len(_warnings(demo_cli)) < len(rows)
    assert not (home / "reports" / "notices" / "2026-10-10").exists()


def test_demo_with_the_district_in_this_process(tmp_path):
    from mediawatch import clock
    from mediawatch.demo import run_demo

    clock.set_now(clock.parse_datetime(NOW))
    threads_before = set(threading.enumerate())
    result = run_demo(tmp_path / "demo-home", days=3, separate_process=False)
    assert result.completed_days == 3 and result.runs == {"check": 3, "probe": 12}
    assert result.bulletin == tmp_path / "demo-home" / "reports" / "2026-10" / "bulletin.html"
    assert result.bulletin.exists()
    assert clock.now() == clock.parse_datetime(NOW)  # the clock is given back as it was
    assert not [t for t in threading.enumerate() if t not in threads_before]


def test_demo_refuses_a_folder_it_did_not_write(tmp_path):
    home = tmp_path / "office"
    home.mkdir()
    (home / "mediawatch.toml").write_text("[office]\nname = \"XX区人民政府办公室\"\n", encoding="utf-8")
    cli = Cli(home, f"sqlite:///{home / 'mediawatch.db'}")
    result = cli("demo", "--days", "1", now=NOW, expect=2)
    assert "not written by the demo" in result.stderr and "--home demo-home" in result.stderr
    assert not (home / "mediawatch.db").exists()


def test_demo_keeps_its_own_database(tmp_path):
    home = tmp_path / "demo-home"
    cli = Cli(home, f"sqlite:///{tmp_path / 'elsewhere.db'}")
    result = cli("demo", "--days", "1", now=NOW, expect=2)
    assert "its own SQLite database" in result.stderr


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_demo_full_year(demo_cli):
    out = demo_cli("demo", now=NOW).stdout
    assert "replayed 365 of 365 days, 2025-11-24 to 2026-11-23" in out
    assert "bulletins: 12 written (2025-11 to 2026-10)" in out
    closure = {c["account_id"] for c in json.loads(demo_cli("closure", "--format", "json", now=NOW).stdout)}
    assert closure == {"site-mzj", "wb-rs", "wb-jk", "wx-nyj"}
    html = (demo_cli.home / "reports" / "2026-10" / "bulletin.html").read_text(encoding="utf-8")
    for name in ("XX区民政局", "健康XX", "XX农业农村", "XX人社"):  # the closure candidates, named in the bulletin
        assert name in html, name
    assert "wb-sw (3 of 3 times)" in out and "nothing warned inside it" in out  # issue 17
