"""Reading the CSV files offices give us: UTF-8 (with or without BOM) or GB18030/GBK from Excel.

Rows come with the physical line they start on, so every problem can be reported as
``FILE:LINE: column: reason``.
"""

from __future__ import annotations

import csv
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


MAX_ROWS = 20_000  # the default of config ``imports.max_rows``
MAX_LINE_CHARS = 100_000  # one physical line of a registry is far shorter; longer: not our file


def decode(path: Path) -> tuple[str, str]:
    """The whole text of a small file (templates, dictionaries); CSV imports stream instead."""
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


def _lines(stream, path: Path, counter: list[int]):
    """Physical lines, each read with a bounded buffer: a 100 MB line is refused, not loaded."""
    while True:
        line = stream.readline(MAX_LINE_CHARS + 1)
        if not line:
            return
        counter[0] += 1
        if len(line) > MAX_LINE_CHARS:
            raise ImportFileError([f"{path}:{counter[0]}: (row): a line longer than {MAX_LINE_CHARS} characters"])
        yield line


def read_table(path: Path, *, required: tuple[str, ...], optional: tuple[str, ...],
               max_rows: int = MAX_ROWS) -> CsvTable:
    """Read and check the header; raise ImportFileError for an empty file or bad columns. The file
    is streamed (UTF-8 first, GB18030 when it is not UTF-8) and refused past ``max_rows`` rows, so
    memory stays bounded whatever the file's size."""
    path = Path(path)
    for encoding in ENCODINGS:
        try:
            with open(path, encoding=encoding, newline="") as stream:
                return _read_rows(stream, path, encoding, required, optional, max_rows)
        except UnicodeDecodeError:
            continue
        except OSError as exc:
            raise ImportFileError([f"{path}:0: (file): cannot read: {exc.strerror or exc}"]) from None
    raise ImportFileError([f"{path}:1: (file): neither UTF-8 nor GB18030/GBK text"])


def _read_rows(stream, path: Path, encoding: str, required: tuple[str, ...], optional: tuple[str, ...],
               max_rows: int) -> CsvTable:
    counter = [0]
    reader = csv.reader(_lines(stream, path, counter))
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
            if len(rows) >= max_rows:
                raise ImportFileError([f"{path}:{line}: (file): more than {max_rows} rows; split the file, or "
                                       "raise imports.max_rows in mediawatch.toml"])
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
