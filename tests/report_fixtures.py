"""Rows for notice and bulletin tests, inserted directly through the store (no checks run)."""

from __future__ import annotations

import socket
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from mediawatch import clock
from mediawatch.store.models import Account, AccountCheck, CheckRun, ClosureDecision, Warning, WarningEvent

T = clock.SHANGHAI


def at(text: str) -> datetime:
    """A local (Asia/Shanghai) time from ``YYYY-MM-DD`` or ``YYYY-MM-DD HH:MM``."""
    return clock.parse_datetime(text.replace(" ", "T"))


def account(session, account_id: str, platform: str, name: str, owner_unit: str, *, email: str | None = None,
            created: str = "2025-01-01", active: bool = True, status: str = "active", url: str | None = None) -> Account:
    row = Account(account_id=account_id, platform=platform, name=name, owner_unit=owner_unit, contact_email=email,
                  url=url or (f"https://{account_id}.example.gov.cn/" if platform == "website" else None),
                  platform_id=account_id if platform != "website" else None, active=active, status=status,
                  created_at=at(created), updated_at=at(created))
    session.add(row)
    session.flush()
    return row


def warning(session, acct: Account, rule: str, opened: str, *, resolved: str | None = None,
            revoked: str | None = None, deadline_days: int = 10, evidence: dict | None = None, message: str = "",
            source: str = "mediawatch", external_id: str | None = None) -> Warning:
    opened_at = at(opened)
    status = "revoked" if revoked else "resolved" if resolved else "open"
    row = Warning(account_pk=acct.id, rule=rule, status=status, opened_at=opened_at,
                  resolved_at=at(resolved) if resolved else None, revoked_at=at(revoked) if revoked else None,
                  deadline=opened_at + timedelta(days=deadline_days), message=message or f"{rule} 问题",
                  evidence=evidence or {}, source=source, external_id=external_id, updated_at=opened_at)
    session.add(row)
    session.flush()
    session.add(WarningEvent(warning_id=row.id, at=opened_at, kind="opened" if source == "mediawatch" else "imported",
                             actor="mediawatch", reason=row.message, data={}))
    return row


def run(session, as_of: str, *, status: str = "done", kind: str = "check") -> CheckRun:
    when = at(as_of)
    row = CheckRun(kind=kind, as_of=when, started_at=when, finished_at=when + timedelta(minutes=30), status=status,
                   scope={}, stats={})
    session.add(row)
    session.flush()
    return row


def check(session, check_run: CheckRun, acct: Account, outcome: str = "ok") -> AccountCheck:
    row = AccountCheck(run_id=check_run.id, account_pk=acct.id, as_of=check_run.as_of, checked_at=check_run.as_of,
                       outcome=outcome, failure=None if outcome == "ok" else "blocked", network_failure=False,
                       evaluated_at=check_run.as_of, verdicts={})
    session.add(row)
    return row


def decision(session, acct: Account, decision: str, reason: str, when: str) -> ClosureDecision:
    row = ClosureDecision(account_pk=acct.id, decision=decision, reason=reason, actor="office", decided_at=at(when))
    session.add(row)
    return row


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load_month(store, path) -> dict[str, Account]:
    """Insert the accounts, check runs, warnings and decisions described by a JSON file (see tests/data/bulletin)."""
    import json

    data = json.loads(path.read_text(encoding="utf-8"))
    with store.session() as s:
        accounts = {a["id"]: account(s, a["id"], a["platform"], a["name"], a["unit"], email=a.get("email"),
                                     created=a.get("created", "2025-01-01"), active=a.get("active", True))
                    for a in data["accounts"]}
        for r in data["runs"]:
            check_run = run(s, r["at"], status=r.get("status", "done"))
            for outcome, key in (("ok", "ok"), ("check_failed", "failed")):
                for account_id in r.get(key, []):
                    check(s, check_run, accounts[account_id], outcome)
        for w in data["warnings"]:
            warning(s, accounts[w["account"]], w["rule"], w["opened"], resolved=w.get("resolved"),
                    revoked=w.get("revoked"), evidence=w.get("evidence"), message=w.get("message", ""),
                    source=w.get("source", "mediawatch"), external_id=w.get("external_id"))
        for d in data["decisions"]:
            decision(s, accounts[d["account"]], d["decision"], d["reason"], d["at"])
    return accounts


MONTH = Path(__file__).resolve().parent / "data" / "bulletin" / "month.json"


@pytest.fixture(name="app")
def month_app(home, any_db_url):
    """An app whose database holds the bulletin tests' month (``data/bulletin/month.json``), on SQLite and
    PostgreSQL; a test module uses it by importing ``month_app``."""
    from mediawatch.app import App

    app = App(home, any_db_url)
    load_month(app.store, MONTH)
    yield app
    app.close()
