"""检查说明 in the console: ``explain`` of a registered website the viewer may see, never of another host."""

from __future__ import annotations

from sqlalchemy import select

from mediawatch.simulation.server import Reply
from mediawatch.store.models import Account

from console_fixtures import console  # noqa: F401
from test_console import signed_in, token
from test_explain import _serve


def test_explain_reads_a_registered_site_in_scope_only(console, server):
    _serve(server)
    with console.app.store.session() as s:
        s.scalar(select(Account).where(Account.account_id == "site-mz")).url = server.url("/")
    server.route("/secret", Reply(body="<html><body>内网页面</body></html>"))
    unit, office, leader = (signed_in(console, n) for n in ("mz-user", "office1", "leader1"))
    form = unit.get("/explain").text
    assert '<option value="site-mz"' in form and "site-jy" not in form
    answer = unit.post("/explain", data={"account_id": "site-mz", "csrf": token(form)})
    assert answer.status_code == 200, answer.text
    assert "2026-11-20  区政府召开常务会议" in answer.text and "入口跟随" in answer.text
    assert "首页不更新" in answer.text and 'id="verdicts"' in answer.text
    assert unit.post("/explain", data={"account_id": "site-jy", "csrf": token(form)}).status_code == 403
    assert unit.post("/explain", data={"account_id": "wb-mz", "csrf": token(form)}).status_code == 400
    elsewhere = office.post("/explain", data={"account_id": "site-mz", "url": "http://localhost:1/secret",
                                              "csrf": token(office.get("/").text)})
    assert elsewhere.status_code == 400 and "只能说明该网站" in elsewhere.text
    assert unit.post("/explain", data={"account_id": "site-mz"}).status_code == 403  # no CSRF token
    assert leader.get("/explain").status_code == 403
