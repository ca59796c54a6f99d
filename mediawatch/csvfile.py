"""Reading the CSV files offices give us: UTF-8 (with or without BOM) or GB18030/GBK from Excel.

Rows come with the physical line they start on, so every problem can be reported as
``FILE:LINE: column: reason``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from mediawatch.errors import ImportFileError

ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass
class Row:
    line: int
    values: dict[str, str]


@dataclass
class CsvTable:
    path: Path
    encoding: str
    header: list[str]
    rows: list[Row]

    def problem(self, line: int, column: str, reason: str) -> str:
        return f"{self.path}:{line}: {column}: {reason}"


def decode(path: Path) -> tuple[str, str]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportFileError([f"{path}:0: (file): cannot read: {exc.strerror or exc}"]) from None
    for encoding in ENCODINGS:
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ImportFileError([f"{path}:1: (file): neither UTF-8 nor GB18030/GBK text"])


def read_table(path: Path, *, required: tuple[str, ...], optional: tuple[str, ...]) -> CsvTable:
    """Read and check the header; raise ImportFileError for an empty file or bad columns."""
    path = Path(path)
    text, encoding = decode(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    rows: list[Row] = []
    problems: list[str] = []
    try:
        for record in reader:
            line = reader.line_num - _extra_lines(record)
            if header is None:
                if not any(cell.strip() for cell in record):
                    continue
                header = [cell.strip() for cell in record]
                header_line = line
                continue
            if not any(cell.strip() for cell in record):
                continue
            if len(record) > len(header):
                problems.append(f"{path}:{line}: (row): {len(record)} fields but the header has {len(header)}")
                continue
            values = {name: (record[i].strip() if i < len(record) else "") for i, name in enumerate(header)}
            rows.append(Row(line, values))
    except csv.Error as exc:
        problems.append(f"{path}:{reader.line_num}: (row): {exc}")
    if header is None:
        raise ImportFileError([f"{path}:1: (file): the file is empty (no header row)"])
    known = set(required) | set(optional)
    seen: set[str] = set()
    for name in header:
        if name not in known:
            problems.append(f"{path}:{header_line}: {name or '(blank)'}: unknown column "
                            f"(expected {', '.join(required + optional)})")
        if name in seen:
            problems.append(f"{path}:{header_line}: {name}: column appears twice")
        seen.add(name)
    for name in required:
        if name not in header:
            problems.append(f"{path}:{header_line}: {name}: required column missing")
    if not rows and not problems:
        problems.append(f"{path}:{header_line + 1}: (file): no rows after the header")
    if problems:
        raise ImportFileError(problems)
    return CsvTable(path, encoding, header, rows)


def _extra_lines(record: list[str]) -> int:
    """Newlines inside quoted fields, so a row is reported at the line it starts on."""
    return sum(cell.count("\n") for cell in record)
