"""Checks every imported text value passes: one line, no control characters, fits its column.

Limits come from the database models themselves (``String(200)`` → 200 characters), so a value
that SQLite would keep and PostgreSQL would refuse is refused at validation, with file, line and
column named, before anything is written.
"""

from __future__ import annotations

import re
from typing import Iterable

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # C0 and DEL except tab and line feed
LINE_BREAK = re.compile(r"[\t\n\r\u2028\u2029\x85]")


def column_limits(model, columns: dict[str, str] | Iterable[str]) -> dict[str, int]:
    """CSV column -> maximum length, from ``model``'s String columns (``columns`` may rename: csv -> attribute)."""
    names = columns if isinstance(columns, dict) else {c: c for c in columns}
    limits = {}
    for csv_name, attribute in names.items():
        length = getattr(model.__table__.c[attribute].type, "length", None)
        if length:
            limits[csv_name] = int(length)
    return limits


def text_problems(values: dict[str, str], limits: dict[str, int], *,
                  multiline: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(column, reason) for each value with a control character, a line break (outside
    ``multiline`` columns) or more characters than its column holds."""
    found = []
    for column, value in values.items():
        if not value:
            continue
        if CONTROL.search(value) or (column not in multiline and LINE_BREAK.search(value)):
            shown = repr(value[:40]) + ("…" if len(value) > 40 else "")
            found.append((column, f"{shown} contains a line break or control character (Alt+Enter in Excel?); "
                                  "remove it"))
        limit = limits.get(column)
        if limit is not None and len(value) > limit:
            found.append((column, f"{len(value)} characters; at most {limit}"))
    return found
