"""`accounts list` reads through store/reads.py: the stdlib sqlite3 driver on an up-to-date SQLite file,
SQLAlchemy Core otherwise (PostgreSQL, a store being created). Same SQL, same rows, same output; the
fast path starts without SQLAlchemy."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

from mediawatch import clock
from mediawatch import config as config_mod
from mediawatch.registry import account_rows as store_rows
from mediawatch.store import open_store
from mediawatch.store.models import Account, Warning
from mediawatch.store.reads import CoreReader, account_rows, sqlite_reader

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=clock.SHANGHAI)
ACCOUNTS = ("account_id,platform,name,owner_unit,platform_id,url\n"
            "wb-1,weibo,XX发布,区委宣传部,1,\n"
            "wb-2,weibo,XX交警,区公安分局,2,\n"
            "site-1,website,XX区政府,区政府办公室,,https://www.example.gov.cn/\n")


def _fill(cli, tmp_path) -> None:
    """Warnings that test each clause: window ends (exactly at its start: out; exactly now: in), revoked and
    pending (never count), a site requirement (uncounted by default), open ones (the open count)."""
    (tmp_path / "a.csv").write_text(ACCOUNTS, encoding="utf-8")
    cli("accounts", "import", str(tmp_path / "a.csv"))
    store = open_store(cli.db_url)
    start = NOW - timedelta(days=365)
    plan = {
        "wb-1": [(NOW - timedelta(days=d), "resolved", "not_updated") for d in (1, 2, 3, 4)]
        + [(start, "resolved", "not_updated"), (NOW, "open", "not_updated"),
           (NOW - timedelta(days=5), "revoked", "not_updated"), (NOW - timedelta(days=6), "pending", "tamper_suspected")],
        "wb-2": [(start + timedelta(microseconds=1), "open", "not_updated"), (NOW + timedelta(seconds=1), "open", "not_updated")],
        "site-1": [(NOW - timedelta(days=d), "open", "site_certificate") for d in (1, 2, 3, 4, 5)],
    }
    with store.session() as s:
        pks = {a.account_id: a.id for a in s.query(Account)}
        for account_id, warnings in plan.items():
            for opened, status, rule in warnings:
                s.add(Warning(account_pk=pks[account_id], rule=rule, status=status, opened_at=opened, evidence={},
                              source="mediawatch" if status != "open" else f"import-{opened.timestamp()}",
                              updated_at=NOW, external_id=None))
    store.dispose()


EXPECTED = {  # account_id: (open_warnings, warnings_12m, closure_candidate)
    "wb-1": (1, 5, True),
    "wb-2": (2, 1, False),
    "site-1": (5, 0, False),
}


def _summary(rows):
    return {r["account_id"]: (r["open_warnings"], r["warnings_12m"], r["closure_candidate"]) for r in rows}


def test_both_readers_give_the_same_rows(any_cli, tmp_path):
    _fill(any_cli, tmp_path)
    config = config_mod.defaults()
    store = open_store(any_cli.db_url)
    with store.session() as session:
        through_store = store_rows(session, config, NOW)
        through_core = account_rows(CoreReader(session.connection()), config, NOW)
    store.dispose()
    assert _summary(through_store) == EXPECTED
    assert [r["account_id"] for r in through_store] == ["wb-2", "wb-1", "site-1"]  # by owner unit, then id
    assert through_core == through_store
    reader = sqlite_reader(any_cli.db_url)
    if any_cli.db_url.startswith("sqlite"):
        with reader:
            assert account_rows(reader, config, NOW) == through_store
    else:
        assert reader is None


def test_the_cli_reads_the_same_either_way(cli, tmp_path):
    from conftest import Cli

    _fill(cli, tmp_path)
    now = NOW.isoformat()
    assert sqlite_reader(cli.db_url) is not None
    through_store = Cli(cli.home, cli.db_url + "?timeout=30")  # the same file, a URL only SQLAlchemy takes
    assert sqlite_reader(through_store.db_url) is None
    for fmt in ("json", "csv", "table"):
        fast = cli("accounts", "list", "--format", fmt, now=now).stdout
        assert fast == through_store("accounts", "list", "--format", fmt, now=now).stdout
        if fmt == "json":
            assert _summary(json.loads(fast)) == EXPECTED


def _run(home: Path, *args: str) -> tuple[str, set[str]]:
    code = ("import sys, runpy\n"
            f"sys.argv = ['mediawatch', '--home', {str(home)!r}, *{list(args)!r}]\n"
            "try:\n    runpy.run_module('mediawatch', run_name='__main__')\n"
            "except SystemExit:\n    pass\n"
            "import json\nprint('\\n' + json.dumps(sorted(sys.modules)))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    body, _, modules = out.rstrip("\n").rpartition("\n")
    return body, set(json.loads(modules))


def test_accounts_list_starts_without_sqlalchemy(tmp_path):
    home = tmp_path / "home"
    (tmp_path / "a.csv").write_text(ACCOUNTS, encoding="utf-8")
    first, modules = _run(home, "accounts", "list", "--format", "json")  # no database yet: the store makes it
    assert json.loads(first) == [] and "sqlalchemy" in modules
    _run(home, "accounts", "import", str(tmp_path / "a.csv"))
    listed, modules = _run(home, "accounts", "list", "--format", "json")
    assert [r["account_id"] for r in json.loads(listed)] == ["wb-2", "wb-1", "site-1"]
    assert not {m for m in modules if m.split(".")[0] in ("sqlalchemy", "alembic", "requests", "aiohttp", "lxml")}


def test_help_and_json_start_without_rich(tmp_path):
    home = tmp_path / "home"
    text, modules = _run(home, "--help")
    assert "accounts" in text and "rich" not in modules
    _run(home, "accounts", "list", "--format", "json")
    _, modules = _run(home, "accounts", "list", "--format", "json")
    assert "rich" not in modules and "sqlalchemy" not in modules
    table, modules = _run(home, "accounts", "list")
    assert "(none)" in table and "rich" in modules
