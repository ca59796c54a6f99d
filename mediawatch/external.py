"""Warnings issued elsewhere (the provincial supervision platform's 预警), imported to count like ours.

``mediawatch warnings import FILE.csv`` with columns account_id, issued_at, reason, source,
external_id. Validated whole like the registry (every problem as FILE:LINE: column: reason, exit 2,
nothing written). Never duplicated on re-import: by (source, external_id), or by
account + issued_at + reason when external_id is empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from mediawatch import clock
from mediawatch.config import Config
from mediawatch.csvfile import read_table
from mediawatch.errors import ImportFileError
from mediawatch.fields import column_limits, text_problems
from mediawatch.store import Store
from mediawatch.store.models import Account, Warning, WarningEvent

REQUIRED = ("account_id", "issued_at", "reason", "source")
OPTIONAL = ("external_id",)
RULE = "external"
CHINESE_DATE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?\s*(?:(\d{1,2})[:：](\d{2}))?$")


@dataclass
class ExternalImportResult:
    created: int = 0
    duplicates: int = 0


def parse_issued_at(text: str) -> datetime:
    """ISO 8601, ``2026/11/20 10:00``, ``2026.11.20`` or ``2026年11月20日``; no offset means +08:00."""
    text = text.strip()
    match = CHINESE_DATE.match(text)
    if match:
        y, m, d, hh, mm = match.groups()
        return datetime(int(y), int(m), int(d), int(hh or 0), int(mm or 0), tzinfo=clock.SHANGHAI)
    normal = re.sub(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})", lambda g: f"{g[1]}-{int(g[2]):02d}-{int(g[3]):02d}", text)
    return clock.parse_datetime(normal)


LIMITS = column_limits(Warning, ("source", "external_id"))


def import_external(store: Store, config: Config, path: Path, now: datetime) -> ExternalImportResult:
    table = read_table(path, required=REQUIRED, optional=OPTIONAL, max_rows=int(config.imports.max_rows))
    with store.session() as session:
        accounts = {a.account_id: a for a in session.scalars(select(Account))}
    problems: list[str] = []
    parsed = []
    seen: dict[tuple, int] = {}
    for row in table.rows:
        v = row.values
        p = lambda column, reason: problems.append(table.problem(row.line, column, reason))  # noqa: E731
        for column, reason in text_problems(v, LIMITS, multiline=("reason",)):
            p(column, reason)
        for column in REQUIRED:
            if not v.get(column):
                p(column, "required, empty")
        account = accounts.get(v.get("account_id", ""))
        if v.get("account_id") and account is None:
            p("account_id", f"{v['account_id']!r} is not in the registry")
        issued = None
        if v.get("issued_at"):
            try:
                issued = parse_issued_at(v["issued_at"])
            except ValueError:
                p("issued_at", f"{v['issued_at']!r} is not a date/time (e.g. 2026-11-20 or 2026-11-20T10:00+08:00)")
            else:
                if issued > now:
                    p("issued_at", f"{v['issued_at']!r} is in the future")
        key = (v.get("source"), v.get("external_id")) if v.get("external_id") else \
            (v.get("account_id"), issued, v.get("reason"))
        if all(k is not None for k in key) and key in seen:
            p("external_id" if v.get("external_id") else "reason", f"same warning as line {seen[key]}")
            continue
        seen[key] = row.line
        parsed.append((account, issued, v))
    if problems:
        raise ImportFileError(problems)
    result = ExternalImportResult()
    deadline_days = config.warnings.deadline_days
    with store.session() as session:
        for account, issued, v in parsed:
            external_id = v.get("external_id") or None
            if external_id:
                exists = select(Warning.id).where(Warning.source == v["source"], Warning.external_id == external_id)
            else:
                exists = select(Warning.id).where(Warning.account_pk == account.id, Warning.source == v["source"],
                                                  Warning.opened_at == issued, Warning.message == v["reason"],
                                                  Warning.external_id.is_(None))
            if session.scalar(exists.limit(1)) is not None:
                result.duplicates += 1
                continue
            evidence = {"reason": v["reason"], "source": v["source"], "external_id": external_id,
                        "issued_at": clock.iso(issued)}
            warning = Warning(account_pk=account.id, rule=RULE, status="open", opened_at=issued,
                              deadline=issued + timedelta(days=deadline_days), message=v["reason"], evidence=evidence,
                              source=v["source"], external_id=external_id, updated_at=now)
            session.add(warning)
            session.flush()
            session.add(WarningEvent(warning_id=warning.id, at=now, kind="imported", actor="import",
                                     reason=f"{path.name}:{v['source']}", data={}))
            result.created += 1
    return result
