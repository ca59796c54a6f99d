"""The 19号 verdict of one month, beside mediawatch's strict one (国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》).

mediawatch's 合格率 fails an account on any counting warning. 19号 fails a site or an account only on a
单项否决 item as it is worded, or a website on a 扣分指标 score below 60 (``score19``: the office's
deductions and the machine's). Per account and month:

- the items are ``[verdict19] website_items`` / ``new_media_items`` (rule id -> the item's words, in
  the order they are judged); an item fails when its rule failed at any evaluated check of the month
  (the 监测时间点 an inspector could have picked), unless a warning the office revoked covers that check;
- 栏目不更新 (websites) is counted per check from the column observations, as 19号 counts it: dynamic
  columns (``dynamic_categories``: news 2 weeks, notice/policy 6 months) not updated >= 5, or columns
  not updated within their limit (any category) >= 10, or blank columns >= 5 (``[verdict19]``). A
  column the office exempted for that day (``mediawatch columns exempt``) is not counted; a column
  we could not load is not counted either (never a failure from missing evidence);
- the result: 未检查 without an evaluated ok check in the month (not in the rate), else 不合格 when an
  item failed, the deciding item being the first failing one in the configured order; else a website is
  scored, and 不合格 below ``[score19] fail_below`` (the deciding item 扣分指标得分低于60分); else 合格.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import String, and_, cast, or_, select
from sqlalchemy.orm import Session

from mediawatch import clock
from mediawatch.bulletin.figures import _in_month, rate
from mediawatch.bulletin.period import Month
from mediawatch.config import Config
from mediawatch.exemptions import Exemption, overlapping
from mediawatch.rules.base import parse_day
from mediawatch.store.models import Account, AccountCheck, Observation, Warning

PASSED, FAILED, UNCHECKED = "合格", "不合格", "未检查"
COLUMNS = "columns"
COLUMN_RULES = ("column_stale", "blank_column")


@dataclass
class ItemResult:
    item: str  # 19号's words
    rule: str
    first_at: datetime
    detail: str


@dataclass
class Verdict19:
    account_pk: int
    result: str
    failed: list[ItemResult] = field(default_factory=list)
    score: Any = None  # websites: their score19.Score (points None when vetoed or unchecked)

    @property
    def deciding(self) -> ItemResult | None:
        return self.failed[0] if self.failed else None

    def describe(self) -> str:
        item = self.deciding
        if item is None:
            return ""
        return f"{item.item}：{item.detail}（{clock.local(item.first_at).date().isoformat()}）"


def items_for(platform: str, config: Config) -> dict[str, str]:
    section = config.verdict19
    return dict(section.website_items if platform == "website" else section.new_media_items)


def revoked_spans(session: Session, month: Month, pks: list[int]) -> dict[tuple[int, str], list[tuple[datetime, datetime | None]]]:
    found: dict[tuple[int, str], list] = defaultdict(list)
    for start in range(0, len(pks), 900):
        rows = session.execute(select(Warning.account_pk, Warning.rule, Warning.opened_at, Warning.resolved_at).where(
            Warning.account_pk.in_(pks[start:start + 900]), Warning.status == "revoked", Warning.opened_at < month.end,
            or_(Warning.resolved_at.is_(None), Warning.resolved_at > month.start)))
        for pk, rule, opened, resolved in rows:
            found[(pk, rule)].append((opened, resolved))
    return found


def covered(spans, at: datetime) -> bool:
    return any(opened <= at and (resolved is None or at < resolved) for opened, resolved in spans)


def month_verdicts(session: Session, config: Config, month: Month, platforms: dict[int, str],
                   checked: set[int]) -> dict[int, Verdict19]:
    """The 19号 verdict of every account in ``platforms`` (pk -> platform); ``checked``: pks with an ok check."""
    pks = sorted(platforms)
    revoked = revoked_spans(session, month, pks)
    failures: dict[int, dict[str, ItemResult]] = defaultdict(dict)

    def note(pk: int, rule: str, at: datetime, detail: str) -> None:
        item = items_for(platforms[pk], config).get(COLUMNS if rule in COLUMN_RULES else rule)
        known = failures[pk].get(rule)
        if item and (known is None or at < known.first_at):
            failures[pk][rule] = ItemResult(item, rule, at, detail)

    # rules judged as they are: a failing verdict at any evaluated check of the month
    query = (select(AccountCheck.account_pk, AccountCheck.as_of, AccountCheck.verdicts)
             .where(*_in_month(month), cast(AccountCheck.verdicts, String).like('%"fail"%')))
    for pk, as_of, verdicts in session.execute(query):
        if pk not in platforms:
            continue
        wanted = items_for(platforms[pk], config)
        for rule, outcome in (verdicts or {}).items():
            if outcome == "fail" and rule in wanted and rule != COLUMNS and not covered(revoked.get((pk, rule), []),
                                                                                      as_of):
                note(pk, rule, as_of, _RULE_DETAIL.get(rule, rule))

    # 栏目不更新, counted per check from the column observations
    websites = [pk for pk in pks if platforms[pk] == "website" and COLUMNS in items_for("website", config)]
    if websites:
        exempt = month_exemptions(session, month)
        for (pk, as_of), columns in column_observations(session, month, websites).items():
            detail = _column_veto(columns, as_of, config, exempt.get(pk, []),
                                  {rule: covered(revoked.get((pk, rule), []), as_of) for rule in COLUMN_RULES})
            if detail:
                note(pk, "column_stale", as_of, detail)

    result: dict[int, Verdict19] = {}
    for pk in pks:
        if pk not in checked:
            result[pk] = Verdict19(pk, UNCHECKED)
            continue
        order = list(items_for(platforms[pk], config))
        failed = sorted(failures.get(pk, {}).values(),
                        key=lambda r: (order.index(COLUMNS if r.rule in COLUMN_RULES else r.rule), r.first_at))
        result[pk] = Verdict19(pk, FAILED if failed else PASSED, failed)
    _add_scores(session, config, month, result, [pk for pk in pks if platforms[pk] == "website"])
    return result


def _add_scores(session: Session, config: Config, month: Month, result: dict[int, Verdict19], websites: list[int]) -> None:
    """19号: a website with no 单项否决 item is scored on the 扣分指标; below 60 it is 不合格."""
    from mediawatch import score19

    if not websites:
        return
    ids: dict[int, str] = {}
    for start in range(0, len(websites), 900):
        ids.update(session.execute(select(Account.id, Account.account_id)
                                   .where(Account.id.in_(websites[start:start + 900]))).all())
    scored = {pk for pk in websites if result[pk].result == PASSED}
    scores = score19.month_scores(session, config, month, ids, scored)
    for pk in websites:
        verdict = result[pk]
        verdict.score = scores.get(pk)
        if verdict.score is not None and score19.fails(verdict.score, config):
            verdict.result = FAILED
            at = verdict.score.worst_check or month.start
            verdict.failed.append(ItemResult(score19.SCORE_ITEM, "score19", at, score19.describe(verdict.score, config)))


_RULE_DETAIL = {
    "unavailable": "首页无法访问次数超过监测次数的5%",
    "homepage_not_updated": "首页栏目信息监测时间点前2周内无更新",
    "severe_typo": "出现严重错别字或严重表述错误",
    "interaction_unanswered": "网民留言长期未回应",
    "privacy_leak": "泄露个人隐私信息",
    "hidden_links": "存在暗链或非法外链",
    "not_updated": "监测时间点前2周内无更新",
    "account_gone": "账号被封禁或注销，监测时间点前2周内无更新",
}


def month_exemptions(session: Session, month: Month) -> dict[int, list[Exemption]]:
    found: dict[int, list[Exemption]] = defaultdict(list)
    for exemption in overlapping(session, month.first_day, month.last_day):
        found[exemption.account_pk].append(exemption)
    return found


def column_observations(session: Session, month: Month, pks: list[int]):
    found: dict[tuple[int, datetime], list[Observation]] = defaultdict(list)
    check = AccountCheck
    for start in range(0, len(pks), 900):
        query = (select(Observation).join(check, and_(check.run_id == Observation.run_id,
                                                      check.account_pk == Observation.account_pk))
                 .where(*_in_month(month), check.outcome == "ok", Observation.kind == "column",
                        Observation.account_pk.in_(pks[start:start + 900])))
        for row in session.scalars(query):
            found[(row.account_pk, row.as_of)].append(row)
    return found


@dataclass
class ColumnCounts:
    dynamic: int = 0  # dynamic columns (news/notice/policy) not updated within their limit
    stale: int = 0  # columns of any category not updated within their limit
    blank: int = 0
    exempted: int = 0


def column_counts(columns: list[Observation], as_of: datetime, config: Config, exempt: list[Exemption],
                  revoked: dict[str, bool]) -> ColumnCounts:
    """19号's column counts at one check: exempted columns and columns we could not load are not counted,
    nor a rule's columns while a revoked warning of that rule covers the check."""
    section = config.verdict19
    limits = config.rules.column_max_silence_days
    day = clock.local(as_of).date()
    counts = ColumnCounts()
    for o in columns:
        url = (o.data or {}).get("url") or o.target
        if any(e.url == url and e.covers(day) for e in exempt):
            counts.exempted += 1
            continue
        if not o.ok:
            continue  # not seen: never counted
        data = o.data or {}
        if not data.get("items"):
            counts.blank += 0 if revoked["blank_column"] else 1
            continue
        limit = limits.get(data.get("category"))
        if limit is None or revoked["column_stale"]:
            continue
        newest = parse_day(data.get("newest_date"))
        if newest is None or (day - newest).days > limit:
            counts.stale += 1
            counts.dynamic += data.get("category") in section.dynamic_categories
    return counts


def _column_veto(columns: list[Observation], as_of: datetime, config: Config, exempt: list[Exemption],
                 revoked: dict[str, bool]) -> str | None:
    """19号's column counts at one check; the words of the failing count, or None."""
    section = config.verdict19
    counts = column_counts(columns, as_of, config, exempt, revoked)
    note = f"（另有{counts.exempted}个栏目经批准豁免）" if counts.exempted else ""
    if counts.dynamic >= section.stale_dynamic_columns_min:
        return f"动态要闻、通知公告、政策文件类栏目{counts.dynamic}个未按时更新{note}"
    if counts.stale >= section.stale_columns_min:
        return f"应更新但长期未更新的栏目{counts.stale}个{note}"
    if counts.blank >= section.blank_columns_min:
        return f"空白栏目{counts.blank}个{note}"
    return None


def totals(verdicts: dict[int, Verdict19], pks) -> dict:
    chosen = [verdicts[pk] for pk in pks if pk in verdicts]
    checked = sum(1 for v in chosen if v.result != UNCHECKED)
    failing = sum(1 for v in chosen if v.result == FAILED)
    return {"checked": checked, "failing": failing, "passing": checked - failing,
            "pass_rate": rate(checked - failing, checked)}
