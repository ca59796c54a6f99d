"""The console's pages for issue 17's work: 整改反馈 (unit reports, office verifies or returns), 报备 windows,
today's reminders, and a warning's screenshot and attachments — through mediawatch.feedback/maintenance."""

from __future__ import annotations

from sqlalchemy import select

from mediawatch import clock, feedback, maintenance
from mediawatch.store.models import AuditEntry

from console_fixtures import PNG, console  # noqa: F401
from test_console import signed_in, token


def test_unit_reports_and_the_office_returns_then_verifies(console):
    wid = console.ids["mz_silent"]
    unit, office, leader = (signed_in(console, n) for n in ("mz-user", "office1", "leader1"))
    page = unit.get(f"/warnings/{wid}").text
    assert 'id="feedback-form"' in page and 'id="verify"' not in page
    refused = unit.post(f"/warnings/{wid}/feedback", data={"text": "已恢复更新"})
    assert refused.status_code == 403 and "CSRF" in refused.text
    other = unit.post(f"/warnings/{console.ids['jy_stale']}/feedback", data={"text": "x", "csrf": token(page)})
    assert other.status_code == 403  # another unit's warning
    bad = unit.post(f"/warnings/{wid}/feedback", data={"text": "见附件", "csrf": token(page)},
                    files={"files": ("run.sh", b"#!/bin/sh\n", "text/x-sh")})
    assert bad.status_code == 400
    done = unit.post(f"/warnings/{wid}/feedback", data={"text": "已恢复每日发布", "csrf": token(page)},
                     files={"files": ("整改截图.png", PNG, "image/png")})
    assert done.status_code == 303, done.text
    page = office.get(f"/warnings/{wid}").text
    assert "已反馈" in page and "已恢复每日发布" in page and 'id="verify"' in page
    awaiting = office.get("/").text.split("整改反馈待核实", 1)[1].split("<h2>", 1)[0]
    assert f"/warnings/{wid}\"" in awaiting
    link = f"/warnings/{wid}/files/"
    name = page.split(link, 1)[1].split('"', 1)[0]
    assert unit.get(link + name).content == PNG and leader.get(link + name).status_code == 200
    assert unit.post(f"/warnings/{wid}/verify", data={"csrf": token(page)}).status_code == 403  # CSRF of another session
    assert unit.post(f"/warnings/{wid}/verify", data={"csrf": token(unit.get("/").text)}).status_code == 403
    assert leader.post(f"/warnings/{wid}/return", data={"reason": "x", "csrf": token(leader.get("/").text)}).status_code == 403
    assert office.post(f"/warnings/{wid}/return", data={"reason": "", "csrf": token(page)}).status_code == 400
    assert office.post(f"/warnings/{wid}/return", data={"reason": "截图未显示发布日期", "csrf": token(page)}).status_code == 303
    page = unit.get(f"/warnings/{wid}").text
    assert "退回" in page and "截图未显示发布日期" in page and 'id="feedback-form"' in page
    assert unit.post(f"/warnings/{wid}/feedback", data={"text": "补充了带日期的截图", "csrf": token(page)}).status_code == 303
    answer = office.post(f"/warnings/{wid}/verify", data={"reason": "核实无误", "csrf": token(page)})
    assert answer.status_code == 403  # the unit's token is not the office's
    answer = office.post(f"/warnings/{wid}/verify", data={"reason": "核实无误", "csrf": token(office.get("/").text)})
    assert answer.status_code == 303
    awaiting = office.get("/").text.split("整改反馈待核实", 1)[1].split("<h2>", 1)[0]
    assert f"/warnings/{wid}\"" not in awaiting
    with console.app.store.session() as s:
        assert feedback.state(s, wid) == "verified"
        actions = [(e.actor, e.action) for e in s.scalars(select(AuditEntry).where(AuditEntry.action.like("feedback.%"))
                                                          .order_by(AuditEntry.id))]
    assert actions == [("mz-user", "feedback.submit"), ("office1", "feedback.return"), ("mz-user", "feedback.submit"),
                       ("office1", "feedback.verify")]


def test_maintenance_windows(console):
    office, unit, leader = (signed_in(console, n) for n in ("office1", "mz-user", "leader1"))
    csrf = token(office.get("/maintenance").text)
    for account_id in ("site-mz", "site-jy"):
        answer = office.post("/maintenance/add", data={"account_id": account_id, "from": "2026-12-01", "to": "2026-12-10",
                                                       "reason": "网站改版", "csrf": csrf})
        assert answer.status_code == 303
    bad = office.post("/maintenance/add", data={"account_id": "site-mz", "from": "2026-12-10", "to": "2026-12-01",
                                                "reason": "x", "csrf": csrf})
    assert bad.status_code == 400 and "--to" in bad.text
    assert leader.post("/maintenance/add", data={"account_id": "site-mz", "from": "2026-12-01", "to": "2026-12-02",
                                                 "reason": "x", "csrf": token(leader.get("/").text)}).status_code == 403
    assert "报备期内" in unit.get("/accounts/site-mz").text and "网站改版" in unit.get("/accounts/site-mz").text
    assert "报备期内" not in unit.get("/accounts/wb-mz").text
    listing = unit.get("/maintenance").text
    assert "site-mz" in listing and "site-jy" not in listing and "提前结束" not in listing
    with console.app.store.session() as s:
        rows = maintenance.list_windows(s)
    jy = next(r["id"] for r in rows if r["account_id"] == "site-jy")
    assert unit.post(f"/maintenance/{jy}/end", data={"reason": "x", "csrf": token(listing)}).status_code == 403
    assert office.post(f"/maintenance/{jy}/end", data={"reason": "改版提前完成", "csrf": csrf}).status_code == 303
    with console.app.store.session() as s:
        states = {r["account_id"]: r["state"] for r in maintenance.list_windows(s, now=clock.now())}
        assert states == {"site-mz": "active", "site-jy": "ended"}
        assert [e.action for e in s.scalars(select(AuditEntry).where(AuditEntry.action.like("maintenance.%")))] == [
            "maintenance.add", "maintenance.add", "maintenance.end"]


def test_reminders_and_screenshot_are_scoped(console):
    office, unit = signed_in(console, "office1"), signed_in(console, "mz-user")
    today = unit.get("/").text
    assert "4天后将触发预警" in today and "2天后将触发预警" not in today
    assert "2天后将触发预警" in office.get("/").text
    wid = console.ids["mz_broken"]
    assert f"/warnings/{wid}/screenshot.png" in unit.get(f"/warnings/{wid}").text
    shot = unit.get(f"/warnings/{wid}/screenshot.png")
    assert shot.status_code == 200 and shot.content == PNG and shot.headers["content-type"] == "image/png"
    assert office.get(f"/warnings/{console.ids['jy_stale']}/screenshot.png").status_code == 404
    assert unit.get(f"/warnings/{console.ids['jy_stale']}/screenshot.png").status_code == 403
