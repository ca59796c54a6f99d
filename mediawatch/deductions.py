"""The office's 扣分 against a website for one month (19号 扣分指标).

Most of 19号's 扣分 items need a person: 办事指南要素, 解读材料, 咨询答复的质量. The office records what
its 自查 or an inspection found (``mediawatch score deduct``, or a CSV through ``score import``), each
with the indicator it falls under, the item, the points and the reason; ``score19`` adds them to what
the machine can see. A deduction is withdrawn with a reason (kept, never deleted).

Bad input names file, line and field (or the option), exits 2, and writes nothing.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediawatch import clock
from mediawatch.config import Config
from mediawatch.csvfile import read_table
from mediawatch.errors import BadInput, ImportFileError
from mediawatch.store.models import Account, ScoreDeduction


def indicator_caps(config: Config) -> dict[str, float]:
    """Indicator -> its total, from the office's table; the service indicator's total follows from
    19号's 75-point rule when the table does not give it. A total of 0: no cap of its own."""
    section = config.score19
    caps = {name: float(total) for name, total in section.indicators.items()}
    caps.setdefault(section.service_indicator, float(section.full_marks - section.no_service_full))
    return caps

COLUMNS = ("account_id", "month", "indicator", "item", "points", "reason")
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass
class Deduction:
    id: int
    account_pk: int
    account_id: str
    month: str
    indicator: str
    item: str
    points: float
    reason: str
    actor: str

    def as_dict(self) -> dict:
        return {"id": self.id, "account_id": self.account_id, "month": self.month, "indicator": self.indicator,
                "item": self.item, "points": self.points, "reason": self.reason, "actor": self.actor,
                "source": "office"}


def _problems(values: dict[str, str], config: Config, accounts: dict[str, Account]) -> list[tuple[str, str]]:
    """(field, reason) for each bad value of one deduction."""
    found = []
    for name in COLUMNS:
        if not (values.get(name) or "").strip():
            found.append((name, "required, empty"))
    account_id = (values.get("account_id") or "").strip()
    account = accounts.get(account_id)
    if account_id and account is None:
        found.append(("account_id", f"{account_id!r} is not in the registry"))
    elif account is not None and account.platform != "website":
        found.append(("account_id", f"{account_id!r} is a {account.platform} account; 19号 scores websites only "
                                    f"(政务新媒体 are judged on the 单项否决 items)"))
    month = (values.get("month") or "").strip()
    if month and not MONTH.match(month):
        found.append(("month", f"{month!r} is not a month (YYYY-MM)"))
    totals = indicator_caps(config)
    indicator = (values.get("indicator") or "").strip()
    if indicator and config.score19.indicators and indicator not in totals:
        found.append(("indicator", f"{indicator!r} is not an indicator of [score19] indicators "
                                   f"({'、'.join(totals)})"))
    raw = (values.get("points") or "").strip()
    if raw:
        try:
            points = float(raw)
        except ValueError:
            points = math.nan
        if not math.isfinite(points) or points <= 0:
            found.append(("points", f"{raw!r} is not a number of points above 0"))
        elif totals.get(indicator) and points > totals[indicator]:
            found.append(("points", f"{raw} is more than the indicator's total ({totals[indicator]})"))
    return found


def _row(values: dict[str, str], account: Account, actor: str) -> ScoreDeduction:
    return ScoreDeduction(account_pk=account.id, month=values["month"].strip(), indicator=values["indicator"].strip(),
                          item=values["item"].strip(), points=float(values["points"]), reason=values["reason"].strip(),
                          actor=actor, created_at=clock.now())


def _accounts(session: Session, ids) -> dict[str, Account]:
    wanted = sorted({i.strip() for i in ids if i and i.strip()})
    found = {}
    for start in range(0, len(wanted), 900):
        for account in session.scalars(select(Account).where(Account.account_id.in_(wanted[start:start + 900]))):
            found[account.account_id] = account
    return found


def add(session: Session, config: Config, values: dict[str, str], actor: str = "office") -> Deduction:
    """One deduction from the command line; BadInput (naming the option) and nothing written on a bad value."""
    accounts = _accounts(session, [values.get("account_id", "")])
    problems = _problems(values, config, accounts)
    if problems:
        name, reason = problems[0]
        raise BadInput(f"{'ACCOUNT' if name == 'account_id' else '--' + name}: {reason}")
    row = _row(values, accounts[values["account_id"].strip()], actor)
    session.add(row)
    session.flush()
    return _deduction(row, row.account)


def import_file(session: Session, config: Config, path: Path, actor: str = "office") -> list[Deduction]:
    """A CSV of deductions (columns ``COLUMNS``, UTF-8 or GBK): all rows or none."""
    table = read_table(path, required=COLUMNS, optional=(), max_rows=config.imports.max_rows)
    accounts = _accounts(session, [row.values.get("account_id", "") for row in table.rows])
    problems = [table.problem(row.line, name, reason)
                for row in table.rows for name, reason in _problems(row.values, config, accounts)]
    if problems:
        raise ImportFileError(problems)
    rows = [_row(row.values, accounts[row.values["account_id"].strip()], actor) for row in table.rows]
    session.add_all(rows)
    session.flush()
    return [_deduction(row, row.account) for row in rows]


def withdraw(session: Session, deduction_id: int, reason: str) -> None:
    if not reason.strip():
        raise BadInput("--reason: required, empty")
    row = session.get(ScoreDeduction, deduction_id)
    if row is None or row.withdrawn_at is not None:
        raise BadInput(f"ID: no current deduction {deduction_id}")
    row.withdrawn_at = clock.now()
    row.withdraw_reason = reason.strip()


def of_month(session: Session, month: str, pks: list[int] | None = None) -> list[Deduction]:
    """The month's current deductions (all websites, or those in ``pks``), oldest first."""
    query = (select(ScoreDeduction, Account).join(Account, Account.id == ScoreDeduction.account_pk)
             .where(ScoreDeduction.month == month, ScoreDeduction.withdrawn_at.is_(None))
             .order_by(ScoreDeduction.id))
    if pks is None:
        return [_deduction(row, account) for row, account in session.execute(query)]
    found = []
    for start in range(0, len(pks), 900):
        part = query.where(ScoreDeduction.account_pk.in_(pks[start:start + 900]))
        found.extend(_deduction(row, account) for row, account in session.execute(part))
    return sorted(found, key=lambda d: d.id)


def _deduction(row: ScoreDeduction, account: Account) -> Deduction:
    return Deduction(row.id, account.id, account.account_id, row.month, row.indicator, row.item, row.points,
                     row.reason, row.actor)


__all__ = ["COLUMNS", "Deduction", "add", "import_file", "withdraw", "of_month"]
