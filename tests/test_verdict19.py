"""Issue 16: the 19号 verdict of a month of simulated data, compared with the verdict computed by hand
(tests/data/verdict19/expected.json), both pass rates in the bulletin, column exemptions."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from mediawatch.clock import SHANGHAI
from mediawatch.simulation.server import LocalServer, Reply, Request

EXPECTED = json.loads((Path(__file__).parent / "data" / "verdict19" / "expected.json").read_text(encoding="utf-8"))
CHECKS = [date(2026, 10, d) for d in (1, 8, 15, 22, 29)]


class Scenario:
    """A district on one local server whose pages follow the test's clock (``today``)."""

    def __init__(self, server: LocalServer):
        self.server = server
        self.today = CHECKS[0]
        server.route("/art/*", Reply(body="<html><body><p>正文内容</p></body></html>"))
        server.route("/gone.html", Reply(status=404))

    def fresh(self) -> date:
        return self.today - timedelta(days=1)

    def list_page(self, newest, title: str = "本区召开专题工作会议") -> Reply:
        if newest is None:
            return Reply(body="<html><body><p>暂无信息</p></body></html>")
        day = newest() if callable(newest) else newest
        return Reply(body=f'<html><body><ul><li><a href="/art/{day}.html">{title}</a> <span>{day}</span></li>'
                          f"</ul></body></html>")

    def page(self, path: str, newest, extra: str = "") -> str:
        def answer(_request: Request) -> Reply:
            reply = self.list_page(newest)
            if extra:
                reply.body = reply.body.replace("</ul>", f"</ul>{extra}")
            return reply
        self.server.route(path, answer)
        return self.server.url(path)

    def feed(self, path: str, title: str, newest, text: str = "") -> str:
        def answer(_request: Request) -> Reply:
            day = newest() if callable(newest) else newest
            at = datetime(day.year, day.month, day.day, 9, tzinfo=SHANGHAI)
            body = (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{title}</title>'
                    f"<link>{self.server.url('/')}</link><description>x</description><item><title>今日发布</title>"
                    f"<link>{self.server.url('/art/' + str(day) + '.html')}</link><guid>{path}-{day}</guid>"
                    f"<pubDate>{format_datetime(at)}</pubDate><description><![CDATA[{text}]]></description>"
                    f"</item></channel></rss>")
            return Reply(body=body.encode("utf-8"), content_type="application/rss+xml; charset=utf-8")
        self.server.route(path, answer)
        return self.server.url(path)


@pytest.fixture
def month(any_cli, home):  # on SQLite and on PostgreSQL (the verdicts' JSON is searched as text)
    cli = any_cli
    with open(home / "mediawatch.toml", "a", encoding="utf-8") as f:
        f.write("[feeds]\ndelay_seconds = 0.0\n[crawl]\nmax_pages = 0\n")
    toml = home / "mediawatch.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("[wechat]\n", "[wechat]\nfetch_articles = false\n"),
                    encoding="utf-8")
    with LocalServer() as server:
        s = Scenario(server)
        stale, fixed_d, fixed_f = date(2026, 9, 1), date(2026, 9, 22), date(2026, 9, 1)
        accounts = [("site-a", "website", "XX区民政局", s.page("/a/", s.fresh)),
                    ("site-b", "website", "XX区教育局", s.page("/b/", s.fresh)),
                    ("site-c", "website", "XX区司法局", s.page("/c/", s.fresh, '<a href="/gone.html">相关政策文件下载</a>')),
                    ("site-d", "website", "XX区文化和旅游局", s.page("/d/", fixed_d)),
                    ("site-e", "website", "XX区卫生健康局", s.page("/e/", s.fresh)),
                    ("site-f", "website", "XX区城市管理局", s.page("/f/", fixed_f)),
                    ("site-g", "website", "XX区发展和改革局", s.page("/g/", s.fresh))]
        columns = []
        for site, prefix in (("site-a", "/a"), ("site-b", "/b")):
            names = ["工作动态", "部门动态", "基层动态", "图片新闻", "人事信息"]
            for i, name in enumerate(names):
                columns.append((site, name, s.page(f"{prefix}/col{i}/", stale), "news"))
        columns += [("site-c", "通知公告", s.page("/c/col0/", s.fresh), "notice"),
                    ("site-c", "专题专栏", s.page("/c/col1/", None), "other")]
        columns += [("site-e", f"空白栏目{i}", s.page(f"/e/col{i}/", None), "other") for i in range(5)]
        columns += [("site-g", "工作动态", s.page("/g/col0/", s.fresh), "news"),
                    ("site-g", "政策文件", s.page("/g/col1/", s.fresh), "policy")]
        feeds = [("dy-1", "douyin", "XX发布", s.feed("/feed/dy", "XX发布的抖音", date(2026, 9, 15))),
                 ("tt-1", "toutiao", "XX融媒", s.feed("/feed/tt", "XX融媒 - 今日头条", s.fresh,
                                                      f'<a href="{server.url("/gone.html")}">原文</a>')),
                 ("xhs-1", "xiaohongshu", "XX文旅", s.feed("/feed/xhs", "别的号", s.fresh)),  # a bare title: another name
                 ("wx-1", "wechat", "XX卫健", s.feed("/feed/wx", "XX卫健", s.fresh, "庆祝中华人名共和国成立")),
                 ("wb-1", "weibo", "XX发布", s.feed("/feed/wb", "XX发布的微博", s.fresh))]
        rows = ["account_id,platform,name,owner_unit,url,feed_url"]
        rows += [f"{a},{p},{n},{n},{u}," for a, p, n, u in accounts]
        rows += [f"{a},{p},{n},{n}单位,,{u}" for a, p, n, u in feeds]
        (home / "accounts.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
        (home / "columns.csv").write_text("account_id,column,url,category\n" + "".join(
            f"{a},{n},{u},{c}\n" for a, n, u, c in columns), encoding="utf-8")
        cli("accounts", "import", str(home / "accounts.csv"), "--columns", str(home / "columns.csv"))
        cli("columns", "exempt", "site-b", "人事信息", "--from", "2026-10-01", "--to", "2026-12-31",
            "--reason", "本年度无人事任免")
        for day in CHECKS:
            s.today = day
            cli("check", now=f"{day}T02:00:00+08:00")
            if day == CHECKS[0]:  # the office finds site-f's warning false and revokes it
                rows = json.loads(cli("warnings", "--account", "site-f", "--format", "json", now=f"{day}T09:00:00+08:00").stdout)
                assert [r["rule"] for r in rows] == ["homepage_not_updated"]
                cli("warnings", "revoke", str(rows[0]["id"]), "--reason", "首页由上级统一维护", now=f"{day}T09:00:00+08:00")
    cli("bulletin", "--month", "2026-10", now="2026-11-01T09:00:00+08:00").stdout
    return home / "reports" / "2026-10"


def test_month_verdict_matches_the_one_computed_by_hand(month):
    with open(month / "annex.csv", encoding="utf-8-sig", newline="") as f:
        rows = {r["账号编号"]: r for r in csv.DictReader(f)}
    assert sum(1 for r in rows.values() if r["检查结果"] != "未检查") == EXPECTED["checked"]
    strict = sorted(a for a, r in rows.items() if r["检查结果"] == "不合格")
    assert strict == sorted(EXPECTED["strict"]["failing"])
    national = {a: r for a, r in rows.items() if r["19号口径检查结果"] == "不合格"}
    assert sorted(national) == sorted(EXPECTED["verdict19"]["failing"])
    for account_id, (item, first, detail) in EXPECTED["verdict19"]["failing"].items():
        got = national[account_id]
        assert got["19号否决项"].split("、")[0] == item, account_id
        assert got["19号判定依据"] == f"{item}：{detail}（{first}）", account_id
    assert all(r["19号口径检查结果"] == "合格" for a, r in rows.items() if a not in national)


def test_bulletin_shows_both_rates_and_the_exemption(month):
    html = (month / "bulletin.html").read_text(encoding="utf-8")
    assert f"合格率{EXPECTED['strict']['pass_rate']}%" in html
    assert f"19号口径合格率{EXPECTED['verdict19']['pass_rate']}%" in html
    assert "本通报合格率：检查中发现任一问题" in html and "19号口径合格率：按《政府网站与政务新媒体检查指标》" in html
    assert "“人事信息”栏目，2026-10-01至2026-12-31，理由：本年度无人事任免" in html
    # the 网站基本要求 table: the blank identity block of every simulated site is shown
    assert "政府网站基本要求" in html and "缺网站标识码" in html


def test_exempt_bad_input_exit_2(cli, home, server):
    server.route("/", Reply(body="<html><body>x</body></html>"))
    (home / "accounts.csv").write_text("account_id,platform,name,owner_unit,url,feed_url\n"
                                       f"site-a,website,XX区民政局,XX区民政局,{server.url('/')},\n"
                                       f"dy-1,douyin,XX发布,区委宣传部,,{server.url('/feed')}\n", encoding="utf-8")
    (home / "columns.csv").write_text(f"account_id,column,url,category\nsite-a,人事信息,{server.url('/rs/')},personnel\n",
                                      encoding="utf-8")
    cli("accounts", "import", str(home / "accounts.csv"), "--columns", str(home / "columns.csv"))
    cases = [
        (("site-a", "领导信息", "--from", "2026-01-01", "--to", "2026-12-31", "--reason", "x"), "is not a column of site-a"),
        (("site-a", "人事信息", "--from", "2026-12-31", "--to", "2026-01-01", "--reason", "x"), "is before --from"),
        (("site-a", "人事信息", "--from", "2026-13-01", "--to", "2026-12-31", "--reason", "x"), "--from: '2026-13-01'"),
        (("dy-1", "人事信息", "--from", "2026-01-01", "--to", "2026-12-31", "--reason", "x"), "columns belong to websites"),
        (("nope", "人事信息", "--from", "2026-01-01", "--to", "2026-12-31", "--reason", "x"), "not in the registry"),
        (("site-a", "人事信息", "--from", "2026-01-01", "--to", "2026-12-31", "--reason", " "), "--reason: required"),
    ]
    for args, message in cases:
        result = cli("columns", "exempt", *args, expect=2)
        assert message in result.stderr, (args, result.stderr)
    assert json.loads(cli("columns", "exemptions", "--format", "json", now="2026-06-01T00:00:00+08:00").stdout) == []
    cli("columns", "exempt", "site-a", server.url("/rs/"), "--from", "2026-01-01", "--to", "2026-12-31",
        "--reason", "本年度无人事任免")
    listed = json.loads(cli("columns", "exemptions", "--format", "json", now="2026-06-01T00:00:00+08:00").stdout)
    assert [(e["account_id"], e["column"], e["from"], e["to"]) for e in listed] == [
        ("site-a", "人事信息", "2026-01-01", "2026-12-31")]
    cli("columns", "unexempt", str(listed[0]["id"]))
    assert json.loads(cli("columns", "exemptions", "--format", "json", now="2026-06-01T00:00:00+08:00").stdout) == []


def test_an_exempted_column_raises_no_column_warning(cli, home, server):
    server.route("/art/*", Reply(body="<html><body><p>正文</p></body></html>"))
    home_page = ('<html><body><ul><li><a href="/art/1.html">本区召开专题工作会议</a> <span>2026-11-20</span></li></ul>'
                 "</body></html>")
    server.route("/", Reply(body=home_page))
    server.route("/rs/", Reply(body='<html><body><ul><li><a href="/art/2.html">关于某某同志任职的通知</a> '
                                    "<span>2024-06-01</span></li></ul></body></html>"))
    server.route("/xw/", Reply(body=home_page))
    (home / "accounts.csv").write_text("account_id,platform,name,owner_unit,url\n"
                                       f"site-a,website,XX区民政局,XX区民政局,{server.url('/')}\n", encoding="utf-8")
    (home / "columns.csv").write_text("account_id,column,url,category\n"
                                      f"site-a,人事信息,{server.url('/rs/')},personnel\n"
                                      f"site-a,工作动态,{server.url('/xw/')},news\n", encoding="utf-8")
    cli("accounts", "import", str(home / "accounts.csv"), "--columns", str(home / "columns.csv"))
    cli("check", now="2026-11-21T02:00:00+08:00")
    rows = json.loads(cli("warnings", "--format", "json", now="2026-11-21T09:00:00+08:00").stdout)
    assert [(r["rule"], [c["column"] for c in r["evidence"]["columns"]]) for r in rows] == [
        ("column_stale", ["人事信息"])]
    # the office: no personnel change this year; the column is exempted and the warning resolves at the next check
    cli("columns", "exempt", "site-a", "人事信息", "--from", "2026-11-21", "--to", "2026-12-31",
        "--reason", "本年度无人事任免", now="2026-11-21T09:00:00+08:00")
    cli("check", now="2026-11-22T02:00:00+08:00")
    rows = json.loads(cli("warnings", "--status", "all", "--format", "json", now="2026-11-22T09:00:00+08:00").stdout)
    assert [(r["rule"], r["status"]) for r in rows] == [("column_stale", "resolved")]
    # after the period the column is judged again
    cli("check", now="2027-01-02T02:00:00+08:00")
    rows = json.loads(cli("warnings", "--format", "json", now="2027-01-02T09:00:00+08:00").stdout)
    stale = [r for r in rows if r["rule"] == "column_stale"]
    assert len(stale) == 1 and "人事信息" in [c["column"] for c in stale[0]["evidence"]["columns"]]
