"""报备 windows, 整改反馈 and screenshots as evidence, through the command line against real local servers."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from mediawatch import clock
from mediawatch.app import App
from mediawatch.simulation.server import Reply
from mediawatch.simulation.weibo import SimPost, SimWeiboAccount, WeiboSimulation
from mediawatch.store.models import AccountCheck, Feedback, MaintenanceWindow, WarningEvent

T = lambda *a: datetime(*a, tzinfo=clock.SHANGHAI)  # noqa: E731
NOW = "2026-11-21T10:00:00+08:00"


@pytest.fixture
def stale_weibo(server, home, tmp_path, any_cli):
    cli = any_cli
    weibo = WeiboSimulation(server)
    weibo.add(SimWeiboAccount("9900000002", "健康XX", posts=[SimPost(at=T(2026, 10, 1, 9), text="国庆假期安排")]))
    text = (home / "mediawatch.toml").read_text(encoding="utf-8").replace(
        "[weibo]\n", f"[weibo]\napi_base = \"{server.base}\"\nvisitor_base = \"{server.base}\"\n")
    (home / "mediawatch.toml").write_text(text, encoding="utf-8")
    path = tmp_path / "accounts.csv"
    path.write_text("account_id,platform,name,owner_unit,platform_id,source\n"
                    "wb-stale,weibo,健康XX,区卫生健康局,9900000002,weibo_api\n", encoding="utf-8")
    cli("accounts", "import", str(path))
    return weibo


def test_inside_a_maintenance_window_nothing_is_warned_and_after_it_the_rule_counts(stale_weibo, any_cli, any_db_url):
    cli, db_url = any_cli, any_db_url
    out = cli("maintenance", "add", "wb-stale", "--from", "2026-11-15", "--to", "2026-11-30", "--reason", "账号迁移至新主体",
              now="2026-11-14T09:00:00+08:00")
    assert "maintenance window 1" in out.stdout
    assert "0 warnings opened" in cli("check", now=NOW).stdout
    assert json.loads(cli("warnings", "--format", "json", now=NOW).stdout) == []
    app = App(db_url=db_url)
    with app.store.session() as s:
        verdicts = s.scalar(select(AccountCheck.verdicts))
    app.close()
    assert verdicts["not_updated"] == "unknown"
    listed = json.loads(cli("maintenance", "list", "--format", "json", now=NOW).stdout)
    assert [(w["account_id"], w["state"], w["reason"]) for w in listed] == [("wb-stale", "active", "账号迁移至新主体")]
    cli("maintenance", "end", "1", now="2026-11-22T09:00:00+08:00")
    assert "1 warnings opened" in cli("check", now="2026-11-22T10:00:00+08:00").stdout
    assert json.loads(cli("maintenance", "list", "--format", "json", now=NOW).stdout)[0]["until"].startswith(
        "2026-11-22T09:00")
    out = cli("bulletin", "--month", "2026-11", now="2026-12-01T06:00:00+08:00").stdout
    html = Path(out.splitlines()[0]).read_text(encoding="utf-8")
    assert "临时报备情况" in html and "账号迁移至新主体" in html and "2026-11-15 至 2026-11-22" in html


def test_maintenance_bad_input_exits_2_and_writes_nothing(stale_weibo, any_cli, any_db_url):
    cli, db_url = any_cli, any_db_url
    for args, message in ((["nobody", "--from", "2026-11-01", "--to", "2026-11-02", "--reason", "x"], "no account"),
                          (["wb-stale", "--from", "2026-11-05", "--to", "2026-11-01", "--reason", "x"], "--to: must be after"),
                          (["wb-stale", "--from", "11/05", "--to", "2026-11-09", "--reason", "x"], "--from: not a date"),
                          (["wb-stale", "--from", "2026-01-01", "--to", "2026-12-01", "--reason", "x"], "at most 90 days"),
                          (["wb-stale", "--from", "2026-11-01", "--to", "2026-11-02", "--reason", " "], "--reason")):
        result = cli("maintenance", "add", *args, expect=2)
        assert message in result.stderr
    cli("maintenance", "end", "7", expect=2)
    app = App(db_url=db_url)
    with app.store.session() as s:
        assert s.scalars(select(MaintenanceWindow)).all() == []
    app.close()


def test_feedback_returned_then_verified_shows_in_warnings_show(stale_weibo, any_cli, home, tmp_path, any_db_url):
    cli, db_url = any_cli, any_db_url
    cli("check", now=NOW)
    wid = json.loads(cli("warnings", "--format", "json", now=NOW).stdout)[0]["id"]
    shown = json.loads(cli("warnings", "show", str(wid), "--format", "json", now=NOW).stdout)
    assert shown["feedback_label"] == "未反馈"
    # bad input: nothing written
    cli("warnings", "feedback", str(wid), "--text", "已更新", "--file", str(tmp_path / "missing.png"), expect=2)
    cli("warnings", "verify", str(wid), expect=2)  # nothing to verify yet
    proof = tmp_path / "整改截图.png"
    proof.write_bytes(b"\x89PNG\r\n\x1a\nproof")
    cli("warnings", "feedback", str(wid), "--text", "已恢复更新", "--file", str(proof), now="2026-11-22T09:00:00+08:00")
    kept = list((home / "feedback" / str(wid)).iterdir())
    assert len(kept) == 1 and kept[0].read_bytes() == proof.read_bytes()
    assert "已反馈" in cli("warnings", "show", str(wid), now="2026-11-22T10:00:00+08:00").stdout
    cli("warnings", "return", str(wid), "--reason", "仅转发，未发布原创内容", now="2026-11-22T11:00:00+08:00")
    text = cli("warnings", "show", str(wid), now="2026-11-22T12:00:00+08:00").stdout
    assert "整改反馈: 退回" in text and "仅转发" in text
    cli("warnings", "verify", str(wid), expect=2)  # a returned report must be resubmitted first
    cli("warnings", "feedback", str(wid), "--text", "已发布原创信息3条", now="2026-11-23T09:00:00+08:00")
    cli("warnings", "verify", str(wid), now="2026-11-23T10:00:00+08:00")
    shown = json.loads(cli("warnings", "show", str(wid), "--format", "json", now="2026-11-23T11:00:00+08:00").stdout)
    assert shown["feedback_label"] == "已核实"
    assert [f["kind"] for f in shown["feedback"]] == ["feedback", "returned", "feedback", "verified"]
    assert [e["kind"] for e in shown["events"]][-4:] == ["feedback", "returned", "feedback", "verified"]
    assert shown["status"] == "open"  # verification does not resolve: the next passing check does
    cli("warnings", "feedback", str(wid), "--text", "再次反馈", expect=2)
    out = cli("bulletin", "--month", "2026-11", now="2026-12-01T06:00:00+08:00").stdout
    html = Path(out.splitlines()[0]).read_text(encoding="utf-8")
    assert "1个已有整改反馈：已核实1个，已反馈待核实0个" in html
    app = App(db_url=db_url)
    with app.store.session() as s:
        assert len(s.scalars(select(Feedback)).all()) == 4
    app.close()


def _stale_site(server) -> str:  # noqa: D103
    server.route("/", Reply(body="<html><head><title>XX区民政局</title></head><body><h1>XX区民政局</h1><ul>"
                                 "<li><a href='/a.html'>关于开展养老服务检查的通知</a> 2026-01-05</li>"
                                 "<li><a href='/b.html'>低保标准调整公告</a> 2026-01-02</li></ul></body></html>"))
    for path in ("/a.html", "/b.html"):
        server.route(path, Reply(body="<html><body><p>正文 2026-01-05</p></body></html>"))
    return server.url("/")


def _site_registry(tmp_path, url: str) -> Path:
    path = tmp_path / "sites.csv"
    path.write_text(f"account_id,platform,name,owner_unit,url\nsite-mzj,website,XX区民政局,区民政局,{url}\n",
                    encoding="utf-8")
    return path


def test_a_website_warning_opens_with_a_full_page_screenshot(server, home, tmp_path, cli):
    chromium = os.environ.get("MEDIAWATCH_CHROMIUM") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed")
        pytest.skip("chromium is not installed")
    cli("accounts", "import", str(_site_registry(tmp_path, _stale_site(server))))
    cli("check", now=NOW)
    warnings = json.loads(cli("warnings", "--format", "json", now=NOW).stdout)
    stale = [w for w in warnings if w["rule"] == "homepage_not_updated"]
    assert stale
    shown = json.loads(cli("warnings", "show", str(stale[0]["id"]), "--format", "json", now=NOW).stdout)
    path = home / shown["screenshot"]["path"]
    assert shown["screenshot"]["path"] == f"reports/evidence/{stale[0]['id']}.png"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 1000
    assert f"screenshot: {shown['screenshot']['path']}" in cli("warnings", "show", str(stale[0]["id"]), now=NOW).stdout
    cli("notices", now=NOW)  # the notice links the screenshot
    notice = next((home / "reports" / "notices" / "2026-11-21").glob("*.html"))
    html = notice.read_text(encoding="utf-8")
    href = f'href="../../evidence/{stale[0]["id"]}.png"'
    assert href in html and (notice.parent / "../../evidence" / f"{stale[0]['id']}.png").resolve().exists()
    mails = _mail_notices(home, cli)  # the mailed notice carries the picture itself
    pictures = [part for m in mails for part in m.iter_attachments() if part.get_content_type() == "image/png"]
    assert any(p.get_content() == path.read_bytes() for p in pictures)
    cli("check", now="2026-11-22T10:00:00+08:00")  # still failing: no second screenshot
    app = App(home)
    with app.store.session() as s:
        shots = s.scalars(select(WarningEvent).where(WarningEvent.kind == "screenshot",
                                                     WarningEvent.warning_id == stale[0]["id"])).all()
    app.close()
    assert len(shots) == 1


def _mail_notices(home, cli) -> list:
    import email
    import email.policy

    from aiosmtpd.controller import Controller

    from report_fixtures import free_port

    class Inbox:
        envelopes: list = []

        async def handle_DATA(self, server, session, envelope):
            self.envelopes.append(envelope)
            return "250 OK"

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        with open(home / "mediawatch.toml", "a", encoding="utf-8") as f:
            f.write(f'\n[smtp]\nhost = "127.0.0.1"\nport = {controller.port}\nsecurity = "none"\n'
                    f'sender = "jg@example.gov.cn"\n[office]\nemail = "office@example.gov.cn"\n')
        cli("notices", "--send", now=NOW)
    finally:
        controller.stop()
    return [email.message_from_bytes(e.original_content, policy=email.policy.default) for e in inbox.envelopes]


def test_without_a_browser_the_warning_opens_and_says_so(server, home, tmp_path, cli):
    with open(home / "mediawatch.toml", "a", encoding="utf-8") as f:
        f.write('\n[evidence]\nchromium_path = "/nonexistent/chromium"\n')
    cli("accounts", "import", str(_site_registry(tmp_path, _stale_site(server))))
    cli("check", now=NOW)
    stale = [w for w in json.loads(cli("warnings", "--format", "json", now=NOW).stdout)
             if w["rule"] == "homepage_not_updated"]
    assert stale and stale[0]["status"] == "open"
    text = cli("warnings", "show", str(stale[0]["id"]), now=NOW).stdout
    assert "screenshot: none (未截图：未找到浏览器" in text


def test_probes_that_failed_inside_a_window_do_not_count_after_it(server, home, tmp_path, cli, db_url):
    """A site down for its redesign inside an approved window is not 站点无法访问 the day after the window."""
    from datetime import timedelta

    from mediawatch.store.models import Account, Probe

    with open(home / "mediawatch.toml", "a", encoding="utf-8") as f:
        f.write('\n[evidence]\nscreenshots = false\n')
    server.route("/", Reply(body="<html><body><ul><li><a href='/a.html'>通知</a> 2026-11-20</li></ul></body></html>"))
    server.route("/a.html", Reply(body="<html><body>正文</body></html>"))
    cli("accounts", "import", str(_site_registry(tmp_path, server.url("/"))))
    cli("maintenance", "add", "site-mzj", "--from", "2026-11-15", "--to", "2026-11-17", "--reason", "网站改版",
        now="2026-11-10T09:00:00+08:00")
    app = App(home, db_url)
    with app.store.session() as s:
        pk = s.scalar(select(Account.id).where(Account.account_id == "site-mzj"))
        start = T(2026, 11, 14, 12)
        for n in range(7 * 6):  # every 4 hours over the week before the check
            at = start + timedelta(hours=4 * n)
            inside = T(2026, 11, 15) <= at < T(2026, 11, 18)
            s.add(Probe(account_pk=pk, at=at, ok=not inside, status=None if inside else 200,
                        error_kind="timeout" if inside else None, network_ok=True))
    app.close()
    cli("check", now=NOW)
    app = App(home, db_url)
    with app.store.session() as s:
        verdicts = s.scalar(select(AccountCheck.verdicts))
    app.close()
    assert verdicts["unavailable"] == "pass"
    assert not [w for w in json.loads(cli("warnings", "--format", "json", now=NOW).stdout) if w["rule"] == "unavailable"]
