"""Names and addresses that break a notice: the others still go, the broken one is recorded as failed."""

from __future__ import annotations

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from mediawatch.app import App
from mediawatch.notices import prepare_and_send
from mediawatch.store.models import NoticeDelivery
from report_fixtures import account, at, free_port, warning

NOW = at("2026-11-23 09:00")


class Inbox:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def app(home, db_url):
    app = App(home, db_url)
    yield app
    app.close()


def test_a_notice_that_cannot_be_built_fails_alone(app, home, smtp):
    controller, inbox = smtp
    with open(home / "mediawatch.toml", "a", encoding="utf-8") as f:
        f.write(f'\n[smtp]\nhost = "127.0.0.1"\nport = {controller.port}\nsecurity = "none"\n'
                'sender = "jianguan@example.gov.cn"\ntimeout_seconds = 5\n')
    # rows as an earlier version let them in (Alt+Enter in Excel; an address with a line break)
    with app.store.session() as s:
        for n, (unit, mail) in enumerate([("区财政局", "czj@example.gov.cn"),
                                          ("区教育局\n办公室", "edu@example.gov.cn"),
                                          ("区卫健局", "wjj@example.gov.cn\nBcc: all@example.org"),
                                          ("区审计局", "sjj@example.gov.cn")]):
            acct = account(s, f"acct-{n}", "weibo", f"账号{n}", unit, email=mail)
            warning(s, acct, "not_updated", "2026-11-22 02:00")

    report = prepare_and_send(app, now=NOW, send=True)

    delivered = sorted(r for e in inbox.envelopes for r in e.rcpt_tos)
    assert delivered == ["czj@example.gov.cn", "edu@example.gov.cn", "sjj@example.gov.cn"]
    assert all("all@example.org" not in e.rcpt_tos for e in inbox.envelopes)
    assert report.sent == 3 and report.failed == 1
    failed = report.failures[0]
    assert failed.owner_unit == "区卫健局" and "could not be built" in failed.error
    with app.store.session() as s:
        rows = {(d.owner_unit, d.status) for d in s.scalars(select(NoticeDelivery))}
    assert ("区卫健局", "failed") in rows and ("区审计局", "sent") in rows
    # the line break in the unit's name is a space in the header, not a broken message
    edu = next(e for e in inbox.envelopes if e.rcpt_tos == ["edu@example.gov.cn"])
    assert b"\nBcc" not in edu.original_content
