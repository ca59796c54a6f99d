"""Text that a spreadsheet would run as a formula is written as text (the OWASP rule for CSV).

A name such as ``=HYPERLINK("http://…")`` or ``@SUM(…)`` typed into the registry must reach
``annex.csv``, ``annex.xlsx`` and ``accounts list --format csv`` as the text it is:

- CSV: a string beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage return (after any
  leading spaces) gets a leading ``'``, which Excel and WPS show as text and do not evaluate;
- XLSX: such a string is stored as a string cell (openpyxl would store one beginning with ``=``
  as a formula), so the sheet shows exactly the text, with no quote added.

Numbers stay numbers (``-3`` in a numeric column is a value, not a string).
"""

from __future__ import annotations

from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")  # full-width forms: Excel reads them too


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.lstrip(" ").startswith(TRIGGERS)


def csv_safe(value: Any) -> Any:
    """The value for a CSV cell: formula-like text escaped with a leading ``'``."""
    return "'" + value if is_formula_like(value) else value


def csv_row(values) -> list[Any]:
    return [csv_safe(v) for v in values]


def xlsx_row(sheet, values) -> list[Any]:
    """Cells for a write-only openpyxl sheet: formula-like text as explicit string cells."""
    from openpyxl.cell import WriteOnlyCell

    row = []
    for value in values:
        if is_formula_like(value):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            row.append(cell)
        else:
            row.append(value)
    return row
