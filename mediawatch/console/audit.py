"""The audit log: who changed what, when, from where and why. One row per state change.

The console writes an entry in the same transaction as the change it records, so a change
without its entry (or an entry without its change) cannot be committed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mediawatch.store.models import AuditEntry


def record(session: Session, *, actor: str, role: str, action: str, now: datetime, target: str | None = None,
           reason: str | None = None, address: str | None = None, data: dict[str, Any] | None = None) -> AuditEntry:
    entry = AuditEntry(at=now, actor=actor, role=role, action=action, target=target, reason=reason,
                       address=address, data=data or {})
    session.add(entry)
    return entry


def page(session: Session, *, offset: int, limit: int, actor: str | None = None,
         action: str | None = None) -> tuple[list[AuditEntry], int]:
    """Newest first, with the total count of entries matching the filters."""
    query = select(AuditEntry)
    count = select(func.count()).select_from(AuditEntry)
    for column, value in ((AuditEntry.actor, actor), (AuditEntry.action, action)):
        if value:
            query, count = query.where(column == value), count.where(column == value)
    rows = list(session.scalars(query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).offset(offset).limit(limit)))
    return rows, session.scalar(count) or 0
