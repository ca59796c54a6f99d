"""Reads that need no ORM: one SQL text, run through the stdlib ``sqlite3`` driver on an up-to-date
SQLite file (a command then starts without importing SQLAlchemy, ~0.3 s of CPU) or through
SQLAlchemy Core on any store (PostgreSQL, and inside an ORM session). Both readers bind times as
the store keeps them (naive UTC; on SQLite the text SQLAlchemy writes), so both give the same rows.

    reader = sqlite_reader(db_url)    # None: not a SQLite file at the newest schema; use the Store
    rows = account_rows(reader or CoreReader(session.connection()), config, now)
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from mediawatch.closure_window import UNCOUNTED_STATUSES, uncounted_rules, window_start

SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy's DateTime stores a time in SQLite (sortable text)
BUSY_TIMEOUT_MS = 30000  # as the store's own connections wait for a writer (store/__init__.py)

ACCOUNTS = ("SELECT id, account_id, platform, name, owner_unit, active, status FROM accounts "
            "ORDER BY owner_unit, account_id")
OPEN_COUNTS = "SELECT account_pk, count(*) FROM warnings WHERE status = 'open' GROUP BY account_pk"


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime given to the store")
    return value.astimezone(timezone.utc).replace(tzinfo=None)


class SqliteReader:
    """A read-only use of one SQLite file through ``sqlite3``."""

    def __init__(self, connection: sqlite3.Connection):
        self.connection = connection

    def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple]:
        params = {k: (_utc(v).strftime(SQLITE_TIME) if isinstance(v, datetime) else v)
                  for k, v in (params or {}).items()}
        return self.connection.execute(sql, params).fetchall()

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> "SqliteReader":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class CoreReader:
    """The same reads on a SQLAlchemy connection (any database; an ORM session's ``connection()``)."""

    def __init__(self, connection):
        self.connection = connection

    def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple]:
        from sqlalchemy import DateTime, bindparam, text

        params = dict(params or {})
        statement = text(sql)
        times = [k for k, v in params.items() if isinstance(v, datetime)]
        if times:  # typed, so SQLite gets the text SQLAlchemy stores and PostgreSQL a timestamp
            statement = statement.bindparams(*(bindparam(k, type_=DateTime()) for k in times))
            params.update({k: _utc(params[k]) for k in times})
        return [tuple(row) for row in self.connection.execute(statement, params)]


def sqlite_reader(url: str) -> SqliteReader | None:
    """A reader on the SQLite file of ``url`` when it exists and is at the newest schema revision;
    None otherwise (another database, a new or older file: the caller opens the Store, which migrates)."""
    from mediawatch.store import _script_head

    if not url.startswith("sqlite:///") or "?" in url or "%" in url:
        return None
    path = Path(url[len("sqlite:///"):])
    if not path.name or path.name == ":memory:" or not path.is_file():
        return None
    head = _script_head()
    if head is None:
        return None
    try:
        connection = sqlite3.connect(path)
        connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        revisions = [row[0] for row in connection.execute("SELECT version_num FROM alembic_version")]
    except sqlite3.Error:
        return None
    if revisions != [head]:
        connection.close()
        return None
    return SqliteReader(connection)


def warning_counts(reader, config, now: datetime) -> dict[int, int]:
    """Per account, the warnings that count toward the closure rule within its window (closure.py's
    ``counting``)."""
    params: dict[str, Any] = {"start": window_start(config, now), "end": now}
    statuses = ", ".join(f":s{i}" for i in range(len(UNCOUNTED_STATUSES)))
    params.update({f"s{i}": status for i, status in enumerate(UNCOUNTED_STATUSES)})
    sql = f"SELECT account_pk, count(*) FROM warnings WHERE status NOT IN ({statuses}) " \
          "AND opened_at > :start AND opened_at <= :end"
    excluded = uncounted_rules(config)
    if excluded:
        sql += " AND rule NOT IN (" + ", ".join(f":r{i}" for i in range(len(excluded))) + ")"
        params.update({f"r{i}": rule for i, rule in enumerate(excluded)})
    return dict(reader.rows(sql + " GROUP BY account_pk", params))


def account_rows(reader, config, now: datetime) -> list[dict[str, object]]:
    """``accounts list``: each account with open warnings, 12-month count and closure status."""
    counts = warning_counts(reader, config, now)
    open_ = dict(reader.rows(OPEN_COUNTS))
    limit = config.closure.max_warnings
    rows = []
    for pk, account_id, platform, name, owner_unit, active, status in reader.rows(ACCOUNTS):
        n = counts.get(pk, 0)
        rows.append({
            "account_id": account_id,
            "platform": platform,
            "name": name,
            "owner_unit": owner_unit,
            "active": bool(active),
            "status": status,
            "open_warnings": open_.get(pk, 0),
            "warnings_12m": n,
            "closure_candidate": n > limit and platform in config.closure.platforms,
        })
    return rows
