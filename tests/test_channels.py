"""IM robots through Apprise, against local receivers that check each platform's payload and signature
as the platform documents it (DingTalk 加签, Feishu 签名校验, WeCom's key, a gateway's token), and SMTP
(aiosmtpd); reminders once a day, quiet hours, a failed send retried exactly once, escalation exactly once."""

from __future__ import annotations

import base64
import email
import email.policy
import hashlib
import hmac
import json
import time
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from mediawatch import clock
from mediawatch.app import App
from mediawatch.channels.contacts import Recipient
from mediawatch.channels.deliver import Deliverer, Message, in_quiet_hours
from mediawatch.outreach import run_outreach
from mediawatch.simulation.server import LocalServer, Reply
from mediawatch.store.models import CheckRun, NoticeDelivery, Observation, ReminderDelivery, WarningEvent
from report_fixtures import account, at, free_port, warning

DING_SECRET, FEISHU_SECRET, GATEWAY_TOKEN = "SECd1ngtalk-test-secret", "feishu-test-secret", "gw-token-1"


class Receivers:
    """One local server playing DingTalk, WeCom, Feishu and a JSON gateway; each refuses what its platform would."""

    def __init__(self, server: LocalServer):
        self.server = server
        self.accepted: dict[str, list[dict]] = {"dingtalk": [], "wecom": [], "feishu": [], "webhook": []}
        self.refused: dict[str, list[str]] = {k: [] for k in self.accepted}
        self.fail_next: dict[str, int] = {k: 0 for k in self.accepted}
        server.route("/robot/send", self.dingtalk)
        server.route("/cgi-bin/webhook/send", self.wecom)
        server.route("/open-apis/bot/v2/hook/*", self.feishu)
        server.route("/gateway/notify", self.webhook)

    def _fault(self, kind: str) -> Reply | None:
        if self.fail_next[kind]:
            self.fail_next[kind] -= 1
            return Reply(status=502, body="bad gateway")
        return None

    def _refuse(self, kind: str, why: str, answer: dict) -> Reply:
        self.refused[kind].append(why)
        return Reply(body=json.dumps(answer), content_type="application/json")

    def dingtalk(self, request) -> Reply:
        if (fault := self._fault("dingtalk")) is not None:
            return fault
        if request.method != "POST" or request.arg("access_token") != "ding-token":
            return self._refuse("dingtalk", "token", {"errcode": 300001, "errmsg": "token is not exist"})
        stamp, sign = request.arg("timestamp"), request.arg("sign")
        if not stamp or abs(int(stamp) - time.time() * 1000) > 3600_000:
            return self._refuse("dingtalk", "timestamp", {"errcode": 310000, "errmsg": "invalid timestamp"})
        expected = base64.b64encode(hmac.new(DING_SECRET.encode(), f"{stamp}\n{DING_SECRET}".encode(),
                                             hashlib.sha256).digest()).decode()
        if sign != expected:
            return self._refuse("dingtalk", "sign", {"errcode": 310000, "errmsg": "sign not match"})
        body = json.loads(request.body)
        if body.get("msgtype") != "markdown" or not body["markdown"].get("title") or not body["markdown"].get("text"):
            return self._refuse("dingtalk", "payload", {"errcode": 40035, "errmsg": "缺少参数 json"})
        self.accepted["dingtalk"].append(body)
        return Reply(body=json.dumps({"errcode": 0, "errmsg": "ok"}), content_type="application/json")

    def wecom(self, request) -> Reply:
        if (fault := self._fault("wecom")) is not None:
            return fault
        if request.arg("key") != "wecom-key":
            return self._refuse("wecom", "key", {"errcode": 93000, "errmsg": "invalid webhook url"})
        body = json.loads(request.body)
        content = body.get("markdown", {}).get("content", "")
        if body.get("msgtype") != "markdown" or not content or len(content.encode()) > 4096:
            return self._refuse("wecom", "payload", {"errcode": 40058, "errmsg": "markdown.content exceed max length"})
        self.accepted["wecom"].append(body)
        return Reply(body=json.dumps({"errcode": 0, "errmsg": "ok"}), content_type="application/json")

    def feishu(self, request) -> Reply:
        if (fault := self._fault("feishu")) is not None:
            return fault
        if not request.path.endswith("/feishu-hook"):
            return self._refuse("feishu", "token", {"code": 19001, "msg": "param invalid: incoming webhook access token invalid"})
        body = json.loads(request.body)
        stamp = body.get("timestamp")
        expected = base64.b64encode(hmac.new(f"{stamp}\n{FEISHU_SECRET}".encode(), b"", hashlib.sha256).digest()).decode()
        if not stamp or abs(int(stamp) - time.time()) > 3600 or body.get("sign") != expected:
            return self._refuse("feishu", "sign", {"code": 19021, "msg": "sign match fail or timestamp is not within one hour from current time"})
        if body.get("msg_type") != "text" or not body.get("content", {}).get("text"):
            return self._refuse("feishu", "payload", {"code": 9499, "msg": "Bad Request"})
        self.accepted["feishu"].append(body)
        return Reply(body=json.dumps({"code": 0, "msg": "success", "data": {}}), content_type="application/json")

    def webhook(self, request) -> Reply:
        if (fault := self._fault("webhook")) is not None:
            return fault
        if request.headers.get("X-Mediawatch-Token") != GATEWAY_TOKEN:
            self.refused["webhook"].append("token")
            return Reply(status=401, body="unauthorized")
        body = json.loads(request.body)
        if not {"version", "title", "message", "type"} <= set(body):
            self.refused["webhook"].append("payload")
            return Reply(status=400, body="bad payload")
        self.accepted["webhook"].append(body)
        return Reply(body="{}", content_type="application/json")

    def texts(self, kind: str) -> list[str]:
        return [json.dumps(b, ensure_ascii=False) for b in self.accepted[kind]]


@pytest.fixture
def receivers():
    with LocalServer() as server:
        yield Receivers(server)


@pytest.fixture
def smtp():
    class Inbox:
        def __init__(self):
            self.envelopes = []

        async def handle_DATA(self, server, session, envelope):
            self.envelopes.append(envelope)
            return "250 OK"

        @property
        def messages(self):
            return [email.message_from_bytes(e.original_content, policy=email.policy.default) for e in self.envelopes]

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def configure(home, monkeypatch, receivers: Receivers, smtp_port: int | None = None) -> None:
    base = receivers.server.url("/")
    monkeypatch.setenv("MW_TEST_DING_URL", f"{base}robot/send?access_token=ding-token")
    monkeypatch.setenv("MW_TEST_DING_SECRET", DING_SECRET)
    monkeypatch.setenv("MW_TEST_WECOM_URL", f"{base}cgi-bin/webhook/send?key=wecom-key")
    monkeypatch.setenv("MW_TEST_FEISHU_URL", f"{base}open-apis/bot/v2/hook/feishu-hook")
    monkeypatch.setenv("MW_TEST_FEISHU_SECRET", FEISHU_SECRET)
    monkeypatch.setenv("MW_TEST_GW_URL", f"{base}gateway/notify")
    monkeypatch.setenv("MW_TEST_GW_TOKEN", GATEWAY_TOKEN)
    smtp = (f'[smtp]\nhost = "127.0.0.1"\nport = {smtp_port}\nsecurity = "none"\nsender = "jg@example.gov.cn"\n'
            if smtp_port else "")
    with open(home / "mediawatch.toml", "a", encoding="utf-8") as f:
        f.write('\n[office]\nemail = "office@example.gov.cn"\n' + smtp + """
[channels.robots.ding-mzj]
kind = "dingtalk"
url_env = "MW_TEST_DING_URL"
secret_env = "MW_TEST_DING_SECRET"
[channels.robots.wecom-fgw]
kind = "wecom"
url_env = "MW_TEST_WECOM_URL"
[channels.robots.feishu-jyj]
kind = "feishu"
url_env = "MW_TEST_FEISHU_URL"
secret_env = "MW_TEST_FEISHU_SECRET"
[channels.robots.zzd-gateway]
kind = "webhook"
url_env = "MW_TEST_GW_URL"
secret_env = "MW_TEST_GW_TOKEN"
""")
    (home / "contacts.csv").write_text(
        "owner_unit,name,channel,target\n"
        "区民政局,民政局工作群,dingtalk,ding-mzj\n"
        "区发展和改革局,发改局工作群,wecom,wecom-fgw\n"
        "区教育局,教育局工作群,feishu,feishu-jyj\n"
        "区府办,浙政钉网关,webhook,zzd-gateway\n", encoding="utf-8")


def test_each_robot_passes_its_platforms_signature_and_payload_check(home, db_url, receivers, monkeypatch):
    configure(home, monkeypatch, receivers)
    app = App(home, db_url)
    deliverer = Deliverer(app.config, sending=True)
    now = at("2026-12-01 10:00")
    message = Message("【预提醒】测试", "正文", "**区民政局**：测试消息，含中文")
    for kind, robot in (("dingtalk", "ding-mzj"), ("wecom", "wecom-fgw"), ("feishu", "feishu-jyj"),
                        ("webhook", "zzd-gateway")):
        status, error = deliverer.deliver(Recipient(kind, robot, "区民政局"), message, now)
        assert (status, error) == ("sent", None), kind
        assert len(receivers.accepted[kind]) == 1 and not receivers.refused[kind], kind
    assert "测试消息" in receivers.accepted["dingtalk"][0]["markdown"]["text"]
    assert "测试消息" in receivers.accepted["wecom"][0]["markdown"]["content"]
    assert "测试消息" in receivers.accepted["feishu"][0]["content"]["text"]
    assert receivers.accepted["webhook"][0]["title"] == "【预提醒】测试"
    app.close()


def test_a_wrong_secret_is_refused_by_the_receiver_and_reported_failed(home, db_url, receivers, monkeypatch):
    configure(home, monkeypatch, receivers)
    monkeypatch.setenv("MW_TEST_DING_SECRET", "SECwrong")
    monkeypatch.setenv("MW_TEST_FEISHU_SECRET", "wrong")
    monkeypatch.setenv("MW_TEST_GW_TOKEN", "wrong")
    app = App(home, db_url)
    deliverer = Deliverer(app.config, sending=True)
    message = Message("t", "b", "b")
    for kind, robot in (("dingtalk", "ding-mzj"), ("feishu", "feishu-jyj"), ("webhook", "zzd-gateway")):
        status, _ = deliverer.deliver(Recipient(kind, robot, "x"), message, at("2026-12-01 10:00"))
        assert status == "failed", kind
        assert receivers.refused[kind] and not receivers.accepted[kind], kind
    monkeypatch.delenv("MW_TEST_WECOM_URL")
    status, error = deliverer.deliver(Recipient("wecom", "wecom-fgw", "x"), message, at("2026-12-01 10:00"))
    assert status == "failed" and "MW_TEST_WECOM_URL" in error
    app.close()


def test_quiet_hours_cross_midnight(home, db_url):
    app = App(home, db_url)
    assert in_quiet_hours(at("2026-12-01 20:00"), app.config)
    assert in_quiet_hours(at("2026-12-02 07:59"), app.config)
    assert not in_quiet_hours(at("2026-12-02 08:00"), app.config)
    assert not in_quiet_hours(at("2026-12-01 19:59"), app.config)
    app.close()


def _silent_weibo(app, unit: str, latest: str, as_of: str, email: str | None = None):
    """An account whose latest stored check saw its newest post at ``latest``."""
    with app.store.session() as s:
        acct = account(s, f"wb-{abs(hash(unit)) % 1000}", "weibo", "民政XX", unit, email=email)
        run = CheckRun(kind="check", as_of=at(as_of), started_at=at(as_of), status="done", scope={}, stats={})
        s.add(run)
        s.flush()
        s.add(Observation(run_id=run.id, account_pk=acct.id, as_of=at(as_of), kind="posts", ok=True,
                          data={"latest_post_at": clock.parse_datetime(latest).isoformat()}))
        return acct.id


def test_reminder_once_a_day_held_in_quiet_hours_then_sent(home, db_url, receivers, monkeypatch, smtp):
    controller, inbox = smtp
    configure(home, monkeypatch, receivers, controller.port)
    app = App(home, db_url)
    from mediawatch.channels.contacts import import_contacts

    import_contacts(app.store, app.config, home / "contacts.csv", at("2026-12-01 00:00"))
    _silent_weibo(app, "区民政局", "2026-11-20 10:00", "2026-12-01 02:00", email="mzj@example.gov.cn")
    # 02:00: day 11 of 14 -> a reminder; mail goes now, DingTalk waits for the end of the quiet hours
    report = run_outreach(app, send=True, now=at("2026-12-01 02:00"))
    assert report.reminders == 1 and report.statuses == {"sent": 1, "held": 1}
    assert len(inbox.messages) == 1 and "预提醒" in inbox.messages[0]["Subject"]
    assert "已11天未发布信息" in inbox.messages[0].get_body(("plain",)).get_content()
    assert receivers.accepted["dingtalk"] == []
    run_outreach(app, send=True, now=at("2026-12-01 07:30"))
    assert receivers.accepted["dingtalk"] == []
    report = run_outreach(app, send=True, now=at("2026-12-01 08:00"))
    assert report.reminders == 0  # the same day's reminder, not a second one
    assert len(receivers.accepted["dingtalk"]) == 1
    assert "已11天未发布信息" in receivers.accepted["dingtalk"][0]["markdown"]["text"]
    run_outreach(app, send=True, now=at("2026-12-01 15:00"))
    assert len(receivers.accepted["dingtalk"]) == 1 and len(inbox.messages) == 1
    # the next day: one more (day 12)
    run_outreach(app, send=True, now=at("2026-12-02 09:00"))
    assert len(receivers.accepted["dingtalk"]) == 2 and len(inbox.messages) == 2
    assert (home / "reports" / "notices" / "2026-12-01" / "预提醒__区民政局.txt").exists()
    app.close()


def test_no_reminder_before_day_ten_or_after_the_limit(home, db_url):
    app = App(home, db_url)
    _silent_weibo(app, "区民政局", "2026-11-22 10:00", "2026-12-01 02:00")  # 9 days
    assert run_outreach(app, send=False, now=at("2026-12-01 09:00")).reminders == 0
    assert run_outreach(app, send=False, now=at("2026-12-06 09:00")).reminders == 1  # 14 days: still a reminder
    assert run_outreach(app, send=False, now=at("2026-12-07 09:00")).reminders == 0  # 15: the rule's business
    app.close()


def test_a_failed_send_is_retried_exactly_once(home, db_url, receivers, monkeypatch):
    configure(home, monkeypatch, receivers)
    app = App(home, db_url)
    from mediawatch.channels.contacts import import_contacts

    import_contacts(app.store, app.config, home / "contacts.csv", at("2026-12-01 00:00"))
    _silent_weibo(app, "区发展和改革局", "2026-11-20 10:00", "2026-12-01 02:00")
    receivers.fail_next["wecom"] = 1
    report = run_outreach(app, send=True, now=at("2026-12-01 09:00"))
    assert report.failed == 1 and receivers.accepted["wecom"] == []
    report = run_outreach(app, send=True, now=at("2026-12-01 10:00"))
    assert report.statuses == {"sent": 1}
    run_outreach(app, send=True, now=at("2026-12-01 11:00"))
    assert len(receivers.accepted["wecom"]) == 1
    assert len(receivers.server.requests) == 2  # the failure and its one retry
    with app.store.session() as s:
        row = s.scalar(select(ReminderDelivery))
        assert (row.recipient, row.status, row.attempts) == ("wecom:wecom-fgw", "sent", 2)
    app.close()


def test_escalation_goes_to_owner_and_supervisor_exactly_once(home, any_db_url, receivers, monkeypatch, smtp):
    controller, inbox = smtp
    configure(home, monkeypatch, receivers, controller.port)
    app = App(home, any_db_url)
    from mediawatch.channels.contacts import import_contacts

    import_contacts(app.store, app.config, home / "contacts.csv", at("2026-12-01 00:00"))
    with app.store.session() as s:
        acct = account(s, "site-mzj", "website", "XX区民政局", "区民政局", email="mzj@example.gov.cn")
        acct.supervisor_unit = "区发展和改革局"  # a supervisor with a WeCom robot
        w = warning(s, acct, "broken_links", "2026-11-20 02:00", message="首页2个链接不可用")
        wid = w.id
    for when in ("2026-11-28 09:00", "2026-11-29 09:00"):  # the deadline is 11-30 02:00: reminders, no escalation
        run_outreach(app, send=True, now=at(when))
    texts = receivers.texts("dingtalk")
    assert any("整改期限2天后届满" in t for t in texts) and all("逾期" not in t for t in texts)
    for when in ("2026-11-30 09:00", "2026-11-30 14:00", "2026-12-01 09:00"):
        run_outreach(app, send=True, now=at(when))
    new = [t for t in receivers.texts("dingtalk") if "新增预警" in t]
    assert len(new) == 1 and f"#{wid}" in new[0]  # the new warning told to the unit's robot once
    owner = [t for t in receivers.texts("dingtalk") if "逾期" in t]
    supervisor = [t for t in receivers.texts("wecom") if "逾期" in t]
    mails = [m for m in inbox.messages if "督办" in m["Subject"]]
    assert len(owner) == 1 and len(supervisor) == 1 and len(mails) == 1
    assert f"#{wid}" in owner[0] and f"#{wid}" in supervisor[0] and "你单位主管的账号" in supervisor[0]
    with app.store.session() as s:
        assert len(s.scalars(select(WarningEvent).where(WarningEvent.kind == "escalated")).all()) == 1
        kinds = {(d.kind, d.recipient, d.status) for d in s.scalars(select(NoticeDelivery))}
    assert ("escalated", "wecom:wecom-fgw", "sent") in kinds and ("escalated", "dingtalk:ding-mzj", "sent") in kinds
    digest = (home / "reports" / "notices" / "2026-11-30" / "办公室督办汇总.txt").read_text(encoding="utf-8")
    assert f"#{wid}" in digest and "主管单位：区发展和改革局" in digest
    app.close()


def test_contacts_import_reports_every_bad_row_and_writes_nothing(home, cli, receivers, monkeypatch):
    configure(home, monkeypatch, receivers)
    bad = home / "bad.csv"
    bad.write_text("owner_unit,name,channel,target\n区民政局,a,dingtalk,no-such-robot\n区民政局,b,email,not-an-address\n"
                   ",c,sms,x\n区教育局,d,dingtalk,feishu-jyj\n", encoding="utf-8")
    result = cli("contacts", "import", str(bad), expect=2)
    for line in (":2: target: no robot 'no-such-robot'", ":3: target: not an e-mail address", ":4: owner_unit",
                 ":4: channel", ":5: target: robot 'feishu-jyj' is a feishu robot"):
        assert line in result.stderr
    assert "contacts" not in cli("contacts", "list", "--format", "json").stdout.replace("[]", "")
    cli("contacts", "import", str(home / "contacts.csv"))
    assert "ding-mzj" in cli("contacts", "list").stdout


def test_init_file_takes_robot_tables_and_bad_robots_are_exit_2(cli, home):
    (home / "mediawatch.toml").unlink()
    cli("init")
    with open(home / "mediawatch.toml", "a", encoding="utf-8") as f:
        f.write('\n[channels.robots.ding-mzj]\nkind = "dingtalk"\nurl_env = "MW_DING"\nsecret_env = "MW_DING_SECRET"\n')
    cli("contacts", "list")  # the file written by init, extended with a robot, loads
    with open(home / "mediawatch.toml", "a", encoding="utf-8") as f:
        f.write('\n[channels.robots.bad]\nkind = "sms"\ntoken = "abc"\n')
    result = cli("contacts", "list", expect=2)
    for problem in ("channels.robots.bad.token: unknown key", "channels.robots.bad.kind: must be one of",
                    "channels.robots.bad.url_env"):
        assert problem in result.stderr


def test_without_smtp_or_robots_an_escalation_is_written_once_then_sent_when_mail_is_configured(
        home, db_url, smtp):
    controller, inbox = smtp
    app = App(home, db_url)
    with app.store.session() as s:
        acct = account(s, "site-wsj", "website", "XX区卫生健康局", "区卫生健康局", email="wjj@example.gov.cn")
        warning(s, acct, "blank_column", "2026-11-01 02:00")
    for day in ("2026-11-20", "2026-11-21"):
        run_outreach(app, send=True, now=at(f"{day} 09:00"))
    files = sorted(p.parent.name for p in (home / "reports" / "notices").rglob("督办__区卫生健康局*.txt"))
    assert files == ["2026-11-20"]  # written once, not every day
    app.close()
    with open(home / "mediawatch.toml", "a", encoding="utf-8") as f:
        f.write(f'\n[smtp]\nhost = "127.0.0.1"\nport = {controller.port}\nsecurity = "none"\nsender = "jg@example.gov.cn"\n')
    app = App(home, db_url)
    run_outreach(app, send=True, now=at("2026-11-22 09:00"))
    run_outreach(app, send=True, now=at("2026-11-23 09:00"))
    assert [m["To"].addresses[0].addr_spec for m in inbox.messages if "督办" in m["Subject"]] == ["wjj@example.gov.cn"]
    app.close()
