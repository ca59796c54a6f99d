"""The 19号 扣分指标 score of a website for one month, beside its 单项否决 items (verdict19).

What 19号's 指标说明 fixes, and this module follows (config ``[score19]``, each key with its source):
the 扣分指标 are worth 100 points; a site with a 单项否决 item is 不合格 and not scored further; else a
score below 60 is 不合格; an indicator's deductions never exceed its total; a department site without
external services is not checked on 办事服务, its score counted out of 75 and multiplied by 4/3.
政务新媒体 are judged on the 单项否决 items only, so only websites are scored. The 加分指标 (门户网站,
above 80 points) are not computed.

The deductions come from two places:

- **the machine** (``machine_items``), per occurrence at the month's worst evaluated check (the
  监测时间点 an inspector could have picked): broken links on the home page and on other pages (each
  link already retried by the checker; throttled and skipped links are not broken), columns not updated within their limit and blank columns
  (not exempted), no site search, an incomplete footer identity block. A revoked warning covering the
  check removes its rule's deductions. Each item's points are the office's (0 by default: not scored);
- **the office** (``deductions``): what a person judged in a 自查 or an inspection, for the month.

The score is therefore an upper bound of 19号's: an item nobody judged costs nothing, so a site is
never failed for what was not seen.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediawatch import deductions, verdict19
from mediawatch.bulletin.figures import _in_month
from mediawatch.bulletin.period import Month
from mediawatch.config import Config
from mediawatch.store.models import AccountCheck, Observation

SCORE_ITEM = "扣分指标得分低于60分"
ITEM_WORDS = {
    "home_broken_link": "首页链接不可用", "inner_broken_link": "其他页面链接不可用", "stale_column": "栏目未按时更新",
    "blank_column": "空白栏目", "site_search": "未提供站内搜索", "site_identity": "网站标识信息不全",
}


@dataclass
class Line:
    indicator: str
    item: str
    points: float  # before the indicator's cap
    source: str  # machine | office
    count: int = 1
    reason: str = ""
    deduction_id: int | None = None

    def as_dict(self) -> dict:
        return {"indicator": self.indicator, "item": self.item, "points": round(self.points, 2), "source": self.source,
                "count": self.count, "reason": self.reason, "id": self.deduction_id}


@dataclass
class Score:
    account_pk: int
    points: float | None  # None: not scored (vetoed, or not checked this month)
    full: float
    lines: list[Line] = field(default_factory=list)
    by_indicator: dict[str, float] = field(default_factory=dict)  # after the caps
    scaled: bool = False  # counted out of no_service_full, then scaled to full_marks
    worst_check: datetime | None = None
    note: str = ""

    def as_dict(self) -> dict:
        return {"score": self.points, "full": self.full, "scaled": self.scaled, "note": self.note,
                "by_indicator": {k: round(v, 2) for k, v in self.by_indicator.items()},
                "deductions": [line.as_dict() for line in self.lines]}


def _points(config: Config) -> dict[str, tuple[str, float]]:
    """Machine items the office scores: key -> (indicator, points per occurrence)."""
    return {key: (item["indicator"], float(item["points"]))
            for key, item in config.score19.machine_items.items() if float(item["points"]) > 0}


def _machine_lines(session: Session, config: Config, month: Month, pks: list[int]) -> dict[int, tuple[datetime, list[Line]]]:
    """Per website: its worst evaluated check of the month and that check's machine deductions."""
    scored = _points(config)
    if not scored or not pks:
        return {}
    revoked = verdict19.revoked_spans(session, month, pks)

    def kept(pk: int, rule: str, at: datetime) -> bool:
        return not verdict19.covered(revoked.get((pk, rule), []), at)

    counts: dict[tuple[int, datetime], dict[str, int]] = defaultdict(dict)
    checks = {}
    for start in range(0, len(pks), 900):
        part = pks[start:start + 900]
        query = (select(AccountCheck.account_pk, AccountCheck.as_of, AccountCheck.run_id, AccountCheck.verdicts)
                 .where(*_in_month(month), AccountCheck.outcome == "ok", AccountCheck.account_pk.in_(part)))
        for pk, as_of, run_id, verdicts in session.execute(query):
            checks[(pk, as_of)] = (run_id, verdicts or {})
            for key in ("site_search", "site_identity"):
                if key in scored and (verdicts or {}).get(key) == "fail" and kept(pk, key, as_of):
                    counts[(pk, as_of)][key] = 1
    if {"home_broken_link", "inner_broken_link"} & set(scored):
        read = [(pk, as_of, run_id) for (pk, as_of), (run_id, _) in checks.items() if kept(pk, "broken_links", as_of)]
        for pk, as_of, broken in _broken(session, read):
            home = sum(1 for b in broken if b.get("on_homepage"))
            counts[(pk, as_of)].update(home_broken_link=home, inner_broken_link=len(broken) - home)
    if {"stale_column", "blank_column"} & set(scored):
        exempt = verdict19.month_exemptions(session, month)
        for (pk, as_of), columns in verdict19.column_observations(session, month, pks).items():
            found = verdict19.column_counts(columns, as_of, config, exempt.get(pk, []),
                                            {r: not kept(pk, r, as_of) for r in verdict19.COLUMN_RULES})
            counts[(pk, as_of)].update(stale_column=found.stale, blank_column=found.blank)
    worst: dict[int, tuple[datetime, list[Line]]] = {}
    for (pk, as_of), found in sorted(counts.items(), key=lambda kv: kv[0][1]):
        lines = [Line(scored[key][0], ITEM_WORDS[key], scored[key][1] * n, "machine", n)
                 for key, n in found.items() if key in scored and n > 0]
        total = sum(line.points for line in lines)
        if lines and (pk not in worst or total > sum(line.points for line in worst[pk][1])):
            worst[pk] = (as_of, lines)
    return worst


def _broken(session: Session, checks: list[tuple[int, datetime, int]]):
    by_run: dict[int, dict[int, datetime]] = defaultdict(dict)
    for pk, as_of, run_id in checks:
        by_run[run_id][pk] = as_of
    for run_id, accounts in by_run.items():
        pks = sorted(accounts)
        for start in range(0, len(pks), 900):
            query = select(Observation.account_pk, Observation.data).where(
                Observation.run_id == run_id, Observation.kind == "links",
                Observation.account_pk.in_(pks[start:start + 900]))
            for pk, data in session.execute(query):
                yield pk, accounts[pk], (data or {}).get("broken") or []


def month_scores(session: Session, config: Config, month: Month, websites: dict[int, str],
                 scored: set[int]) -> dict[int, Score]:
    """The score of each website in ``websites`` (pk -> account id) that is in ``scored`` (checked this
    month, no 单项否决 item); the others get a Score without points."""
    section = config.score19
    caps = deductions.indicator_caps(config)
    pks = sorted(pk for pk in websites if pk in scored)
    machine = _machine_lines(session, config, month, pks)
    office: dict[int, list[Line]] = defaultdict(list)
    for d in deductions.of_month(session, month.key, pks):
        office[d.account_pk].append(Line(d.indicator, d.item, d.points, "office", 1, d.reason, d.id))
    result = {}
    for pk, account_id in websites.items():
        if pk not in scored:
            result[pk] = Score(pk, None, float(section.full_marks))
            continue
        at, lines = machine.get(pk, (None, []))
        lines = lines + office.get(pk, [])
        scaled = account_id in section.no_service_accounts
        full = float(section.no_service_full if scaled else section.full_marks)
        note = ""
        if scaled:
            dropped = [line for line in lines if line.indicator == section.service_indicator]
            lines = [line for line in lines if line.indicator != section.service_indicator]
            note = f"不具有对外服务职能，不检查{section.service_indicator}指标，按{section.no_service_full}分计再乘以" \
                   f"{section.full_marks}/{section.no_service_full}" + (f"（{len(dropped)}项扣分不计）" if dropped else "")
        by_indicator: dict[str, float] = defaultdict(float)
        for line in lines:
            by_indicator[line.indicator] += line.points
        for name, total in by_indicator.items():
            if caps.get(name):
                by_indicator[name] = min(total, caps[name])
        points = max(0.0, full - sum(by_indicator.values()))
        if scaled:
            points = points * section.full_marks / section.no_service_full
        result[pk] = Score(pk, round(points, 2), float(section.full_marks), lines, dict(by_indicator), scaled, at, note)
    return result


def fails(score: Score, config: Config) -> bool:
    return score.points is not None and score.points < config.score19.fail_below


def describe(score: Score, config: Config) -> str:
    worst = sorted(score.by_indicator.items(), key=lambda kv: -kv[1])[:3]
    parts = "、".join(f"{name}扣{points:g}分" for name, points in worst if points > 0)
    return f"扣分指标得分{score.points:g}分，低于{config.score19.fail_below}分" + (f"（{parts}）" if parts else "")


def month_table(session: Session, config: Config, month: Month, account_id: str | None = None) -> list[dict]:
    """Each registered website's 19号 verdict and score for ``month`` (``score show``)."""
    from mediawatch.errors import BadInput
    from mediawatch.store.models import Account

    query = select(Account.id, Account.account_id, Account.name, Account.owner_unit).where(Account.platform == "website")
    if account_id:
        query = query.where(Account.account_id == account_id)
    sites = {pk: (aid, name, unit) for pk, aid, name, unit in session.execute(query.order_by(Account.account_id))}
    if account_id and not sites:
        raise BadInput(f"--account: {account_id!r} is not a registered website")
    checked = set()
    pks = sorted(sites)
    for start in range(0, len(pks), 900):
        checked.update(session.scalars(select(AccountCheck.account_pk).distinct().where(
            *_in_month(month), AccountCheck.outcome == "ok", AccountCheck.account_pk.in_(pks[start:start + 900]))))
    verdicts = verdict19.month_verdicts(session, config, month, {pk: "website" for pk in pks}, checked)
    rows = []
    for pk in pks:
        verdict, score = verdicts[pk], verdicts[pk].score
        rows.append({"account_id": sites[pk][0], "name": sites[pk][1], "owner_unit": sites[pk][2],
                     "verdict19": verdict.result,
                     "deciding": verdict.describe(), **(score.as_dict() if score else {"score": None, "deductions": []})})
    return rows


__all__ = ["SCORE_ITEM", "Score", "Line", "month_scores", "month_table", "fails", "describe"]
