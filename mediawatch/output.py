"""Printing lists for people (tables) and for scripts (JSON, CSV)."""

from __future__ import annotations

import csv
import json
import sys
from typing import Any, Iterable, Sequence

from mediawatch.formulas import csv_safe


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2))
    sys.stdout.write("\n")


def print_csv(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> None:
    writer = csv.DictWriter(sys.stdout, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: csv_safe(v) for k, v in row.items()})


def print_table(rows: Iterable[dict[str, Any]], columns: Sequence[str], *, title: str | None = None) -> None:
    from rich.console import Console  # only tables need rich: --help, JSON and CSV start without it
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    count = 0
    for row in rows:
        table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
        count += 1
    console = Console(soft_wrap=False, width=None if sys.stdout.isatty() else 200)
    if count == 0:
        console.print("(none)")
    else:
        console.print(table)


def emit(rows: list[dict[str, Any]], columns: Sequence[str], fmt: str, *, title: str | None = None) -> None:
    if fmt == "json":
        print_json(rows)
    elif fmt == "csv":
        print_csv(rows, columns)
    else:
        print_table(rows, columns, title=title)
