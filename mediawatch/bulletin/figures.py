"""The month's figures, from the database for that month alone.

Definitions (a month is the local calendar month, [first day 00:00, next month's first day 00:00)
in Asia/Shanghai; a check belongs to it by its ``as_of``):

registered (纳入监管)  an account that had any check in the month, or that is in the registry now
                      (``active``, status ``active``) and was registered before the month ended.
checked (已检查)       a registered account with at least one check whose outcome is ``ok`` in the month and
                      to which the rules were applied (checks of degraded or unfinished runs do not count).
unchecked (未能检查)   registered but not checked (only ``check_failed``: the platform blocked us, our
                      network was down; or no check at all). Not counted in the 合格率.
counting warning      a warning, not revoked (revoked ones never count, even for past months), that was
                      opened in the month, or was open (opened_at <= as_of < resolved_at) at any check of
                      its account in the month. Imported warnings count like our own.
failing (不合格)        a checked account with at least one counting warning.
passing (合格)         checked − failing.
合格率                 passing / checked, as a percentage rounded half up to 2 decimals; none when
                      nothing was checked ("本月无检查记录").
problems (问题)         the counting warnings; a problem type's share is its count / all counting warnings.
open at month end      not revoked, opened before the end, not resolved before the end.
overdue at month end   open at month end with a deadline before the end.

Memory stays bounded: checks are counted by the database (never loaded row by row), warnings
are scanned in chunks (``CHUNK`` rows), and only those that count or are open at the month end
are kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
from sqlalchemy import String, and_, case, func, or_, select, type_coerce
from sqlalchemy.orm import Session, aliased

from mediawatch.bulletin.period import Month
from mediawatch.store.models import Account, AccountCheck, CheckRun, Warning

CHUNK = 20_000
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
NEVER = np.iinfo(np.int64).max
US = timedelta(microseconds=1)


def micros(value: datetime | None) -> int:
    """An aware datetime as integer microseconds since the epoch (exact); None as 'never'."""
    return NEVER if value is None else (value - EPOCH) // US


def stored(column):
    """A datetime column as the database returns it (SQLite: its text), for ``StoredTimes``."""
    return type_coerce(column, String)


class StoredTimes(dict):
    """Stored datetimes (``stored`` columns) as aware UTC datetimes, each distinct value converted once
    (as the store's own type converts it): a year of warnings repeats a few thousand check times."""

    def __missing__(self, value):
        if value is None:
            result = None
        elif isinstance(value, datetime):  # a database whose driver returns datetimes (naive UTC)
            result = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        else:
            result = datetime.fromisoformat(value).replace(tzinfo=timezone.utc)
        self[value] = result
        return result


class StoredMicros(dict):
    """Stored datetimes as ``micros`` (None as NEVER), each distinct value converted once."""

    def __init__(self):
        super().__init__()
        self.times = StoredTimes()

    def __missing__(self, value):
        result = self[value] = micros(self.times[value])
        return result


def from_micros(value: int) -> datetime | None:
    return None if value == NEVER or pd.isna(value) else EPOCH + timedelta(microseconds=int(value))


def rate(numerator: int, denominator: int) -> str | None:
    """numerator / denominator as a percentage string rounded half up to 2 decimals ("94.12"); None for 0/0."""
    if denominator == 0:
        return None
    value = (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return str(value)


WARNING_COLUMNS = ["id", "account_pk", "rule", "source", "opened_at", "resolved_at", "deadline"]


@dataclass
class MonthStatus:
    """Who was checked in a month and which warnings count for it."""

    month: Month
    attempted: set[int]
    checked: set[int]
    checks: pd.DataFrame  # account_pk, ok, failed: check counts per account
    warnings: pd.DataFrame  # WARNING_COLUMNS (micros) + counts, open_end, overdue_end (bools)
    runs: dict[str, int] = field(default_factory=dict)  # status -> number of check runs

    @property
    def counting(self) -> pd.DataFrame:
        return self.warnings[self.warnings["counts"]]

    @property
    def failing(self) -> set[int]:
        return set(self.counting["account_pk"].tolist()) & self.checked

    @property
    def has_checks(self) -> bool:
        return bool(self.checked)

    def figures(self) -> dict:
        checked, failing = len(self.checked), len(self.failing)
        return {"month": self.month.key, "checked": checked, "failing": failing, "passing": checked - failing,
                "pass_rate": rate(checked - failing, checked)}


def _month_runs(month: Month):
    return select(CheckRun.id).where(CheckRun.as_of >= month.start, CheckRun.as_of < month.end)


def _checks(session: Session, month: Month) -> pd.DataFrame:
    """Checks of the month per account: account_pk, ok, failed (counted in the database)."""
    ok = func.sum(case((AccountCheck.outcome == "ok", 1), else_=0))
    query = select(AccountCheck.account_pk, ok, func.count()).where(*_in_month(month)).group_by(AccountCheck.account_pk)
    rows = session.execute(query).all()
    frame = pd.DataFrame({"account_pk": np.array([r[0] for r in rows], dtype=np.int64),
                          "ok": np.array([int(r[1] or 0) for r in rows], dtype=np.int64),
                          "total": np.array([int(r[2]) for r in rows], dtype=np.int64)})
    frame["failed"] = frame["total"] - frame["ok"]
    return frame[["account_pk", "ok", "failed"]]


def _warning_chunks(session: Session, month: Month):
    """Warnings not revoked whose open interval meets the month, in DataFrames of CHUNK rows.

    ``at_check`` says whether the warning was open at one of its account's checks in the month:
    one index seek per warning on account_checks (account_pk, as_of), done by the database.
    """
    query = (select(Warning.id, Warning.account_pk, Warning.rule, Warning.source, stored(Warning.opened_at),
                    stored(Warning.resolved_at), stored(Warning.deadline), _open_at_check(month).label("at_check"))
             .where(*_meets_month(month)))
    result = session.execute(query.execution_options(yield_per=CHUNK))
    at = StoredMicros()
    for rows in result.partitions(CHUNK):
        yield pd.DataFrame({
            "id": np.array([r[0] for r in rows], dtype=np.int64),
            "account_pk": np.array([r[1] for r in rows], dtype=np.int64),
            "rule": [r[2] for r in rows],
            "source": [r[3] for r in rows],
            "opened_at": np.array([at[r[4]] for r in rows], dtype=np.int64),
            "resolved_at": np.array([at[r[5]] for r in rows], dtype=np.int64),
            "deadline": np.array([at[r[6]] for r in rows], dtype=np.int64),
            "at_check": np.array([bool(r[7]) for r in rows], dtype=bool),
        })


def _flag(frame: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    """Add counts / open_end / overdue_end to a chunk of warnings."""
    opened_in_month = (frame["opened_at"] >= start) & (frame["opened_at"] < end)
    frame["counts"] = opened_in_month | frame["at_check"]
    frame["open_end"] = frame["resolved_at"] >= end
    frame["overdue_end"] = frame["open_end"] & (frame["deadline"] < end)
    return frame.drop(columns=["at_check"])


def _in_month(month: Month, check=AccountCheck):
    # a check counts once the rules were applied to it: a degraded run (our own network down) or an
    # interrupted one leaves its checks unevaluated, and those say nothing about the account
    return (check.run_id.in_(_month_runs(month)), check.as_of >= month.start,
            check.as_of < month.end, check.evaluated_at.is_not(None))


def _open_at_check(month: Month):
    """EXISTS: the warning was open at one of its account's checks in the month."""
    check = aliased(AccountCheck)
    return select(check.id).where(
        check.account_pk == Warning.account_pk, check.as_of >= month.start, check.as_of < month.end,
        check.as_of >= Warning.opened_at, or_(Warning.resolved_at.is_(None), check.as_of < Warning.resolved_at)
    ).exists()


def _meets_month(month: Month):
    return (Warning.status.not_in(("revoked", "pending")), Warning.opened_at < month.end,  # pending: issue 15
            or_(Warning.resolved_at.is_(None), Warning.resolved_at > month.start))


def month_counts(session: Session, month: Month) -> dict:
    """Only the month's checked and failing counts, computed by the database (the trend's months).

    Both are counted per account (an EXISTS per account, not a DISTINCT over every check or
    warning of the month): each account's checks are one range of the (account_pk, as_of) index,
    and the warnings that meet the month two ranges of ix_warnings_resolved_opened. Every check
    and warning has its account (foreign keys, enforced), so the counts are the same.
    """
    check = aliased(AccountCheck)
    checked_once = select(check.id).where(check.account_pk == Account.id, *_in_month(month, check),
                                          check.outcome == "ok").exists()
    checked = session.scalar(select(func.count()).select_from(Account).where(checked_once))
    ok_check = aliased(AccountCheck)
    was_checked = select(ok_check.id).where(
        ok_check.account_pk == Account.id, ok_check.as_of >= month.start, ok_check.as_of < month.end,
        ok_check.outcome == "ok").exists()
    counts = or_(and_(Warning.opened_at >= month.start, Warning.opened_at < month.end), _open_at_check(month))
    with_problems = select(Warning.account_pk).where(*_meets_month(month), counts)
    failing = session.scalar(select(func.count()).select_from(Account)
                             .where(Account.id.in_(with_problems), was_checked))
    checked, failing = int(checked or 0), int(failing or 0)
    return {"month": month.key, "checked": checked, "failing": failing, "passing": checked - failing,
            "pass_rate": rate(checked - failing, checked)}


def month_status(session: Session, month: Month) -> MonthStatus:
    start, end = micros(month.start), micros(month.end)
    kept = []
    for chunk in _warning_chunks(session, month):
        flagged = _flag(chunk, start, end)
        kept.append(flagged[flagged["counts"] | flagged["open_end"]])
    columns = WARNING_COLUMNS + ["counts", "open_end", "overdue_end"]
    warnings = pd.concat(kept, ignore_index=True) if kept else pd.DataFrame(columns=columns)
    warnings = warnings.sort_values(["account_pk", "opened_at", "id"], kind="stable").reset_index(drop=True)
    warnings[["counts", "open_end", "overdue_end"]] = warnings[["counts", "open_end", "overdue_end"]].astype(bool)
    checks = _checks(session, month)
    return MonthStatus(
        month=month, attempted=set(checks["account_pk"].tolist()),
        checked=set(checks.loc[checks["ok"] > 0, "account_pk"].tolist()), checks=checks,
        warnings=warnings, runs=_run_counts(session, month))


def _run_counts(session: Session, month: Month) -> dict[str, int]:
    counts: dict[str, int] = {}
    for (status,) in session.execute(select(CheckRun.status).where(
            CheckRun.as_of >= month.start, CheckRun.as_of < month.end, CheckRun.kind == "check")):
        counts[status] = counts.get(status, 0) + 1
    return counts


ACCOUNT_FIELDS = (Account.id, Account.account_id, Account.platform, Account.name, Account.owner_unit,
                  Account.supervisor_unit, Account.url, Account.feed_url)


def population(session: Session, month: Month, attempted: set[int]):
    """The registered accounts of the month (see the module docstring), streamed as rows of
    ``ACCOUNT_FIELDS`` (read by name: ``row.account_id``), not as ORM objects."""
    query = (select(*ACCOUNT_FIELDS, Account.active, Account.status, Account.created_at)
             .order_by(Account.owner_unit, Account.account_id))
    for chunk in session.execute(query.execution_options(yield_per=2000)).partitions(2000):
        for account in chunk:
            if account.id in attempted or (account.active and account.status == "active"
                                           and account.created_at < month.end):
                yield account
