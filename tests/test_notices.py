"""Warning notices reach a real SMTP server (aiosmtpd on 127.0.0.1) and read right; none is sent twice."""

from __future__ import annotations

import email
import email.policy
import shutil
import ssl
import subprocess
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlalchemy import select

from mediawatch.app import App
from mediawatch.notices import prepare_and_send
from mediawatch.store.models import NoticeDelivery
from report_fixtures import account, at, free_port, warning

NOW = at("2026-11-23 09:00")
OFFICE = "XX区人民政府办公室"


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts, parsed."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"

    @property
    def messages(self):
        return [email.message_from_bytes(e.original_content, policy=email.policy.default) for e in self.envelopes]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def configure(home, port: int, extra: str = "") -> None:
    with open(home / "mediawatch.toml", "a", encoding="utf-8") as f:
        f.write(f'\n[office]\nname = "{OFFICE}"\nemail = "office@example.gov.cn"\nphone = "0577-88880000"\n'
                f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\nsender = "jianguan@example.gov.cn"\n'
                f'timeout_seconds = 5\n{extra}')


@pytest.fixture
def app(home, any_db_url):
    app = App(home, any_db_url)
    yield app
    app.close()


def district(app):
    """Two units with addresses, one without; warnings of every kind of evidence."""
    with app.store.session() as s:
        wb = account(s, "xc-weibo", "weibo", "瓯海发布", "区委宣传部", email="xc@example.gov.cn")
        web = account(s, "edu-web", "website", "区教育局网站", "区教育局", email="edu@example.gov.cn;it@example.gov.cn")
        quiet = account(s, "town-wx", "wechat", "<script>alert(1)</script>镇", "某某镇人民政府")
        # three earlier warnings in the window: one more makes xc-weibo a closure candidate
        for opened in ("2026-03-01", "2026-05-01", "2026-07-01"):
            warning(s, wb, "not_updated", opened, resolved=opened.replace("-01", "-05"))
        warning(s, wb, "not_updated", "2026-11-21 02:00", evidence={
            "latest_post_at": "2026-11-01T10:00:00+08:00", "days_since": 19, "threshold_days": 14,
            "count_7d": 0, "count_14d": 0, "count_30d": 3, "checked_at": "2026-11-21T02:00:00+08:00"},
            message="最后发布于2026-11-01，已超过14天未更新")
        warning(s, wb, "severe_typo", "2026-11-05 02:00", evidence={"hits": [{
            "page": "https://m.weibo.cn/detail/501", "wrong": "中华人民共合国", "right": "中华人民共和国",
            "context": "热烈庆祝中华人民共合国成立77周年", "post_id": "501"}]})
        warning(s, web, "broken_links", "2026-11-22 02:00", evidence={
            "count": 2, "pages_crawled": 12, "links_checked": 340, "broken": [
                {"page": "https://edu-web.example.gov.cn/", "url": "https://edu-web.example.gov.cn/zs.pdf",
                 "text": "招生简章", "tag": "a", "status": 404, "error_kind": "http", "on_homepage": True},
                {"page": "https://edu-web.example.gov.cn/news/1.html", "url": "https://old.example.gov.cn/",
                 "text": "", "tag": "a", "status": None, "error_kind": "dns", "on_homepage": False}]})
        warning(s, web, "unavailable", "2026-11-22 02:00", evidence={
            "window_days": 7, "probes": 168, "failed": 12, "ratio": 12 / 168, "threshold": 0.05,
            "failures": [{"at": "2026-11-21T03:00:00+08:00", "status": 503, "error_kind": "http"},
                         {"at": "2026-11-21T04:00:00+08:00", "status": None, "error_kind": "timeout"}]})
        warning(s, web, "external", "2026-11-20 10:00", source="省政务新媒体监管平台", external_id="ZJ-2026-0042",
                evidence={"reason": "网站“通知公告”栏目超过6个月未更新", "source": "省政务新媒体监管平台",
                          "external_id": "ZJ-2026-0042", "issued_at": "2026-11-20"})
        warning(s, web, "homepage_not_updated", "2026-10-01", revoked="2026-10-02")  # revoked: never notified
        warning(s, quiet, "not_updated", "2026-11-22 02:00", evidence={"no_posts": True, "checked_at": None})


def parts(msg):
    return msg.get_body(("plain",)).get_content(), msg.get_body(("html",)).get_content()


def by_recipient(inbox):
    return {m["To"].addresses[0].addr_spec: m for m in inbox.messages}


def test_notices_reach_the_server_and_read_right(app, home, smtp):
    controller, inbox = smtp
    configure(home, controller.port)
    district(app)

    report = prepare_and_send(app, now=NOW, send=True)

    assert report.failed == 0 and report.sent == 4, report.outcomes
    mails = by_recipient(inbox)
    assert set(mails) == {"xc@example.gov.cn", "edu@example.gov.cn", "it@example.gov.cn", "office@example.gov.cn"}

    xc = mails["xc@example.gov.cn"]
    assert xc["Subject"] == "【预警通知】区委宣传部：新增预警1条，逾期未整改1条（2026年11月23日）"
    assert xc["From"].addresses[0].display_name == OFFICE
    assert xc["From"].addresses[0].addr_spec == "jianguan@example.gov.cn"
    assert xc["To"].addresses[0].display_name == "区委宣传部"
    assert "=?utf-8?" in xc.as_string().split("\n\n")[0].lower()  # the raw header is RFC 2047 encoded
    text, html = parts(xc)
    for body in (text, html):
        assert "瓯海发布" in body and "政务微博" in body
        assert "内容不更新" in body and "严重表述错误" in body
        assert "2026年11月1日 10:00" in body and "超过" in body and "19" in body  # last post and days since
        assert "中华人民共合国" in body and "中华人民共和国" in body and "成立77周年" in body  # typo in context
        assert "2026年12月1日" in body  # deadline of the new warning (opened 11-21 + 10 days)
        assert "2026年11月15日" in body and "逾期 8 天" in body  # the typo warning's deadline, passed
        assert "请于整改期限内完成整改" in body and "0577-88880000" in body
    assert "近12个月预警 5 次" in text and "已超过 3 次，列入建议关停整改名单" in text
    assert "<mark>中华人民共合国</mark>" in html

    text, html = parts(mails["edu@example.gov.cn"])
    assert "链接不可用" in text and "https://edu-web.example.gov.cn/zs.pdf" in html and "HTTP 404" in html
    assert "招生简章" in html and "域名解析失败" in html and "（首页）" in html
    assert "站点无法访问" in text and "168" in text and "7.14%" in text and "HTTP 503" in text and "访问超时" in text
    assert "省政务新媒体监管平台" in text and "ZJ-2026-0042" in text and "上级平台预警" in text
    assert "首页不更新" not in text  # revoked
    # 2 own + 1 imported count, the revoked one does not: one more makes it a closure candidate
    assert "近12个月预警 3 次，再被预警 1 次即列入建议关停整改名单" in text
    assert parts(mails["it@example.gov.cn"])[0] == text  # both addresses of the unit get the same notice

    digest = mails["office@example.gov.cn"]
    assert digest["Subject"].startswith("【预警通知汇总】")
    text, html = parts(digest)
    assert "某某镇人民政府" in text and "没有任何发布内容" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;镇" in html and "<script>" not in html

    with app.store.session() as s:
        rows = s.scalars(select(NoticeDelivery)).all()
    assert {r.status for r in rows} == {"sent"} and all(r.attempts == 1 for r in rows)
    assert len(rows) == 2 + 1 + 3 * 2 + 1  # xc: new x2 + overdue x1; edu: 3 warnings x 2 addresses; digest: 1

    # files of what was sent, for the record
    assert len(list((home / "reports" / "notices" / "2026-11-23").glob("*.html"))) == 4


def test_never_sent_twice_and_only_what_is_new(app, home, smtp):
    controller, inbox = smtp
    configure(home, controller.port)
    district(app)
    prepare_and_send(app, now=NOW, send=True)
    assert len(inbox.envelopes) == 4

    again = prepare_and_send(app, now=NOW + timedelta(hours=1), send=True)
    assert again.outcomes == [] and len(inbox.envelopes) == 4

    with app.store.session() as s:
        from mediawatch.store.models import Account
        web = s.scalar(select(Account).where(Account.account_id == "edu-web"))
        warning(s, web, "blank_column", "2026-11-24 02:00", evidence={"columns": [
            {"column": "政策解读", "url": "https://edu-web.example.gov.cn/zcjd/", "category": "policy"}]})
    later = prepare_and_send(app, now=at("2026-11-24 09:00"), send=True)
    assert later.sent == 2 and len(inbox.envelopes) == 6
    text, _ = parts(inbox.messages[-1])
    assert "空白栏目" in text and "政策解读" in text
    assert "链接不可用" not in text  # already notified

    # the new warnings pass their deadline: one overdue notice each, once
    overdue = prepare_and_send(app, now=at("2026-12-02 09:00"), send=True)
    texts = [parts(m)[0] for m in inbox.messages[6:]]
    assert overdue.sent == 4 and all("逾期未整改预警" in t for t in texts)  # xc, edu x2, the digest
    assert not any("新增预警" in t for t in texts)
    assert prepare_and_send(app, now=at("2026-12-03 09:00"), send=True).outcomes == []


def test_a_failed_send_is_reported_and_retried(app, home, smtp, any_cli):
    controller, inbox = smtp
    configure(home, free_port())  # nothing listens there
    district(app)

    down = prepare_and_send(app, now=NOW, send=True)
    assert down.sent == 0 and down.failed == 4
    assert all("127.0.0.1" in o.error for o in down.failures)
    with app.store.session() as s:
        rows = s.scalars(select(NoticeDelivery)).all()
    assert {r.status for r in rows} == {"failed"} and all(r.attempts == 1 and r.last_error for r in rows)

    result = any_cli("notices", "--send", now="2026-11-23T10:00:00+08:00", expect=1)
    assert "could not be sent" in result.stderr and "retried" in result.stderr

    (home / "mediawatch.toml").write_text((home / "mediawatch.toml").read_text(encoding="utf-8").replace(
        "port = ", f"port = {controller.port}\n# was: port = ", 1), encoding="utf-8")
    app2 = App(home, app.db_url)
    try:
        up = prepare_and_send(app2, now=NOW + timedelta(hours=2), send=True)
    finally:
        app2.close()
    assert up.sent == 4 and up.retried == 4 and len(inbox.envelopes) == 4
    with app.store.session() as s:
        rows = s.scalars(select(NoticeDelivery)).all()
    assert {r.status for r in rows} == {"sent"} and all(r.attempts == 3 and r.last_error is None for r in rows)


def test_rendering_first_does_not_stop_a_later_send(app, home, smtp):
    controller, inbox = smtp
    configure(home, controller.port)
    district(app)

    rendered = prepare_and_send(app, now=NOW, send=False)
    assert rendered.rendered == 4 and inbox.envelopes == []
    folder = home / "reports" / "notices" / "2026-11-23"
    assert sorted(p.suffix for p in folder.iterdir()) == [".html"] * 4 + [".txt"] * 4
    assert prepare_and_send(app, now=NOW, send=False).outcomes == []  # not rendered again

    sent = prepare_and_send(app, now=NOW + timedelta(minutes=5), send=True)
    assert sent.sent == 4 and len(inbox.envelopes) == 4


def test_no_smtp_host_writes_files_only(any_cli, home, app):
    district(app)
    result = any_cli("notices", "--send", now="2026-11-23T09:00:00+08:00")
    assert "smtp.host is not set" in result.stderr
    assert "written to files only" in result.stdout
    files = sorted((home / "reports" / "notices" / "2026-11-23").glob("*.txt"))
    # no office.email configured: the digest of the unit without address has no recipient
    assert len(files) == 4 and any("无收件人" in f.name for f in files)
    assert "nowhere to go" in result.stderr


class Authenticator:
    def __init__(self):
        self.seen = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        self.seen.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret-from-env")


@pytest.fixture
def certificate(tmp_path, monkeypatch):
    """A self-signed certificate for 127.0.0.1, trusted by the client through SSL_CERT_FILE."""
    if not shutil.which("openssl"):
        pytest.skip("openssl not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert), str(key))
    return context


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_login_takes_the_password_from_the_environment(app, home, monkeypatch, certificate, security):
    inbox, auth = Inbox(), Authenticator()
    # aiosmtpd knows a STARTTLS session is encrypted; over implicit TLS it must be told AUTH is fine
    tls = {"tls_context": certificate, "require_starttls": True, "auth_require_tls": True} if security == "starttls" \
        else {"ssl_context": certificate, "auth_require_tls": False}
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), authenticator=auth, auth_required=True,
                            **tls)
    controller.start()
    try:
        configure(home, controller.port, 'user = "jianguan"\npassword_env = "MW_TEST_SMTP_PASSWORD"\n')
        (home / "mediawatch.toml").write_text((home / "mediawatch.toml").read_text(encoding="utf-8").replace(
            'security = "none"', f'security = "{security}"'), encoding="utf-8")
        district(app)
        monkeypatch.delenv("MW_TEST_SMTP_PASSWORD", raising=False)
        missing = prepare_and_send(app, now=NOW, send=True)
        assert missing.failed == 4 and "MW_TEST_SMTP_PASSWORD" in missing.failures[0].error
        monkeypatch.setenv("MW_TEST_SMTP_PASSWORD", "s3cret-from-env")
        ok = prepare_and_send(app, now=NOW, send=True)
        assert ok.sent == 4 and len(inbox.envelopes) == 4
        assert auth.seen[-1] == (b"jianguan", b"s3cret-from-env")
        assert "s3cret" not in (home / "mediawatch.toml").read_text(encoding="utf-8")
    finally:
        controller.stop()
