"""The console in a real headless Chromium (Debian's /usr/bin/chromium through Playwright), one test per role.

- office: revokes a warning with a reason; the warning's history and the audit log show it;
- unit: sees only its own accounts and warnings; another unit's warning by id is 403; a state
  change without the CSRF token is refused (revoke, and its own kind: 整改反馈), with it accepted;
- leader: reads, but has no form to change anything, and a forged change is refused;
- upload: a file with errors lists every ``FILE:LINE: column: reason`` and changes nothing.
Pages are also checked at a phone's width (no sideways scrolling). Screenshots go to test-output/.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from mediawatch import warnings as warnings_mod
from mediawatch.store.models import Account, AuditEntry

from console_fixtures import PASSWORDS, console  # noqa: F401

pytestmark = pytest.mark.browser

OUTPUT = Path(__file__).resolve().parent.parent / "test-output"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 390, "height": 844}


def chromium_path() -> str:
    path = os.environ.get("MEDIAWATCH_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is not installed")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    return path


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def login(browser, console, name: str, viewport=None):
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(console.url("/"))
    assert "/login" in page.url
    page.fill("#name", name)
    page.fill("#password", PASSWORDS[name])
    page.click("button[type=submit]")
    page.wait_for_url(console.url("/"))
    return context, page


def shot(page, name: str) -> None:
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"console-{name}.png"), full_page=True)


def test_office_revokes_a_warning_with_a_reason_and_the_audit_log_shows_it(browser, console):
    wid = console.ids["mz_broken"]
    context, page = login(browser, console, "office1")
    page.goto(console.url(f"/warnings/{wid}"))
    assert page.inner_text("#status") == "未整改"
    assert page.title() != "pwned"  # the script in the evidence stays text
    page.fill("#revoke-reason", "误报：该链接人工复核可以访问")
    page.click("#revoke button[type=submit]")
    page.wait_for_url(console.url(f"/warnings/{wid}"))
    assert page.inner_text("#status") == "已撤销"
    history = page.inner_text("#history")
    assert "撤销" in history and "office1" in history and "误报：该链接人工复核可以访问" in history
    page.click("text=操作日志")
    rows = page.inner_text("#audit")
    assert "撤销预警" in rows and f"warning {wid}" in rows and "误报：该链接人工复核可以访问" in rows and "office1" in rows
    shot(page, "office-audit")
    with console.app.store.session() as s:
        assert warnings_mod.get(s, wid).status == "revoked"
    context.close()


def test_unit_sees_only_its_own_and_is_refused_the_rest(browser, console):
    context, page = login(browser, console, "mz-user", viewport=PHONE)
    page.click("text=账号")
    accounts = page.inner_text("#accounts")
    assert "site-mz" in accounts and "wb-mz" in accounts
    assert "site-jy" not in accounts and "wx-jy" not in accounts
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"] + 1
    shot(page, "unit-accounts-phone")
    page.goto(console.url("/warnings?status=all"))
    assert "XX民政" in page.content() and "XX区教育局网站" not in page.content()
    answer = page.goto(console.url(f"/warnings/{console.ids['jy_stale']}"))
    assert answer.status == 403 and "不属于您的单位" in page.content()
    answer = page.goto(console.url("/accounts/wx-jy"))
    assert answer.status == 403
    # a state change without the CSRF token, with the user's own session cookie
    own = console.ids["mz_silent"]
    refused = page.request.post(console.url(f"/warnings/{own}/revoke"), form={"reason": "已整改"})
    assert refused.status == 403 and "CSRF" in refused.text()
    for path in ("/", "/warnings?status=all", f"/warnings/{console.ids['mz_broken']}", "/accounts/wb-mz", "/closure",
                 "/maintenance", "/explain", "/scores"):
        page.goto(console.url(path))
        assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"] + 1, path  # readable on a phone
        if path.startswith("/warnings/"):
            shot(page, "unit-warning-phone")
    refused = page.request.post(console.url(f"/warnings/{own}/feedback"), form={"text": "已恢复更新"})
    assert refused.status == 403 and "CSRF" in refused.text()
    page.goto(console.url(f"/warnings/{own}"))
    assert page.locator("form#revoke").count() == 0 and page.locator("form#resolve").count() == 0
    assert page.inner_text("#feedback-state") == "未反馈"
    # the unit's own state change, through the form (with its token): 整改反馈
    page.fill("#feedback-text", "已恢复每日发布，附近一周发布记录")
    page.click("#feedback-form button[type=submit]")
    page.wait_for_url(console.url(f"/warnings/{own}"))
    assert page.inner_text("#feedback-state") == "已反馈" and "已恢复每日发布" in page.inner_text("#feedback")
    shot(page, "unit-feedback-phone")
    with console.app.store.session() as s:
        assert warnings_mod.get(s, own).status == "open"
        assert not s.scalars(select(AuditEntry).where(AuditEntry.action.like("warning.%"))).all()
        assert [e.action for e in s.scalars(select(AuditEntry).where(AuditEntry.actor == "mz-user"))] == [
            "login", "feedback.submit"]
    context.close()


def test_leader_cannot_change_anything(browser, console):
    context, page = login(browser, console, "leader1")
    for path in ("/", "/warnings?status=all", f"/warnings/{console.ids['mz_silent']}", "/closure", "/accounts",
                 "/accounts/wx-jy", "/accounts/wb-mz", "/bulletins", "/maintenance", "/scores"):
        answer = page.goto(console.url(path))
        if path == "/accounts/wb-mz":
            shot(page, "leader-account")
            assert page.locator("svg.spark polyline").count() >= 1
        assert answer.status == 200, path
        # the only form a leader gets is the sign-out button
        assert page.locator("form[method=post]").count() == 1, path
        assert page.locator("form[method=post]").get_attribute("action").endswith("/logout")
    shot(page, "leader-bulletins")
    assert page.goto(console.url("/accounts/upload")).status == 403
    assert page.goto(console.url("/audit")).status == 403
    page.goto(console.url("/"))
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    wid = console.ids["mz_silent"]
    for path, form in ((f"/warnings/{wid}/revoke", {"reason": "x"}), (f"/warnings/{wid}/resolve", {"reason": "x"}),
                       ("/closure/wx-jy/decide", {"decision": "closed", "reason": "x"}),
                       (f"/warnings/{wid}/feedback", {"text": "x"}), (f"/warnings/{wid}/verify", {"reason": "x"}),
                       ("/maintenance/add", {"account_id": "wx-jy", "from": "2026-12-01", "to": "2026-12-02",
                                             "reason": "x"})):
        refused = page.request.post(console.url(path), form={**form, "csrf": csrf})
        assert refused.status == 403 and "无权" in refused.text(), path
    with console.app.store.session() as s:
        assert warnings_mod.get(s, wid).status == "open"
        assert not s.scalars(select(AuditEntry).where(AuditEntry.role == "leader",
                                                      AuditEntry.action != "login")).all()
    context.close()


BAD_ACCOUNTS = ("account_id,platform,name,owner_unit,url\n"
                "site-mz,website,XX区民政局网站,区民政局,https://site-mz.example.gov.cn/\n"
                "wb-new,weibo,新微博,区民政局,\n"
                "site-x,blog,某网站,区民政局,ftp://x\n")


def test_upload_with_errors_lists_them_and_changes_nothing(browser, console, tmp_path):
    with console.app.store.session() as s:
        before = [(a.account_id, a.active, a.name) for a in s.scalars(select(Account).order_by(Account.account_id))]
    bad = tmp_path / "accounts.csv"
    bad.write_text(BAD_ACCOUNTS, encoding="utf-8")
    context, page = login(browser, console, "office1", viewport=PHONE)
    page.goto(console.url("/accounts/upload"))
    page.set_input_files("#accounts-file", str(bad))
    page.fill("#upload-reason", "季度登记表更新")
    page.click("form.card button[type=submit]")
    page.wait_for_selector("#problems")
    problems = page.inner_text("#problems")
    shot(page, "upload-errors-phone")
    assert "accounts.csv:3: platform_id: a weibo account needs its uid" in problems
    assert "accounts.csv:4: platform: unknown platform 'blog'" in problems
    assert "accounts.csv:4: url: 'ftp://x' is not an http(s) URL" in problems
    assert "/tmp" not in problems and "mediawatch-upload" not in problems
    with console.app.store.session() as s:
        after = [(a.account_id, a.active, a.name) for a in s.scalars(select(Account).order_by(Account.account_id))]
        assert after == before
        assert not s.scalars(select(AuditEntry).where(AuditEntry.action == "accounts.import")).all()
    good = tmp_path / "good" / "accounts.csv"
    good.parent.mkdir()
    good.write_text(BAD_ACCOUNTS.splitlines()[0] + "\n" + BAD_ACCOUNTS.splitlines()[1] + "\n"
                    + "wb-mz,weibo,XX民政,区民政局,\nsite-jy,website,XX区教育局网站,区教育局,https://site-jy.example.gov.cn/\n"
                    + "wx-jy,wechat,XX教育,区教育局,\n", encoding="utf-8")
    page.set_input_files("#accounts-file", str(good))
    page.fill("#upload-reason", "季度登记表更新")
    page.click("form.card button[type=submit]")
    page.wait_for_selector("#problems, #result")
    assert page.locator("#problems").count() == 1  # wb-mz needs its uid, wx-jy a feed: still refused
    context.close()
