"""The bulletin's additions of issue 16, as plain data: the 19号 verdict beside the strict one (per
account, per platform, the total), the column exemptions of the month, and the 网站基本要求 table
(the site requirements of 国办发〔2017〕47号, from each website's last site_profile observation of the month).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from mediawatch import clock, verdict19
from mediawatch.bulletin.figures import _in_month
from mediawatch.bulletin.period import Month
from mediawatch.config import SITE_RULE_IDS, Config
from mediawatch.exemptions import overlapping
from mediawatch.rules.site_profile import IDENTITY_TITLES
from mediawatch.store.models import AccountCheck, Observation

STRICT_NOTE = ("本通报合格率：检查中发现任一问题（本系统任一预警，含栏目不更新、链接不可用、名称不一致等）"
               "即计为不合格，标准严于国家指标，便于问题在上级检查前整改。")
NATIONAL_NOTE = ("19号口径合格率：按《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）单项否决指标的原文及其数量标准"
                 "判定，出现单项否决情形，或政府网站扣分指标得分低于60分（系统可判的扣分项与办公室录入的自查、检查扣分之和，"
                 "未经判定的扣分项不扣分）计为不合格。")


def add_verdicts(session: Session, config: Config, month: Month, frame: pd.DataFrame, checked: set[int],
                 summary: list[dict[str, Any]]) -> dict[str, Any]:
    """Add the 19号 columns to the accounts frame and the summary rows; the totals for the document."""
    platforms = dict(zip(frame["pk"].tolist(), frame["platform"].tolist()))
    verdicts = verdict19.month_verdicts(session, config, month, platforms, checked)
    frame["v19"] = [verdicts[pk].result for pk in frame["pk"]]
    frame["v19_item"] = [(verdicts[pk].deciding.item if verdicts[pk].deciding else "") for pk in frame["pk"]]
    frame["v19_detail"] = [verdicts[pk].describe() for pk in frame["pk"]]
    frame["v19_items"] = ["、".join(dict.fromkeys(i.item for i in verdicts[pk].failed)) for pk in frame["pk"]]
    frame["v19_score"] = [_score_text(verdicts[pk]) for pk in frame["pk"]]
    frame["v19_deductions"] = [_deduction_text(verdicts[pk]) for pk in frame["pk"]]
    for row in summary:
        pks = frame["pk"] if row["platform"] == "all" else frame.loc[frame["platform"] == row["platform"], "pk"]
        counts = verdict19.totals(verdicts, pks.tolist())
        row.update(failing_19=counts["failing"], passing_19=counts["passing"], pass_rate_19=counts["pass_rate"])
    total = summary[-1]
    failing = frame[frame["v19"] == verdict19.FAILED]
    return {"pass_rate": total["pass_rate_19"], "failing": total["failing_19"], "passing": total["passing_19"],
            "strict_note": STRICT_NOTE, "national_note": NATIONAL_NOTE,
            "scores": sorted(({"owner_unit": r["owner_unit"], "name": r["name"], "score": verdicts[r["pk"]].score.points,
                               "score_text": f"{verdicts[r['pk']].score.points:g}",
                               "below": verdicts[r["pk"]].score.points < config.score19.fail_below,
                               "deductions": r["v19_deductions"]}
                              for r in frame[[_deducted(verdicts[pk]) for pk in frame["pk"]]].to_dict("records")),
                             key=lambda x: (x["score"], x["owner_unit"], x["name"])),
            "failing_accounts": [{"account_id": r["account_id"], "name": r["name"], "platform_title": r["platform_title"],
                                  "owner_unit": r["owner_unit"], "item": r["v19_item"], "detail": r["v19_detail"]}
                                 for r in failing.to_dict("records")]}


def _deducted(verdict: verdict19.Verdict19) -> bool:
    return verdict.score is not None and verdict.score.points is not None and bool(verdict.score.lines)


def _score_text(verdict: verdict19.Verdict19) -> str:
    score = verdict.score
    if score is None:
        return ""
    if score.points is None:
        return "单项否决，不再评分" if verdict.result == verdict19.FAILED else ""
    return f"{score.points:g}" + (f"（{score.note}）" if score.note else "")


def _deduction_text(verdict: verdict19.Verdict19) -> str:
    score = verdict.score
    if score is None or score.points is None:
        return ""
    parts = [f"{line.indicator}·{line.item}" + (f"×{line.count}" if line.count > 1 else "")
             + f"扣{line.points:g}分" + ("（系统）" if line.source == "machine" else f"（{line.reason}）")
             for line in score.lines]
    raw: dict[str, float] = {}
    for line in score.lines:
        raw[line.indicator] = raw.get(line.indicator, 0.0) + line.points
    parts += [f"{name}扣分以该指标总分{capped:g}分为限" for name, capped in score.by_indicator.items()
              if raw.get(name, 0.0) > capped + 1e-9]
    return "；".join(parts)


def unit_rates(rows: list[dict[str, Any]], frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The unit table's rows with each unit's 19号 figures (failing_19, pass_rate_19)."""
    from mediawatch.bulletin.figures import rate

    if frame.empty or "v19" not in frame:
        return rows
    checked = frame[frame["v19"] != verdict19.UNCHECKED].groupby("owner_unit").size().to_dict()
    failing = frame[frame["v19"] == verdict19.FAILED].groupby("owner_unit").size().to_dict()
    for row in rows:
        n, bad = int(checked.get(row["owner_unit"], 0)), int(failing.get(row["owner_unit"], 0))
        row.update(failing_19=bad, pass_rate_19=rate(n - bad, n))
    return rows


def month_exemptions(session: Session, month: Month) -> list[dict[str, Any]]:
    return [e.as_dict() for e in overlapping(session, month.first_day, month.last_day)]


def _yes(value) -> str:
    return "未知" if value is None else "是" if value else "否"


def site_requirements(session: Session, config: Config, month: Month, frame: pd.DataFrame) -> dict[str, Any]:
    """One row per website of the month: its last site_profile observation, item by item (items the office
    turned off are left out)."""
    on = [rule for rule in SITE_RULE_IDS if "website" in config.rules.platforms.get(rule, [])]
    sites = frame[frame["platform"] == "website"]
    pks = sites["pk"].tolist()
    latest: dict[int, dict] = {}
    check = AccountCheck
    for start in range(0, len(pks), 900):
        query = (select(Observation.account_pk, Observation.as_of, Observation.data)
                 .join(check, and_(check.run_id == Observation.run_id, check.account_pk == Observation.account_pk))
                 .where(*_in_month(month), Observation.kind == "site_profile", Observation.ok.is_(True),
                        Observation.account_pk.in_(pks[start:start + 900])))
        for pk, as_of, data in session.execute(query):
            if pk not in latest or as_of > latest[pk]["as_of"]:
                latest[pk] = {"as_of": as_of, "data": data or {}}
    rows = []
    warn_days = config.site_profile.certificate_warn_days
    for site in sites.to_dict("records"):
        seen = latest.get(site["pk"])
        row = {"account_id": site["account_id"], "name": site["name"], "owner_unit": site["owner_unit"],
               "checked_on": clock.local(seen["as_of"]).date().isoformat() if seen else None, "findings": 0}
        data = seen["data"] if seen else {}
        row.update(_cells(data, warn_days, config.site_profile.accessibility_min_score) if seen else {})
        row["findings"] = sum(1 for rule in on if row.get(f"{rule}_bad"))
        rows.append(row)
    return {"items": on, "rows": rows, "counted": list(config.closure.counted_site_rules), "warn_days": warn_days}


def _cells(data: dict, warn_days: int, min_score: int) -> dict[str, Any]:
    cells: dict[str, Any] = {}
    https = data.get("https") or {}
    has_https = bool(https.get("registered") or https.get("final") or https.get("loads"))
    cells["site_https"] = "是" if has_https else ("否" if https.get("loads") is False else "未知")
    cells["site_https_bad"] = cells["site_https"] == "否"
    cert = data.get("certificate")
    if not cert:
        cells["site_certificate"], cells["site_certificate_bad"] = "—", False
    elif cert.get("valid") is False:
        days = cert.get("days_left")
        cells["site_certificate"] = f"已过期{-days}天" if days is not None and days < 0 else "无效"
        cells["site_certificate_bad"] = True
    elif cert.get("valid"):
        days = cert.get("days_left")
        cells["site_certificate"] = f"有效，{days}天后到期"
        cells["site_certificate_bad"] = days is not None and days < warn_days
    else:
        cells["site_certificate"], cells["site_certificate_bad"] = "未知", False
    cells["site_gov_domain"] = _yes(data.get("gov_domain"))
    cells["site_gov_domain_bad"] = data.get("gov_domain") is False
    identity = data.get("identity")
    if identity is None:
        cells["site_identity"], cells["site_identity_bad"] = "未知", False
    else:
        missing = [IDENTITY_TITLES[k] for k in IDENTITY_TITLES if not identity.get(k)]
        words = "缺" + "、".join(missing) if missing else "齐全"
        if identity.get("sponsor_matches") is False:
            words += "；主办单位与登记不一致"
        cells["site_identity"], cells["site_identity_bad"] = words, words != "齐全"
    v6 = data.get("ipv6") or {}
    cells["site_ipv6"] = {True: "支持", False: "不支持"}.get(v6.get("aaaa"), "未知")
    cells["site_ipv6_bad"] = v6.get("aaaa") is False
    for rule, key, field in (("site_mobile", "mobile", "viewport"), ("site_search", "search", "found")):
        found = data.get(key)
        cells[rule] = "未知" if found is None else _yes(found.get(field))
        cells[f"{rule}_bad"] = found is not None and not found.get(field)
    a11y = data.get("accessibility")
    cells["site_accessibility"] = "未知" if a11y is None else f"{a11y.get('score')}分"
    cells["site_accessibility_bad"] = a11y is not None and int(a11y.get("score") or 0) < min_score
    return cells


SITE_HEADERS = {"site_https": "HTTPS", "site_certificate": "证书", "site_gov_domain": "gov.cn域名",
                "site_identity": "网站标识信息", "site_ipv6": "IPv6", "site_mobile": "移动适配",
                "site_search": "搜索功能", "site_accessibility": "适老化/无障碍"}
