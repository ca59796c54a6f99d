"""Weibo's created_at in every form it has used, driven by tests/data/weibo/created_at.csv."""

import csv
from datetime import datetime
from pathlib import Path

import pytest

from mediawatch import clock
from mediawatch.checkers.sources.weibo_time import parse_weibo_time

DATA = Path(__file__).parent / "data" / "weibo" / "created_at.csv"
CASES = [row for row in csv.DictReader(line for line in DATA.open(encoding="utf-8") if not line.startswith("#"))]


@pytest.mark.parametrize("case", CASES, ids=[f"{c['created_at'] or '(empty)'}@{c['now']}" for c in CASES])
def test_created_at(case):
    now = clock.parse_datetime(case["now"])
    if case["expected"] == "ERROR":
        with pytest.raises(ValueError):
            parse_weibo_time(case["created_at"], now)
        return
    got = parse_weibo_time(case["created_at"], now)
    assert got.tzinfo is not None
    assert got == clock.parse_datetime(case["expected"])
    assert got.utcoffset() == clock.parse_datetime(case["expected"]).utcoffset()


def test_naive_now_is_refused():
    with pytest.raises(ValueError):
        parse_weibo_time("刚刚", datetime(2026, 11, 21, 12))
