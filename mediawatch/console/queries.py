"""Scoped reads shared by several pages: warnings as rows, counts, the pager.

Every function takes the ``Viewer`` and limits its query to the viewer's owner unit; what counts
as overdue or as counting toward the closure rule comes from ``mediawatch.warnings`` and
``mediawatch.closure``, never from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mediawatch import closure
from mediawatch import warnings as warnings_mod
from mediawatch.console.auth import Viewer, scope
from mediawatch.store.models import Account, Warning


@dataclass
class Pager:
    page: int
    size: int
    total: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


def page_number(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1_000_000))
    except ValueError:
        return 1


def warning_query(viewer: Viewer):
    return scope(select(Warning, Account).join(Account, Account.id == Warning.account_pk), viewer)


def count(session: Session, query) -> int:
    return session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0


def warning_rows(session: Session, query, now: datetime) -> list[dict[str, Any]]:
    rows = []
    for warning, account in session.execute(query):
        rows.append({
            "id": warning.id, "rule": warning.rule, "status": warning.status, "opened_at": warning.opened_at,
            "deadline": warning.deadline, "overdue": warnings_mod.is_overdue(warning, now),
            "message": warning.message, "source": warning.source, "account_id": account.account_id,
            "name": account.name, "owner_unit": account.owner_unit, "platform": account.platform,
        })
    return rows


def overdue_filter(now: datetime):
    """What ``warnings.is_overdue`` says, as a WHERE clause."""
    return (Warning.status == "open", Warning.deadline.is_not(None), Warning.deadline < now)


def account_tallies(session: Session, config, now: datetime, account_pks: list[int]) -> dict[int, dict[str, Any]]:
    """Open warnings, warnings counting toward the closure rule, and candidacy, for some accounts."""
    if not account_pks:
        return {}
    start = closure.window_start(config, now)
    counted = dict(session.execute(
        select(Warning.account_pk, func.count()).where(*closure.counting(start, now, config),
                                                        Warning.account_pk.in_(account_pks))
        .group_by(Warning.account_pk)).all())
    open_ = dict(session.execute(
        select(Warning.account_pk, func.count()).where(Warning.status == "open", Warning.account_pk.in_(account_pks))
        .group_by(Warning.account_pk)).all())
    return {pk: {"warnings_12m": counted.get(pk, 0), "open_warnings": open_.get(pk, 0)} for pk in account_pks}


def units(session: Session, viewer: Viewer) -> list[str]:
    if viewer.unit is not None:
        return [viewer.unit]
    return list(session.scalars(select(Account.owner_unit).distinct().order_by(Account.owner_unit)))
