"""The bulletin's faster reading (issue 14) gives what the ORM gives: stored times converted once per
distinct value, problem rows built from columns, the trend's months counted through the warnings index."""

from __future__ import annotations

from datetime import timezone

import pytest
from sqlalchemy import select

from mediawatch.bulletin.document import build
from mediawatch.bulletin.figures import StoredMicros, StoredTimes, micros, month_counts, stored
from mediawatch.bulletin.period import parse_month
from mediawatch.config import defaults
from mediawatch.store.models import Warning
from report_fixtures import at, month_app  # noqa: F401 - month_app: the fixture ``app``



def test_stored_times_are_the_orm_times(app):
    times, at_micros = StoredTimes(), StoredMicros()
    with app.store.session() as s:
        orm = {w.id: (w.opened_at, w.resolved_at, w.deadline) for w in s.scalars(select(Warning))}
        raw = s.execute(select(Warning.id, stored(Warning.opened_at), stored(Warning.resolved_at),
                               stored(Warning.deadline))).all()
    assert len(raw) == len(orm) > 10
    assert any(r[2] is None for r in raw) and any(r[2] is not None for r in raw)
    for warning_id, *values in raw:
        converted = tuple(times[v] for v in values)
        assert converted == orm[warning_id]
        assert all(v is None or v.tzinfo == timezone.utc for v in converted)
        assert [at_micros[v] for v in values] == [micros(v) for v in orm[warning_id]]


def test_problem_rows_carry_the_warnings_times(app):
    with app.store.session() as s:
        doc = build(s, defaults(), parse_month("2026-10"), at("2026-11-02 09:00"))
        rows = [r for unit in doc.units for r in unit.rows] + doc.overdue + doc.recheck
        assert rows
        for r in rows:
            w = s.get(Warning, r.warning_id)
            assert (r.opened, r.deadline) == (w.opened_at, w.deadline)
            assert r.resolved == (w.resolved_at if r.state == "resolved" else None)
        for c in doc.candidates:
            assert all(opened.tzinfo is not None for opened, _ in c.warnings)


def test_the_trend_months_read_the_warnings_index(app):
    if app.store.engine.dialect.name != "sqlite":
        pytest.skip("query plans are SQLite's")
    from sqlalchemy import event

    seen: list[tuple[str, object]] = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    with app.store.session() as s:
        event.listen(app.store.engine, "before_cursor_execute", remember)
        try:
            month_counts(s, parse_month("2026-09"))
        finally:
            event.remove(app.store.engine, "before_cursor_execute", remember)
        plans = [" ".join(str(row[-1]) for row in s.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + st, p))
                 for st, p in seen if "FROM warnings" in st]
    assert plans and "ix_warnings_resolved_opened" in plans[0], plans
