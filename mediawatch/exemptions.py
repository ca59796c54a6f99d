"""Column exemptions: the office exempts a website column from the 19号 column counts for a period,
with a reason (a column that legitimately has nothing new: no personnel change this year).

An exempted column is left out of 栏目不更新's counts (stale and blank) and of mediawatch's own
``column_stale``/``blank_column`` rules on the days of its period, both days included (local dates):
the office has decided the column is legitimately quiet. The bulletin lists the exemptions that
cover any day of its month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediawatch import clock
from mediawatch.errors import BadInput
from mediawatch.store.models import Account, Column, ColumnExemption


@dataclass
class Exemption:
    id: int
    account_pk: int
    account_id: str
    account_name: str
    owner_unit: str
    column_pk: int
    column: str
    url: str
    starts_on: date
    ends_on: date
    reason: str
    actor: str

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def as_dict(self) -> dict:
        return {"id": self.id, "account_id": self.account_id, "name": self.account_name, "owner_unit": self.owner_unit,
                "column": self.column, "url": self.url, "from": self.starts_on.isoformat(),
                "to": self.ends_on.isoformat(), "reason": self.reason, "actor": self.actor}


def parse_day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise BadInput(f"{option}: {value!r} is not a date (YYYY-MM-DD)") from None


def add(session: Session, account_id: str, column: str, starts_on: date, ends_on: date, reason: str,
        actor: str = "office") -> Exemption:
    """Exempt ``column`` (its name or URL in columns.csv) of ``account_id``. Bad input: BadInput, nothing written."""
    if ends_on < starts_on:
        raise BadInput(f"--to: {ends_on} is before --from {starts_on}")
    if not reason.strip():
        raise BadInput("--reason: required, empty")
    account = session.scalar(select(Account).where(Account.account_id == account_id))
    if account is None:
        raise BadInput(f"ACCOUNT: {account_id!r} is not in the registry")
    if account.platform != "website":
        raise BadInput(f"ACCOUNT: {account_id!r} is a {account.platform} account; columns belong to websites")
    columns = [c for c in account.columns if c.active and column in (c.column, c.url)]
    if not columns:
        known = "、".join(c.column for c in account.columns if c.active) or "none"
        raise BadInput(f"COLUMN: {column!r} is not a column of {account_id} (its columns: {known})")
    if len(columns) > 1:
        raise BadInput(f"COLUMN: {column!r} names {len(columns)} columns of {account_id}; give the column's URL")
    row = ColumnExemption(account_pk=account.id, column_pk=columns[0].id, starts_on=starts_on, ends_on=ends_on,
                          reason=reason.strip(), actor=actor, created_at=clock.now())
    session.add(row)
    session.flush()
    return _exemption(row, account, columns[0])


def _exemption(row: ColumnExemption, account: Account, column: Column) -> Exemption:
    return Exemption(row.id, account.id, account.account_id, account.name, account.owner_unit, column.id, column.column,
                     column.url, row.starts_on, row.ends_on, row.reason, row.actor)


def overlapping(session: Session, first: date | None = None, last: date | None = None) -> list[Exemption]:
    """Exemptions whose period meets [first, last] (all when no bounds), oldest first."""
    query = (select(ColumnExemption, Account, Column).join(Account, Account.id == ColumnExemption.account_pk)
             .join(Column, Column.id == ColumnExemption.column_pk).where(ColumnExemption.ended_at.is_(None))
             .order_by(ColumnExemption.starts_on, ColumnExemption.id))
    if first is not None:
        query = query.where(ColumnExemption.ends_on >= first)
    if last is not None:
        query = query.where(ColumnExemption.starts_on <= last)
    return [_exemption(row, account, column) for row, account, column in session.execute(query)]


def end(session: Session, exemption_id: int) -> None:
    row = session.get(ColumnExemption, exemption_id)
    if row is None or row.ended_at is not None:
        raise BadInput(f"ID: no current exemption {exemption_id}")
    row.ended_at = clock.now()


__all__ = ["Exemption", "add", "overlapping", "end", "parse_day"]
