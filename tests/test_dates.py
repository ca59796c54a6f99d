"""Newest-date extraction, driven by the cases in tests/data/dates/cases.toml."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

from mediawatch import clock
from mediawatch.pages.dates import dates_in
from mediawatch.pages.entries import summarize

CASES = tomllib.loads((Path(__file__).parent / "data" / "dates" / "cases.toml").read_text(encoding="utf-8"))["case"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_list_page(case):
    summary = summarize(f"<html><body>{case['html']}</body></html>", clock.parse_datetime(case["now"]))
    assert (summary.items, summary.dated_items) == (case["items"], case["dated_items"])
    assert (summary.newest_date.isoformat() if summary.newest_date else "") == case["newest"]


@pytest.mark.parametrize("text,expected", [
    ("2026-11-20", [date(2026, 11, 20)]),
    ("2026/11/20", [date(2026, 11, 20)]),
    ("2026.11.20", [date(2026, 11, 20)]),
    ("2026年11月20日", [date(2026, 11, 20)]),
    ("[11-20]", [date(2026, 11, 20)]),
    ("[11-24]", [date(2025, 11, 24)]),
    ("2026-11/20", []),
    ("12026-11-20", []),
    ("1-10月", []),
])
def test_date_styles(text, expected):
    assert dates_in(text, date(2026, 11, 23)) == expected
