"""Reminders (预提醒) from stored observations: each kind at its threshold and not before, none in a 报备 window,
none when the observation a kind needs is not stored; never a warning."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from mediawatch import maintenance, reminders
from mediawatch.app import App
from mediawatch.store.models import CheckRun, Observation, Warning
from report_fixtures import account, at, warning


@pytest.fixture
def app(home, any_db_url):
    app = App(home, any_db_url)
    yield app
    app.close()


def _observe(session, acct, as_of: str, kind: str, data: dict, ok: bool = True, target: str | None = None):
    run = session.scalar(select(CheckRun).where(CheckRun.as_of == at(as_of)))
    if run is None:
        run = CheckRun(kind="check", as_of=at(as_of), started_at=at(as_of), status="done", scope={}, stats={})
        session.add(run)
        session.flush()
    session.add(Observation(run_id=run.id, account_pk=acct.id, as_of=at(as_of), kind=kind, ok=ok, target=target,
                            data=data))


def _items(app, now: str) -> dict[str, list[dict]]:
    with app.store.session() as s:
        return reminders.compute(s, app.config, at(now))


def test_a_column_at_80_percent_of_its_limit_and_a_home_page_at_day_10(app):
    with app.store.session() as s:
        site = account(s, "site-wsj", "website", "XX区卫生健康局", "区卫生健康局")
        _observe(s, site, "2026-12-01 02:00", "homepage", {"newest_date": "2026-11-21"})  # 10 days
        for name, category, newest in (("政务动态", "news", "2026-11-20"),  # 11 of 14 days: 79 %, not yet
                                       ("通知公告", "notice", "2026-06-14"),  # 170 of 180: 94 %
                                       ("人事信息", "personnel", "2026-03-01")):  # 275 of 365: 75 %
            _observe(s, site, "2026-12-01 02:00", "column", {"column": name, "category": category,
                                                              "newest_date": newest, "items": 4, "url": f"/{name}"})
    items = _items(app, "2026-12-01 09:00")["区卫生健康局"]
    assert [(i["kind"], i.get("column")) for i in items] == [("silence", None), ("column", "通知公告")]
    assert "首页已10天未更新" in items[0]["text"] and "已170天未更新" in items[1]["text"]
    items = _items(app, "2026-12-02 09:00")["区卫生健康局"]
    assert ("column", "政务动态") in [(i["kind"], i.get("column")) for i in items]  # 12 of 14: 86 %


def test_certificate_reminder_only_when_a_site_profile_observation_is_stored(app):
    with app.store.session() as s:
        site = account(s, "site-fgw", "website", "XX区发展和改革局", "区发展和改革局")
        _observe(s, site, "2026-12-01 02:00", "homepage", {"newest_date": "2026-11-30"})
    assert _items(app, "2026-12-01 09:00") == {}  # no site_profile observation: silently nothing
    with app.store.session() as s:
        site = s.scalar(select(type(site)).where(type(site).account_id == "site-fgw"))
        _observe(s, site, "2026-12-01 02:00", "site_profile", {"certificate": {"not_after": "2026-12-20T23:59:59+00:00"}})
    items = _items(app, "2026-12-01 09:00")["区发展和改革局"]
    assert [i["kind"] for i in items] == ["certificate"] and items[0]["days_left"] == 19


def test_deadline_two_days_away_and_nothing_in_a_maintenance_window(app):
    with app.store.session() as s:
        wb = account(s, "wb-jk", "weibo", "健康XX", "区卫生健康局")
        w = warning(s, wb, "severe_typo", "2026-11-21 02:00")  # deadline 2026-12-01 02:00
        _observe(s, wb, "2026-11-28 02:00", "posts", {"latest_post_at": "2026-11-17T09:00:00+08:00"})  # 11 days
    assert _items(app, "2026-11-28 09:00")["区卫生健康局"][0]["kind"] == "silence"
    assert not [i for i in _items(app, "2026-11-28 09:00")["区卫生健康局"] if i["kind"] == "deadline"]  # 3 days
    deadline = [i for i in _items(app, "2026-11-29 09:00")["区卫生健康局"] if i["kind"] == "deadline"]
    assert deadline and deadline[0]["warning_id"] == w.id and "2天后届满" in deadline[0]["text"]
    with app.store.session() as s:
        maintenance.add_window(s, "wb-jk", at("2026-11-29 00:00"), at("2026-12-10 00:00"), "账号迁移", "office",
                               at("2026-11-28 10:00"))
    assert _items(app, "2026-11-29 09:00") == {}
    with app.store.session() as s:
        created = reminders.create_due(s, app.config, at("2026-11-28 09:00"))
        again = reminders.create_due(s, app.config, at("2026-11-28 18:00"))
        assert len(created) == 1 and again == []  # one a day per unit
        assert s.scalar(select(func.count()).select_from(Warning)) == 1  # a reminder is never a warning
