"""The warning lifecycle and the closure rule, on a real database, through the functions the runner calls."""

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from mediawatch import clock
from mediawatch.closure import candidates
from mediawatch.config import defaults
from mediawatch.rules.base import FAIL, PASS, UNKNOWN, Verdict
from mediawatch.store import open_store
from mediawatch.store.models import Account, Warning, WarningEvent
from mediawatch.warnings import apply_verdicts, revoke

T0 = datetime(2026, 1, 5, 2, 0, tzinfo=clock.SHANGHAI)
CONFIG = defaults()


@pytest.fixture
def store(any_db_url):
    store = open_store(any_db_url)
    with store.session() as s:
        s.add(Account(account_id="wb-1", platform="weibo", name="XX发布", owner_unit="区委宣传部", platform_id="1",
                      created_at=T0, updated_at=T0))
    yield store
    store.dispose()


def step(store, day: int, outcome: str, rule: str = "not_updated", evidence=None):
    as_of = T0 + timedelta(days=day)
    with store.session() as s:
        account = s.scalar(select(Account))
        message = "msg" if evidence is not None else f"msg {day}"
        return apply_verdicts(s, account, [Verdict(rule, outcome, message, evidence or {"day": day})],
                              as_of=as_of, run_id=None, config=CONFIG)


def warnings(store):
    with store.session() as s:
        return s.scalars(select(Warning).order_by(Warning.id)).all()


def events(store, warning_id):
    with store.session() as s:
        return [e.kind for e in s.scalars(select(WarningEvent).where(WarningEvent.warning_id == warning_id)
                                          .order_by(WarningEvent.id))]


def test_fail_opens_then_updates_then_pass_resolves_then_new_warning(store):
    assert [c.kind for c in step(store, 0, FAIL)] == ["opened"]
    assert [c.kind for c in step(store, 1, FAIL)] == ["updated"]
    assert step(store, 2, UNKNOWN) == []
    ws = warnings(store)
    assert len(ws) == 1 and ws[0].status == "open"
    assert ws[0].evidence["day"] == 1 and ws[0].deadline == T0 + timedelta(days=10)
    assert [c.kind for c in step(store, 3, PASS)] == ["resolved"]
    assert [c.kind for c in step(store, 4, FAIL)] == ["opened"]
    ws = warnings(store)
    assert [(w.status, w.resolved_at) for w in ws] == [("resolved", T0 + timedelta(days=3)), ("open", None)]
    assert events(store, ws[0].id) == ["opened", "updated", "resolved"]


def test_same_evidence_is_not_an_update(store):
    step(store, 0, FAIL, evidence={"x": 1})
    assert step(store, 1, FAIL, evidence={"x": 1}) == []
    assert [c.kind for c in step(store, 2, FAIL, evidence={"x": 2})] == ["updated"]
    ws = warnings(store)
    assert len(ws) == 1 and ws[0].evidence["x"] == 2


def test_overdue_is_recorded_once(store):
    step(store, 0, FAIL, evidence={"x": 1})
    assert [c.kind for c in step(store, 10, FAIL, evidence={"x": 1})] == []  # deadline is day 10: not yet past
    kinds = [c.kind for c in step(store, 11, FAIL, evidence={"x": 1})]
    assert "overdue" in kinds
    assert "overdue" not in [c.kind for c in step(store, 12, FAIL, evidence={"x": 1})]


def test_revoked_episode_does_not_reopen_until_a_pass(store):
    step(store, 0, FAIL)
    w = warnings(store)[0]
    with store.session() as s:
        revoke(s, w.id, "误报：账号已迁移", "office", T0 + timedelta(days=1))
    assert step(store, 2, FAIL) == []
    assert len(warnings(store)) == 1
    assert [c.kind for c in step(store, 3, PASS)] == ["episode_ended"]
    assert [c.kind for c in step(store, 4, FAIL)] == ["opened"]
    ws = warnings(store)
    assert [w.status for w in ws] == ["revoked", "open"]
    assert events(store, ws[0].id) == ["opened", "revoked", "resolved"]


def test_rules_with_warn_false_raise_nothing(store):
    config = CONFIG.with_overrides({"rules": {"warn": {"not_updated": False}}})
    with store.session() as s:
        account = s.scalar(select(Account))
        assert apply_verdicts(s, account, [Verdict("not_updated", FAIL, "x", {})], as_of=T0, run_id=None,
                              config=config) == []


def _add_warning(store, days_ago: float, *, now, status="resolved", rule="not_updated", source="mediawatch"):
    with store.session() as s:
        account = s.scalar(select(Account))
        w = Warning(account_pk=account.id, rule=rule, status=status, opened_at=now - timedelta(days=days_ago),
                    evidence={}, source=source, updated_at=now, external_id=None)
        s.add(w)
        s.flush()
        return w.id


def test_closure_rule_window_and_revocation(store):
    now = datetime(2026, 11, 23, 9, 0, tzinfo=clock.SHANGHAI)
    ids = [_add_warning(store, d, now=now) for d in (10, 100, 200, 364.9)]
    _add_warning(store, 365.1, now=now)  # outside the trailing 365 days
    with store.session() as s:
        found = candidates(s, CONFIG, now)
    assert [(c.account_id, c.warnings_12m) for c in found] == [("wb-1", 4)]
    assert sorted(found[0].warning_ids) == sorted(ids)
    with store.session() as s:
        revoke(s, ids[0], "申诉成立", "office", now)
    with store.session() as s:
        assert candidates(s, CONFIG, now) == []
    # exactly three is not "more than three"
    with store.session() as s:
        assert candidates(s, CONFIG.with_overrides({"closure": {"max_warnings": 2}}), now)[0].warnings_12m == 3


def test_calendar_year_window(store):
    now = datetime(2026, 2, 1, 9, 0, tzinfo=clock.SHANGHAI)
    for d in (5, 10, 20, 25):
        _add_warning(store, d, now=now)   # all in January 2026... except none before
    _add_warning(store, 40, now=now)      # December 2025
    config = CONFIG.with_overrides({"closure": {"window": "calendar_year"}})
    with store.session() as s:
        assert [c.warnings_12m for c in candidates(s, config, now)] == [4]
        assert [c.warnings_12m for c in candidates(s, CONFIG, now)] == [5]


def test_accounts_list_follows_now(cli, tmp_path):
    (tmp_path / "a.csv").write_text("account_id,platform,name,owner_unit,platform_id\nwb-1,weibo,XX发布,区委宣传部,1\n",
                                    encoding="utf-8")
    cli("accounts", "import", str(tmp_path / "a.csv"))
    store = open_store(cli.db_url)
    now = datetime(2026, 11, 23, 9, 0, tzinfo=clock.SHANGHAI)
    for d in (1, 50, 100, 150):
        _add_warning(store, d, now=now)
    store.dispose()
    row = json.loads(cli("accounts", "list", "--format", "json", now="2026-11-23T09:00:00+08:00").stdout)[0]
    assert (row["warnings_12m"], row["closure_candidate"]) == (4, True)
    row = json.loads(cli("accounts", "list", "--format", "json", now="2027-07-01T09:00:00+08:00").stdout)[0]
    assert (row["warnings_12m"], row["closure_candidate"]) == (3, False)
    closure = json.loads(cli("closure", "--format", "json", now="2026-11-23T09:00:00+08:00").stdout)
    assert closure[0]["account_id"] == "wb-1" and len(closure[0]["warning_ids"]) == 4
    assert set(closure[0]) >= {"account_id", "name", "owner_unit", "warnings_12m", "warning_ids"}


def test_revoke_and_show_through_the_cli(cli, tmp_path):
    (tmp_path / "a.csv").write_text("account_id,platform,name,owner_unit,platform_id\nwb-1,weibo,XX发布,区委宣传部,1\n",
                                    encoding="utf-8")
    cli("accounts", "import", str(tmp_path / "a.csv"))
    store = open_store(cli.db_url)
    now = datetime(2026, 11, 23, 9, 0, tzinfo=clock.SHANGHAI)
    wid = _add_warning(store, 1, now=now, status="open")
    store.dispose()
    listed = json.loads(cli("warnings", "--format", "json", now="2026-11-23T09:00:00+08:00").stdout)
    assert [w["id"] for w in listed] == [wid]
    assert set(listed[0]) >= {"id", "account_id", "platform", "rule", "status", "opened_at", "resolved_at", "deadline",
                              "overdue", "message", "evidence"}
    assert listed[0]["opened_at"].endswith("+08:00")
    cli("warnings", "revoke", str(wid), "--reason", "误报", now="2026-11-23T10:00:00+08:00")
    shown = json.loads(cli("warnings", "show", str(wid), "--format", "json").stdout)
    assert shown["status"] == "revoked"
    assert shown["events"][-1]["kind"] == "revoked" and shown["events"][-1]["reason"] == "误报"
    assert "revoked" in cli("warnings", "show", str(wid)).stdout
    assert cli("warnings", "--format", "json").stdout.strip() == "[]"
    assert "no warning 999" in cli("warnings", "revoke", "999", "--reason", "x", expect=2).stderr
    assert "already revoked" in cli("warnings", "revoke", str(wid), "--reason", "x", expect=2).stderr
    cli("closure", "decide", "wb-1", "--decision", "rectify", "--reason", "限期整改")
    assert "no account" in cli("closure", "decide", "nope", "--decision", "closed", "--reason", "x", expect=2).stderr
