"""The console over real HTTP (httpx to a uvicorn server on 127.0.0.1): sessions, CSRF, scoping, limits, escaping."""

from __future__ import annotations

import re

import httpx
import pytest

from mediawatch import warnings as warnings_mod
from mediawatch.console import users
from mediawatch.store.models import Account, AuditEntry
from sqlalchemy import func, select

from console_fixtures import PASSWORDS, XSS, console  # noqa: F401


def token(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def signed_in(console, name: str) -> httpx.Client:
    client = httpx.Client(base_url=console.base_url, follow_redirects=False, timeout=10)
    answer = client.post("/login", data={"csrf": token(client.get("/login").text), "name": name,
                                         "password": PASSWORDS[name], "next": "/"})
    assert answer.status_code == 303, answer.text
    return client


def test_pages_need_a_login_and_the_cookie_is_httponly_samesite(console):
    client = httpx.Client(base_url=console.base_url, follow_redirects=False)
    answer = client.get("/warnings")
    assert answer.status_code == 303 and answer.headers["location"].endswith("/login?next=%2Fwarnings")
    cookie = client.get("/login").headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    assert client.get(f"/warnings/{console.ids['mz_broken']}").status_code == 303
    assert client.post(f"/warnings/{console.ids['mz_broken']}/revoke", data={"reason": "x"}).status_code in (401, 403)


def test_every_page_answers_each_role_within_its_scope(console):
    office, unit, leader = (signed_in(console, n) for n in ("office1", "mz-user", "leader1"))
    for page in ("/", "/warnings?status=all", "/accounts", "/accounts/site-jy", "/closure", "/bulletins", "/audit",
                 "/accounts/upload", f"/warnings/{console.ids['jy_stale']}"):
        assert office.get(page).status_code == 200, page
    for page, status in (("/", 200), ("/warnings?status=all", 200), ("/accounts", 200), ("/accounts/site-mz", 200),
                         ("/accounts/site-jy", 403), (f"/warnings/{console.ids['jy_stale']}", 403),
                         (f"/warnings/{console.ids['mz_silent']}", 200), ("/bulletins", 403), ("/audit", 403),
                         ("/accounts/upload", 403), ("/closure", 200)):
        assert unit.get(page).status_code == status, page
    listing = unit.get("/warnings?status=all").text
    assert "XX民政" in listing and "XX教育" not in listing and "区教育局" not in listing
    assert "wx-jy" not in unit.get("/closure").text  # another unit's closure candidate
    assert "wx-jy" in office.get("/closure").text
    for page, status in (("/", 200), ("/closure", 200), ("/bulletins", 200), ("/audit", 403), ("/accounts/upload", 403)):
        assert leader.get(page).status_code == status, page


def test_unit_filters_cannot_widen_the_scope(console):
    unit = signed_in(console, "mz-user")
    text = unit.get("/warnings", params={"unit": "区教育局", "status": "all"}).text
    assert "XX区教育局网站" not in text and "XX民政" in text
    text = unit.get("/accounts", params={"unit": "区教育局"}).text
    assert "site-jy" not in text and "site-mz" in text
    assert "site-jy" not in unit.get("/", params={"unit": "区教育局"}).text


def test_state_changes_need_the_csrf_token_and_the_office_role(console):
    wid = console.ids["mz_broken"]
    office, leader = signed_in(console, "office1"), signed_in(console, "leader1")
    refused = office.post(f"/warnings/{wid}/revoke", data={"reason": "误报"})
    assert refused.status_code == 403 and "CSRF" in refused.text
    refused = office.post(f"/warnings/{wid}/revoke", data={"reason": "误报", "csrf": "forged"})
    assert refused.status_code == 403
    page = leader.get(f"/warnings/{wid}").text
    assert 'id="revoke"' not in page
    refused = leader.post(f"/warnings/{wid}/revoke", data={"reason": "误报", "csrf": token(page)})
    assert refused.status_code == 403 and "无权" in refused.text
    with console.app.store.session() as s:
        assert warnings_mod.get(s, wid).status == "open"
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "warning.revoke")) == 0
    done = office.post(f"/warnings/{wid}/revoke", data={"reason": "误报：链接可访问", "csrf": token(office.get("/").text)})
    assert done.status_code == 303
    with console.app.store.session() as s:
        warning = warnings_mod.get(s, wid)
        assert warning.status == "revoked" and warning.events[-1].actor == "office1"
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "warning.revoke")).one()
        assert (entry.actor, entry.role, entry.reason, entry.target) == ("office1", "office", "误报：链接可访问",
                                                                          f"warning {wid}")
    again = office.post(f"/warnings/{wid}/revoke", data={"reason": "again", "csrf": token(office.get("/").text)})
    assert again.status_code == 400 and "already revoked" in again.text


def test_closure_decision_through_the_console(console):
    office = signed_in(console, "office1")
    answer = office.post("/closure/wx-jy/decide", data={"decision": "rectify", "reason": "限期一个月整改",
                                                        "csrf": token(office.get("/closure").text)})
    assert answer.status_code == 303
    page = office.get("/closure").text
    assert "限期整改" in page and "限期一个月整改" in page
    assert "关停整改决定" in office.get("/audit").text
    bad = office.post("/closure/wx-jy/decide", data={"decision": "delete", "reason": "x", "csrf": token(page)})
    assert bad.status_code == 400


def test_values_are_escaped(console):
    office = signed_in(console, "office1")
    page = office.get(f"/warnings/{console.ids['mz_broken']}").text
    assert "<script>document.title" not in page and "<img src=x" not in page
    assert "&lt;script&gt;document.title" in page
    csp = office.get("/").headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp


def test_login_is_rate_limited(console):
    client = httpx.Client(base_url=console.base_url, follow_redirects=False)
    for _ in range(console.app.config.console.login_max_failures):
        answer = client.post("/login", data={"csrf": token(client.get("/login").text), "name": "office1",
                                             "password": "wrong-password"})
        assert answer.status_code == 401 and "用户名或密码错误" in answer.text
    answer = client.post("/login", data={"csrf": token(client.get("/login").text), "name": "office1",
                                         "password": PASSWORDS["office1"]})
    assert answer.status_code == 429 and "分钟后再试" in answer.text
    with console.app.store.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "login.failed")) == 5


def test_a_disabled_user_or_a_new_password_ends_the_session(console):
    from mediawatch import clock

    unit, leader = signed_in(console, "mz-user"), signed_in(console, "leader1")
    assert unit.get("/").status_code == 200 and leader.get("/").status_code == 200
    with console.app.store.session() as s:
        users.disable(s, "mz-user", actor="test", now=clock.now())
        users.passwd(s, console.app.config, "leader1", "another-pass-2026", actor="test", now=clock.now())
    assert unit.get("/").status_code == 303
    assert leader.get("/").status_code == 303


def test_upload_limits_size_and_type(console):
    office = signed_in(console, "office1")
    csrf = token(office.get("/accounts/upload").text)
    limit = console.app.config.console.max_upload_bytes
    big = office.post("/accounts/upload", data={"csrf": csrf, "reason": "r"},
                      files={"accounts": ("accounts.csv", b"a" * (limit + 10), "text/csv")})
    assert big.status_code == 413
    huge = office.post("/accounts/upload", data={"csrf": csrf, "reason": "r"},
                       files={"accounts": ("accounts.csv", b"a" * (limit * 3), "text/csv")})
    assert huge.status_code == 413
    exe = office.post("/accounts/upload", data={"csrf": csrf, "reason": "r"},
                      files={"accounts": ("accounts.exe", b"MZ\x00\x00", "application/x-msdownload")})
    assert exe.status_code == 400 and ".csv" in exe.text
    with console.app.store.session() as s:
        assert s.scalar(select(func.count()).select_from(Account)) == 4


def test_bulletin_files_are_served_only_from_the_archive(console):
    from mediawatch import clock
    from mediawatch.bulletin import write_bulletin

    write_bulletin(console.app, "2026-11", None, now=clock.now())
    leader = signed_in(console, "leader1")
    page = leader.get("/bulletins").text
    assert "2026-11" in page and "/bulletins/2026-11/annex.xlsx" in page
    html = leader.get("/bulletins/2026-11/bulletin.html")
    assert html.status_code == 200 and "通报" in html.text
    assert leader.get("/bulletins/2026-11/annex.xlsx").headers["content-disposition"].startswith("attachment")
    for path in ("/bulletins/2026-11/mediawatch.db", "/bulletins/2026-11/..%2F..%2Fmediawatch.db",
                 "/bulletins/2026-10/bulletin.html"):
        assert leader.get(path).status_code == 404, path


def test_sparkline_is_drawn_from_the_checks(console):
    page = signed_in(console, "mz-user").get("/accounts/wb-mz").text
    svg = re.search(r"<svg class=\"spark\".*?</svg>", page, re.S).group(0)
    assert "<polyline" in svg and "最高 4" in svg
    assert "未能完成" in page  # the failed check in the recent checks


def test_login_goes_back_only_to_a_page_of_this_site(console):
    for target, expected in (("/closure", "/closure"), ("//evil.example/x", "/"), ("https://evil.example/", "/"),
                             ("/\\evil.example", "/")):
        client = httpx.Client(base_url=console.base_url, follow_redirects=False)
        answer = client.post("/login", data={"csrf": token(client.get("/login").text), "name": "leader1",
                                             "password": PASSWORDS["leader1"], "next": target})
        assert answer.status_code == 303 and answer.headers["location"] == expected, target


def test_a_login_form_without_its_token_is_refused(console):
    client = httpx.Client(base_url=console.base_url, follow_redirects=False)
    client.get("/login")
    answer = client.post("/login", data={"name": "office1", "password": PASSWORDS["office1"]})
    assert answer.status_code == 403 and "CSRF" in answer.text
    assert client.get("/").status_code == 303  # not signed in


def test_the_cookie_is_secure_behind_https(home, db_url):
    from mediawatch import config
    from mediawatch.app import App

    from console_fixtures import ConsoleServer

    mw = App(home, db_url, config=config.load(home).with_overrides({"console": {"secure_cookies": True}}))
    try:
        with ConsoleServer(mw) as server:
            cookie = httpx.get(f"http://127.0.0.1:{server.port}/login").headers["set-cookie"].lower()
        assert "; secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    finally:
        mw.close()


def test_an_upload_with_a_bad_columns_file_writes_nothing(console):
    office = signed_in(console, "office1")
    accounts = ("account_id,platform,name,owner_unit,url,platform_id,feed_url\n"
                "site-mz,website,XX区民政局网站,区民政局,https://site-mz.example.gov.cn/,,\n"
                "site-new,website,新网站,区民政局,https://new.example.gov.cn/,,\n").encode("gbk")
    columns = ("account_id,column,url,category\n"
               "site-mz,通知公告,https://site-mz.example.gov.cn/tzgg/,notice\n"
               "site-new,动态,https://new.example.gov.cn/dt/,blog\n").encode("utf-8")
    answer = office.post("/accounts/upload", data={"csrf": token(office.get("/accounts/upload").text), "reason": "更新"},
                         files={"accounts": ("登记表.csv", accounts, "text/csv"),
                                "columns": ("columns.csv", columns, "application/vnd.ms-excel")})
    assert answer.status_code == 400
    assert "columns.csv:3: category: unknown category &#39;blog&#39;" in answer.text
    with console.app.store.session() as s:
        names = sorted(s.scalars(select(Account.account_id)))
        assert names == ["site-jy", "site-mz", "wb-mz", "wx-jy"]
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "accounts.import")) == 0


def test_the_signing_key_is_kept_private(console):
    path = console.home / "console.secret"
    assert path.stat().st_mode & 0o777 == 0o600 and len(path.read_text().strip()) >= 40
