"""The console's 19号评分 page: each website's 19号 verdict and score for a month, scoped to the viewer's
unit; the office records and withdraws deductions (CSRF, role, audit log), through mediawatch.deductions."""

from __future__ import annotations

import re

from sqlalchemy import select

from mediawatch.store.models import AuditEntry

from console_fixtures import console  # noqa: F401
from test_console import signed_in, token


def test_office_records_and_withdraws_deductions_unit_sees_its_own(console):
    office, unit, leader = (signed_in(console, n) for n in ("office1", "mz-user", "leader1"))
    page = office.get("/scores?month=2026-12").text
    assert "19号评分 · 2026年12月" in page and "site-mz" in page and "site-jy" in page and 'id="add-deduction"' in page
    form = {"account_id": "site-mz", "month": "2026-12", "indicator": "办事服务", "item": "办事指南要素缺失",
            "points": "30", "reason": "5项办事指南缺办理材料", "csrf": token(page)}
    answer = office.post("/scores/deduct", data=form)
    assert answer.status_code == 400 and "more than the indicator&#39;s total (25.0)" in answer.text
    assert office.post("/scores/deduct", data={**form, "points": "25"}).status_code == 303
    assert office.post("/scores/deduct", data={**form, "indicator": "发布解读", "item": "政策解读缺失", "points": "20",
                                               "reason": "3份文件无解读"}).status_code == 303
    assert leader.post("/scores/deduct", data={**form, "csrf": token(leader.get("/scores").text)}).status_code == 403
    assert office.post("/scores/deduct", data={**form, "csrf": "forged"}).status_code == 403
    mine = unit.get("/scores?month=2026-12").text
    assert "site-mz" in mine and "site-jy" not in mine and 'id="add-deduction"' not in mine and "撤销" not in mine
    row = mine.split("site-mz", 1)[1].split("</tr>", 1)[0]
    # 100 - 25 (办事服务) - 20 (发布解读) = 55: below 60, 不合格 on the score
    assert ">55<" in row and "不合格" in row and "扣分指标得分低于60分" in row and "5项办事指南缺办理材料" in row
    page = office.get("/scores?month=2026-12").text
    withdraw = re.search(r"/scores/(\d+)/withdraw", page).group(1)
    assert unit.post(f"/scores/{withdraw}/withdraw", data={"reason": "x", "csrf": token(mine)}).status_code == 403
    assert office.post(f"/scores/{withdraw}/withdraw", data={"reason": "", "csrf": token(page)}).status_code == 400
    assert office.post(f"/scores/{withdraw}/withdraw", data={"reason": "复核后不扣分", "csrf": token(page)}).status_code == 303
    row = unit.get("/scores?month=2026-12").text.split("site-mz", 1)[1].split("</tr>", 1)[0]
    assert ">80<" in row and "合格" in row and "不合格" not in row
    assert office.get("/scores?month=2026-13").status_code == 400
    with console.app.store.session() as s:
        actions = [(e.actor, e.action) for e in s.scalars(select(AuditEntry).where(AuditEntry.action.like("score.%"))
                                                          .order_by(AuditEntry.id))]
    assert actions == [("office1", "score.deduct"), ("office1", "score.deduct"), ("office1", "score.withdraw")]
