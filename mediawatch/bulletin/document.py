"""Everything a bulletin shows, as plain data for the template and the annex (no HTML here).

Built from ``figures.month_status`` of the month, the previous month (for the 复核 of its
problems) and the eleven before it (the 合格率 trend), and from the closure rule as of the
month's end. See ``figures`` for what each number means.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from mediawatch import clock, closure
from mediawatch.bulletin.figures import (ACCOUNT_FIELDS, US, StoredTimes, from_micros, micros, month_counts,
                                        month_status, population, rate, stored)
from mediawatch.bulletin.period import Month
from mediawatch.config import PLATFORMS, Config
from mediawatch.notices.collect import window_label
from mediawatch.rules.catalog import PLATFORM_TITLES, rule_title
from mediawatch.store.models import Account, ClosureDecision, Warning

TREND_MONTHS = 12
ID_CHUNK = 500
DECISION_TITLES = {"closed": "关停", "rectify": "限期整改", "exempt": "暂不关停"}
LAST_UPDATE_RULES = ("not_updated", "homepage_not_updated", "column_stale")


@dataclass
class ProblemRow:
    warning_id: int
    account_id: str
    account_name: str
    platform: str
    platform_title: str
    owner_unit: str
    problem: str
    source: str | None
    description: str
    last_update: str | None
    opened: datetime
    deadline: datetime | None
    resolved: datetime | None
    state: str  # open | overdue | resolved (at the month's end)
    warnings_12m: int
    days_overdue: int | None = None  # calendar days past the deadline on the month's last day


@dataclass
class UnitProblems:
    name: str
    accounts: int
    rows: list[ProblemRow] = field(default_factory=list)


@dataclass
class CandidateRow:
    account_id: str
    name: str
    platform_title: str
    owner_unit: str
    warnings_12m: int
    warnings: list[tuple[datetime, str]]
    decision: str | None
    decision_reason: str | None
    decided_at: datetime | None


@dataclass
class Document:
    month: Month
    issued: date
    title: str
    doc_number: str
    addressees: str
    basis: str
    office: dict[str, Any]
    requirements: str
    deadline: date
    method: dict[str, Any]
    summary: list[dict[str, Any]]  # per platform, then the total ("all")
    totals: dict[str, Any]
    previous_rate: str | None
    rate_change: str | None  # percentage points, signed ("+0.52"), None when not comparable
    problem_types: list[dict[str, Any]]
    trend: list[dict[str, Any]]
    units: list[UnitProblems]
    overdue: list[ProblemRow]
    recheck: list[ProblemRow]
    recheck_totals: dict[str, Any]
    candidates: list[CandidateRow]
    decisions: list[dict[str, Any]]
    unit_table: list[dict[str, Any]]
    accounts: pd.DataFrame
    closure_limit: int
    window_label: str  # how the closure window reads: 近12个月, 本年度, ...
    # issue 17: 整改反馈 state of the listed warnings at the month's end, and the month's 报备 windows
    feedback: dict[int, str] = field(default_factory=dict)
    maintenance: list[dict[str, Any]] = field(default_factory=list)
    # issue 16: the 19号 verdict beside the strict one, column exemptions, the 网站基本要求 table
    verdict19: dict[str, Any] = field(default_factory=dict)
    exemptions: list[dict[str, Any]] = field(default_factory=list)
    site_requirements: dict[str, Any] = field(default_factory=dict)

    @property
    def problems_total(self) -> int:
        return sum(p["count"] for p in self.problem_types)

    @property
    def problem_accounts(self) -> int:
        return sum(unit.accounts for unit in self.units)

    def figures(self) -> dict[str, Any]:
        """The numbers, JSON-ready (stored on the ``bulletins`` row, compared by tests)."""
        return {
            "month": self.month.key, **self.totals,
            "by_platform": {row["platform"]: {k: row[k] for k in ("registered", "checked", "unchecked", "failing",
                                                                  "passing", "pass_rate")}
                            for row in self.summary if row["platform"] != "all"},
            "previous_pass_rate": self.previous_rate, "rate_change": self.rate_change,
            "problems": {p["rule"]: {k: p[k] for k in ("count", "accounts", "share")} for p in self.problem_types},
            "problems_total": self.problems_total,
            "trend": self.trend,
            "overdue": len(self.overdue), "overdue_ids": [r.warning_id for r in self.overdue],
            "recheck": self.recheck_totals,
            "candidates": [c.account_id for c in self.candidates],
            "decisions": len(self.decisions),
            "method": self.method,
            "feedback": {state: sum(1 for v in self.feedback.values() if v == state)
                         for state in sorted(set(self.feedback.values()))},
            "maintenance_windows": len(self.maintenance),
            # issue 16
            "pass_rate_19": self.verdict19.get("pass_rate"), "failing_19": self.verdict19.get("failing"),
            "failing_19_ids": [a["account_id"] for a in self.verdict19.get("failing_accounts", [])],
            "exemptions": len(self.exemptions),
        }


def _fill(template: str, **values: Any) -> str:
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return template


def _cn(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _accounts_by_pk(session: Session, pks: set[int], known: dict[int, Any]) -> dict[int, Any]:
    """Rows of ``figures.ACCOUNT_FIELDS`` of the given accounts: those of the month's population as read,
    the others (an account no longer registered) from the database."""
    found = {pk: known[pk] for pk in pks if pk in known}
    missing = sorted(pks - found.keys())
    for i in range(0, len(missing), ID_CHUNK):
        for account in session.execute(select(*ACCOUNT_FIELDS).where(Account.id.in_(missing[i:i + ID_CHUNK]))):
            found[account.id] = account
    return found


def _details(session: Session, ids: list[int], rules: dict[int, str]) -> dict[int, tuple[str, Any]]:
    """(message, last-update text) of the given warnings; evidence is read only where it holds a date."""
    found: dict[int, tuple[str, Any]] = {}
    ordered = sorted(set(ids))
    for i in range(0, len(ordered), ID_CHUNK):
        chunk = ordered[i:i + ID_CHUNK]
        with_dates = [w for w in chunk if rules.get(w) in LAST_UPDATE_RULES]
        evidence = dict(session.execute(select(Warning.id, Warning.evidence).where(Warning.id.in_(with_dates))).all()) \
            if with_dates else {}
        for warning_id, message in session.execute(select(Warning.id, Warning.message).where(Warning.id.in_(chunk))):
            found[warning_id] = (message or "", last_update(rules.get(warning_id, ""), evidence.get(warning_id)))
    return found


def last_update(rule: str, evidence: dict | None) -> str | None:
    """The last update date seen at the check, as YYYY-MM-DD (or a short note), from a warning's evidence."""
    if not evidence:
        return None
    if rule == "not_updated":
        if evidence.get("no_posts"):
            return "无发布内容"
        value = evidence.get("latest_post_at")
        if not value:
            return None
        try:
            return clock.local(clock.parse_datetime(str(value))).date().isoformat()
        except ValueError:
            return str(value)[:10]
    if rule == "homepage_not_updated":
        return evidence.get("newest_date") or "无带日期信息"
    if rule == "column_stale":
        dates = sorted(c.get("newest_date") for c in evidence.get("columns", []) if c.get("newest_date"))
        return dates[0] if dates else "无带日期信息"
    return None


def _rows(frame: pd.DataFrame, accounts: dict[int, Any], details: dict[int, tuple[str, Any]],
          counts: dict[int, int], month: Month) -> list[ProblemRow]:
    end_micros = micros(month.end)
    at = lru_cache(maxsize=None)(from_micros)  # warnings share their check times: each converted once

    @lru_cache(maxsize=None)
    def days_overdue(deadline: int) -> int:
        return (month.last_day - clock.local(at(deadline)).date()).days

    columns = [frame[name].tolist() for name in ("id", "account_pk", "rule", "source", "opened_at", "resolved_at",
                                                 "deadline")]
    rows = []
    for warning_id, account_pk, rule, source, opened, resolved, deadline in zip(*columns):
        account = accounts[account_pk]
        message, updated = details.get(warning_id, ("", None))
        open_end = resolved >= end_micros
        state = ("overdue" if deadline < end_micros else "open") if open_end else "resolved"
        rows.append(ProblemRow(
            warning_id=int(warning_id), account_id=account.account_id, account_name=account.name,
            platform=account.platform, platform_title=PLATFORM_TITLES.get(account.platform, account.platform),
            owner_unit=account.owner_unit, problem=rule_title(rule), source=None if source == "mediawatch" else source,
            description=message, last_update=updated, opened=at(opened), deadline=at(deadline),
            resolved=None if open_end else at(resolved), state=state, warnings_12m=counts.get(int(account_pk), 0),
            days_overdue=days_overdue(deadline) if state == "overdue" else None))
    return rows


def _candidates(session: Session, config: Config, month: Month, as_of: datetime) -> list[CandidateRow]:
    found = closure.candidates(session, config, as_of)
    if not found:
        return []
    ids = [w for c in found for w in c.warning_ids]
    detail: dict[int, tuple[datetime, str]] = {}
    times, titles = StoredTimes(), {}
    for i in range(0, len(ids), ID_CHUNK):
        for warning_id, opened, rule in session.execute(
                select(Warning.id, stored(Warning.opened_at), Warning.rule).where(Warning.id.in_(ids[i:i + ID_CHUNK]))):
            title = titles.get(rule) or titles.setdefault(rule, rule_title(rule))
            detail[warning_id] = (times[opened], title)
    decisions: dict[int, ClosureDecision] = {}
    for d in session.scalars(select(ClosureDecision).where(ClosureDecision.decided_at < month.end)
                             .order_by(ClosureDecision.decided_at, ClosureDecision.id)):
        decisions[d.account_pk] = d
    rows = []
    for c in found:
        d = decisions.get(c.account_pk)
        rows.append(CandidateRow(
            account_id=c.account_id, name=c.name, platform_title=PLATFORM_TITLES.get(c.platform, c.platform),
            owner_unit=c.owner_unit, warnings_12m=c.warnings_12m,
            warnings=[detail[w] for w in c.warning_ids if w in detail],
            decision=DECISION_TITLES.get(d.decision, d.decision) if d else None,
            decision_reason=d.reason if d else None, decided_at=d.decided_at if d else None))
    rows.sort(key=lambda r: (-r.warnings_12m, r.owner_unit, r.account_id))
    return rows


def _decisions(session: Session, month: Month) -> list[dict[str, Any]]:
    rows = session.execute(
        select(ClosureDecision, Account).join(Account, Account.id == ClosureDecision.account_pk)
        .where(ClosureDecision.decided_at >= month.start, ClosureDecision.decided_at < month.end)
        .order_by(ClosureDecision.decided_at, ClosureDecision.id)).all()
    return [{"account_id": a.account_id, "name": a.name, "platform_title": PLATFORM_TITLES.get(a.platform, a.platform),
             "owner_unit": a.owner_unit, "decision": DECISION_TITLES.get(d.decision, d.decision), "reason": d.reason,
             "decided_at": d.decided_at} for d, a in rows]


def _summary(frame: pd.DataFrame) -> list[dict[str, Any]]:
    rows = []
    for platform in list(PLATFORMS) + ["all"]:
        part = frame if platform == "all" else frame[frame["platform"] == platform]
        if platform != "all" and part.empty:
            continue
        registered, checked = len(part), int(part["checked"].sum())
        failing = int(part["failing"].sum())
        rows.append({"platform": platform, "title": "合计" if platform == "all" else PLATFORM_TITLES[platform],
                     "registered": registered, "checked": checked, "unchecked": registered - checked,
                     "failing": failing, "passing": checked - failing, "pass_rate": rate(checked - failing, checked)})
    return rows


def _unit_table(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """One row per owner unit of the registered accounts, the units with most failing accounts first."""
    if frame.empty:
        return []
    grouped = frame.groupby("owner_unit", sort=True).agg(
        registered=("account_id", "count"), checked=("checked", "sum"), failing=("failing", "sum"),
        problems=("problems", "sum"), open_end=("open_end", "sum"), overdue_end=("overdue_end", "sum"),
        candidates=("candidate", "sum"))
    rows = []
    for unit, g in grouped.iterrows():
        checked, failing = int(g["checked"]), int(g["failing"])
        rows.append({"owner_unit": unit, "registered": int(g["registered"]), "checked": checked, "failing": failing,
                     "passing": checked - failing, "pass_rate": rate(checked - failing, checked),
                     "problems": int(g["problems"]), "open_end": int(g["open_end"]),
                     "overdue_end": int(g["overdue_end"]), "candidates": int(g["candidates"])})
    rows.sort(key=lambda r: (-r["failing"], -r["problems"], r["owner_unit"]))
    return rows


def build(session: Session, config: Config, month: Month, now: datetime) -> Document:
    as_of = month.end - US  # the last instant of the month, for rules counted "as of" a time
    current = month_status(session, month)
    previous = month_status(session, month.previous())
    trend = []
    for back in range(TREND_MONTHS - 1, -1, -1):
        m = month.shift(-back)
        counts = current.figures() if back == 0 else previous.figures() if back == 1 else month_counts(session, m)
        trend.append({**counts, "label": f"{m.month}月", "year": m.year})

    counts = closure.warning_counts(session, config, as_of)
    candidates = _candidates(session, config, month, as_of)
    candidate_ids = {c.account_id for c in candidates}
    failing = current.failing
    counting = current.counting
    per_account_problems = counting.groupby("account_pk")["rule"].agg(list).to_dict()
    open_end = current.warnings[current.warnings["open_end"]].groupby("account_pk").size().to_dict()
    overdue_end = current.warnings[current.warnings["overdue_end"]].groupby("account_pk").size().to_dict()
    check_pks = current.checks["account_pk"].tolist()
    checks_ok = dict(zip(check_pks, current.checks["ok"].tolist()))
    checks_failed = dict(zip(check_pks, current.checks["failed"].tolist()))

    records = []
    registered: dict[int, Any] = {}
    for account in population(session, month, current.attempted):
        pk = account.id
        registered[pk] = account
        rules = per_account_problems.get(pk, [])
        records.append({
            "pk": pk, "account_id": account.account_id, "platform": account.platform,
            "platform_title": PLATFORM_TITLES.get(account.platform, account.platform), "name": account.name,
            "owner_unit": account.owner_unit, "supervisor_unit": account.supervisor_unit or "",
            "url": account.url or account.feed_url or "",
            "checks_ok": int(checks_ok.get(pk, 0)), "checks_failed": int(checks_failed.get(pk, 0)),
            "checked": pk in current.checked, "failing": pk in failing, "problems": len(rules),
            "problem_types": "、".join(dict.fromkeys(rule_title(r) for r in rules)),
            "open_end": int(open_end.get(pk, 0)), "overdue_end": int(overdue_end.get(pk, 0)),
            "warnings_12m": counts.get(pk, 0), "candidate": account.account_id in candidate_ids})
    accounts_frame = pd.DataFrame.from_records(records, columns=[
        "pk", "account_id", "platform", "platform_title", "name", "owner_unit", "supervisor_unit", "url", "checks_ok",
        "checks_failed", "checked", "failing", "problems", "problem_types", "open_end", "overdue_end", "warnings_12m",
        "candidate"])

    # the rows of 二、存在问题, the overdue list and the 复核 of last month's problems
    overdue_frame = current.warnings[current.warnings["overdue_end"]]
    recheck_frame = previous.counting
    wanted = pd.concat([counting, overdue_frame, recheck_frame])
    accounts = _accounts_by_pk(session, set(wanted["account_pk"].tolist()), registered)
    details = _details(session, counting["id"].tolist() + overdue_frame["id"].tolist() + recheck_frame["id"].tolist(),
                       dict(zip(wanted["id"].tolist(), wanted["rule"].tolist())))
    problem_rows = _rows(counting, accounts, details, counts, month)
    by_unit: dict[str, UnitProblems] = {}
    for row in problem_rows:
        by_unit.setdefault(row.owner_unit, UnitProblems(row.owner_unit, 0)).rows.append(row)
    for unit in by_unit.values():
        unit.accounts = len({r.account_id for r in unit.rows})
        unit.rows.sort(key=lambda r: (r.account_id, r.opened, r.warning_id))
    units = sorted(by_unit.values(), key=lambda u: (-u.accounts, -len(u.rows), u.name))
    overdue = sorted(_rows(overdue_frame, accounts, details, counts, month),
                     key=lambda r: (r.deadline or r.opened, r.owner_unit, r.warning_id))
    recheck = sorted(_rows(recheck_frame, accounts, details, counts, month),
                     key=lambda r: (r.state == "resolved", r.owner_unit, r.account_id, r.warning_id))
    fixed = sum(1 for r in recheck if r.state == "resolved")

    total = int(len(counting))
    problem_types = []
    if total:
        by_rule = counting.groupby("rule").agg(count=("id", "count"), accounts=("account_pk", "nunique")).reset_index()
        for r in by_rule.sort_values(["count", "rule"], ascending=[False, True], kind="stable").itertuples():
            problem_types.append({"rule": r.rule, "title": rule_title(r.rule), "count": int(r.count),
                                  "accounts": int(r.accounts), "share": rate(int(r.count), total)})

    summary = _summary(accounts_frame)
    # --- issue 16 ---
    from mediawatch.bulletin import verdicts as issue16

    national = issue16.add_verdicts(session, config, month, accounts_frame, current.checked, summary)
    exempt = issue16.month_exemptions(session, month)
    site_table = issue16.site_requirements(session, config, month, accounts_frame)
    # --- end issue 16 ---
    totals = {k: v for k, v in summary[-1].items() if k not in ("platform", "title")}
    previous_rate = trend[-2]["pass_rate"]
    change = None
    if totals["pass_rate"] is not None and previous_rate is not None:
        change = f"{Decimal(totals['pass_rate']) - Decimal(previous_rate):+.2f}"

    issued = clock.local(now).date()
    deadline = issued + timedelta(days=config.bulletin.rectify_days)
    values = {"region": config.bulletin.region, "year": month.year, "month": month.month,
              "short_name": config.office.short_name, "office": config.office.name}
    method = {"runs": sum(current.runs.values()), "runs_degraded": current.runs.get("degraded", 0),
              "account_checks": int(current.checks["ok"].sum() + current.checks["failed"].sum()),
              "account_checks_failed": int(current.checks["failed"].sum()),
              "probes_per_day": config.schedule.probes_per_day}
    return Document(
        month=month, issued=issued, title=_fill(config.bulletin.title_template, **values),
        doc_number=_fill(config.bulletin.doc_number, **values), addressees=config.bulletin.addressees,
        basis=config.bulletin.basis, office=config.office.as_dict(),
        requirements=_fill(config.bulletin.requirements, deadline=_cn(deadline), **values), deadline=deadline,
        method=method, summary=summary, totals=totals, previous_rate=previous_rate, rate_change=change,
        problem_types=problem_types, trend=trend, units=units, overdue=overdue, recheck=recheck,
        recheck_totals={"total": len(recheck), "fixed": fixed, "unfixed": len(recheck) - fixed,
                        "fixed_rate": rate(fixed, len(recheck))},
        candidates=candidates, decisions=_decisions(session, month), unit_table=issue16.unit_rates(_unit_table(accounts_frame), accounts_frame),
        accounts=accounts_frame, closure_limit=config.closure.max_warnings, window_label=window_label(config),
        verdict19=national, exemptions=exempt, site_requirements=site_table,
        **_owners(session, month, [r.warning_id for r in overdue + recheck + problem_rows]))



def _owners(session: Session, month: Month, warning_ids: list[int]) -> dict[str, Any]:
    """Issue 17: the feedback state of the listed warnings at the month's end, the month's 报备 windows."""
    from mediawatch import feedback, maintenance

    return {"feedback": feedback.states(session, sorted(set(warning_ids)), until=month.end),
            "maintenance": maintenance.windows_between(session, month.start, month.end)}
