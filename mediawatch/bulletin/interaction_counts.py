"""The yearly interaction figures the 政府网站工作年度报表 asks for (互动交流: 收到留言, 办结留言, 平均办理时间).

For each website with ``interaction`` columns: the messages asked in the bulletin month's calendar
year up to the month's end, as the columns' latest observations before that end show them (each
column's list page as read, so a lower bound when a list is paged), how many were answered, and
the average days from question to answer of those answered.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediawatch.bulletin.period import Month
from mediawatch.store.models import Account
from mediawatch.store.models import Observation as ObservationRow

HEADER = ["账号编号", "网站名称", "主办单位", "互动栏目数", "收到留言（条）", "已回复（条）", "未回复（条）",
          "平均回复用时（天）", "超过90天未回复或逾期回复（条）"]


def yearly(session: Session, month: Month, *, max_days: int = 90) -> list[dict]:
    year_start = date(month.year, 1, 1)
    month_end = month.shift(1).first_day
    latest: dict[tuple[int, str], dict] = {}
    rows = session.execute(
        select(ObservationRow.account_pk, ObservationRow.target, ObservationRow.data)
        .where(ObservationRow.kind == "interaction", ObservationRow.ok.is_(True), ObservationRow.as_of >= month.start,
               ObservationRow.as_of < month.end)
        .order_by(ObservationRow.as_of.desc(), ObservationRow.id.desc()))
    for account_pk, target, data in rows:
        latest.setdefault((account_pk, target or ""), data or {})
    if not latest:
        return []
    accounts = {a.id: a for a in session.scalars(select(Account).where(Account.id.in_({k[0] for k in latest})))}
    by_account: dict[int, dict] = {}
    for (account_pk, _target), data in latest.items():
        entry = by_account.setdefault(account_pk, {"columns": 0, "received": 0, "answered": 0, "days": [], "late": 0})
        entry["columns"] += 1
        for message in data.get("messages") or []:
            try:
                asked = date.fromisoformat(message.get("asked") or "")
            except ValueError:
                continue
            if not year_start <= asked < month_end:
                continue
            entry["received"] += 1
            answered = message.get("answered")
            if answered:
                days = (date.fromisoformat(answered) - asked).days
                entry["answered"] += 1
                entry["days"].append(days)
                entry["late"] += days > max_days
            elif message.get("status") == "pending" and (month_end - asked).days > max_days:
                entry["late"] += 1
    result = []
    for account_pk, entry in sorted(by_account.items(), key=lambda kv: accounts[kv[0]].account_id):
        account = accounts[account_pk]
        days = entry["days"]
        result.append({"account_id": account.account_id, "name": account.name, "owner_unit": account.owner_unit,
                       "columns": entry["columns"], "received": entry["received"], "answered": entry["answered"],
                       "unanswered": entry["received"] - entry["answered"],
                       "average_days": round(sum(days) / len(days), 1) if days else None, "late": entry["late"]})
    return result


def rows(figures: list[dict]) -> list[list]:
    return [[f["account_id"], f["name"], f["owner_unit"], f["columns"], f["received"], f["answered"], f["unanswered"],
             f["average_days"] if f["average_days"] is not None else "—", f["late"]] for f in figures]
