"""Issue 16: the 19号 扣分指标 score of websites — the machine's deductions (broken links, blank columns)
and the office's (``score deduct`` / ``score import``), indicator caps, the 75-point rule for department
sites without services, no score after a 单项否决 item, 不合格 below 60 — over a month of the real
pipeline against local sites, on SQLite and PostgreSQL, each figure computed by hand below."""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta

import pytest

from mediawatch.simulation.server import LocalServer, Reply, Request

CHECKS = [date(2026, 10, 8), date(2026, 10, 22)]
CONFIG = """
[crawl]
max_pages = 3
[score19]
indicators = {"发布解读" = 40, "办事服务" = 25, "互动交流" = 15, "功能设置" = 20}
no_service_accounts = ["site-n"]
[score19.machine_items]
home_broken_link = {indicator = "功能设置", points = 1.0}
inner_broken_link = {indicator = "功能设置", points = 0.5}
blank_column = {indicator = "发布解读", points = 5.0}
"""
DEDUCTIONS = """account_id,month,indicator,item,points,reason
site-q,2026-10,办事服务,办事指南要素缺失,20,“户籍迁移”办事指南缺办理材料
site-q,2026-10,办事服务,在线办事系统无法使用,10,网上申报入口报错
site-q,2026-10,发布解读,政策解读缺失,15,3份规范性文件无解读
site-q,2026-10,互动交流,调查征集未反馈结果,12,2026年两次征集未公布结果
site-n,2026-10,办事服务,办事指南要素缺失,10,（该站不具有对外服务职能）
site-n,2026-10,发布解读,概况信息未更新,28,机构职能为2021年版本
site-v,2026-10,发布解读,政策解读缺失,5,1份文件无解读
"""


class Sites:
    def __init__(self, server: LocalServer):
        self.server = server
        self.today = CHECKS[0]
        server.route("/art/*", Reply(body="<html><body><p>正文内容</p></body></html>"))

    def home(self, path: str, newest=None, links=lambda today: "") -> str:
        def answer(_request: Request) -> Reply:
            day = newest or self.today - timedelta(days=1)
            return Reply(body=f'<html><body><ul><li><a href="/art/{day}.html">本区召开专题工作会议</a> <span>{day}</span>'
                              f"</li></ul>{links(self.today)}</body></html>")
        self.server.route(path, answer)
        return self.server.url(path)

    def blank(self, path: str) -> str:
        self.server.route(path, Reply(body="<html><body><p>暂无信息</p></body></html>"))
        return self.server.url(path)


def gone(prefix: str, n: int) -> str:
    return "".join(f'<a href="{prefix}/gone{i}.html">附件{i}</a>' for i in range(n))


@pytest.fixture
def month(any_cli, home):
    cli = any_cli
    with open(home / "mediawatch.toml", "a", encoding="utf-8") as f:
        f.write(CONFIG)
    with LocalServer() as server:
        s = Sites(server)
        server.route("/c/inner.html", Reply(body=f"<html><body><p>内页</p>{gone('/c', 4)}</body></html>"))
        accounts = [
            # 1 broken home link at the first check, 3 at the second: the worst check counts 3 x 1 = 3
            ("site-p", "XX区民政局", s.home("/p/", links=lambda d: gone("/p", 1 if d == CHECKS[0] else 3))),
            ("site-q", "XX区教育局", s.home("/q/")),
            ("site-n", "XX区档案馆", s.home("/n/", links=lambda d: gone("/n", 2))),
            ("site-v", "XX区司法局", s.home("/v/", newest=date(2026, 9, 1))),
            ("site-r", "XX区统计局", s.home("/r/")),
            ("site-c", "XX区水务局", s.home("/c/", links=lambda d: '<a href="/c/inner.html">政策文件</a>')),
        ]
        (home / "accounts.csv").write_text("account_id,platform,name,owner_unit,url\n" + "".join(
            f"{a},website,{n},{n},{u}\n" for a, n, u in accounts), encoding="utf-8")
        (home / "columns.csv").write_text("account_id,column,url,category\n" + "".join(
            f"site-q,空白栏目{i},{s.blank(f'/q/col{i}/')},other\n" for i in range(4)), encoding="utf-8")
        cli("accounts", "import", str(home / "accounts.csv"), "--columns", str(home / "columns.csv"))
        for day in CHECKS:
            s.today = day
            cli("check", now=f"{day}T02:00:00+08:00")
    (home / "deductions.csv").write_text(DEDUCTIONS, encoding="utf-8")
    cli("score", "import", str(home / "deductions.csv"), now="2026-10-30T09:00:00+08:00")
    cli("score", "deduct", "site-r", "--month", "2026-10", "--indicator", "功能设置", "--item", "搜索结果不准确",
        "--points", "10", "--reason", "自查", now="2026-10-30T09:00:00+08:00")
    rows = json.loads(cli("score", "deductions", "--month", "2026-10", "--format", "json",
                          now="2026-10-30T09:00:00+08:00").stdout)
    site_r = [r["id"] for r in rows if r["account_id"] == "site-r"]
    cli("score", "withdraw", str(site_r[0]), "--reason", "复核后不属扣分情形", now="2026-10-31T09:00:00+08:00")
    cli("bulletin", "--month", "2026-10", now="2026-11-01T09:00:00+08:00")
    shown = json.loads(cli("score", "show", "--month", "2026-10", "--format", "json",
                           now="2026-11-01T09:00:00+08:00").stdout)
    return home / "reports" / "2026-10", {r["account_id"]: r for r in shown}


# computed by hand from the scenario above
EXPECTED = {
    # 功能设置: 3 home links x 1 (the worst check) = 3 -> 97
    "site-p": ("合格", 97.0),
    # 发布解读: 4 blank columns x 5 = 20 (machine) + 15 = 35 (cap 40); 办事服务: 20 + 10 = 30 -> cap 25;
    # 互动交流: 12 -> 100 - 35 - 25 - 12 = 28 < 60: 不合格 on the score
    "site-q": ("不合格", 28.0),
    # no services: 办事服务 not checked (its 10 dropped), out of 75: 2 home links x 1 + 28 = 30 -> 45 x 100/75 = 60,
    # not below 60: 合格
    "site-n": ("合格", 60.0),
    # home page not updated for more than 2 weeks: 单项否决, not scored
    "site-v": ("不合格", None),
    # the office's deduction was withdrawn: nothing deducted
    "site-r": ("合格", 100.0),
    # 4 broken links on an inner page x 0.5 = 2 -> 98
    "site-c": ("合格", 98.0),
}


def test_scores_and_verdicts_match_the_hand_computed_month(month):
    _, shown = month
    assert {a: (r["verdict19"], r["score"]) for a, r in shown.items()} == EXPECTED
    assert shown["site-q"]["by_indicator"] == {"发布解读": 35.0, "办事服务": 25.0, "互动交流": 12.0}
    assert shown["site-q"]["deciding"].startswith("扣分指标得分低于60分：扣分指标得分28分，低于60分")
    assert shown["site-v"]["deciding"].startswith("网站不更新：")
    assert shown["site-n"]["scaled"] and "不检查办事服务指标" in shown["site-n"]["note"]
    machine = [d for d in shown["site-p"]["deductions"] if d["source"] == "machine"]
    assert machine == [{"indicator": "功能设置", "item": "首页链接不可用", "points": 3.0, "source": "machine",
                        "count": 3, "reason": "", "id": None}]


def test_annex_and_bulletin_carry_the_score(month):
    folder, _ = month
    with open(folder / "annex.csv", encoding="utf-8-sig", newline="") as f:
        rows = {r["账号编号"]: r for r in csv.DictReader(f)}
    assert rows["site-q"]["19号口径检查结果"] == "不合格"
    assert rows["site-q"]["19号扣分指标得分"] == "28"
    assert "办事服务·办事指南要素缺失扣20分（“户籍迁移”办事指南缺办理材料）" in rows["site-q"]["19号扣分明细"]
    assert "发布解读·空白栏目×4扣20分（系统）" in rows["site-q"]["19号扣分明细"]
    assert rows["site-q"]["19号扣分明细"].endswith("办事服务扣分以该指标总分25分为限")
    assert rows["site-v"]["19号扣分指标得分"] == "单项否决，不再评分"
    assert rows["site-n"]["19号扣分指标得分"].startswith("60（不具有对外服务职能")
    html = (folder / "bulletin.html").read_text(encoding="utf-8")
    assert "政府网站扣分指标得分（19号口径" in html and "XX区教育局“XX区教育局”<span class=\"alert\">28分</span>" in html
    assert "或政府网站扣分指标得分低于60分" in html


def test_bad_deductions_exit_2_and_write_nothing(cli, home, server):
    server.route("/", Reply(body="<html><body>x</body></html>"))
    (home / "mediawatch.toml").write_text((home / "mediawatch.toml").read_text(encoding="utf-8") + CONFIG,
                                          encoding="utf-8")
    (home / "accounts.csv").write_text("account_id,platform,name,owner_unit,url,feed_url\n"
                                       f"site-a,website,XX区民政局,XX区民政局,{server.url('/')},\n"
                                       f"wb-a,weibo,XX民政,XX区民政局,,{server.url('/feed')}\n", encoding="utf-8")
    cli("accounts", "import", str(home / "accounts.csv"))
    bad = home / "bad.csv"
    bad.write_text("account_id,month,indicator,item,points,reason\n"
                   "site-a,2026-10,办事服务,办事指南要素缺失,5,ok\n"
                   "site-a,2026-13,办事服务,办事指南要素缺失,5,bad month\n"
                   "site-x,2026-10,办事服务,x,5,unknown account\n"
                   "wb-a,2026-10,办事服务,x,5,a weibo account\n"
                   "site-a,2026-10,网站安全,x,5,unknown indicator\n"
                   "site-a,2026-10,办事服务,x,26,over the indicator's total\n"
                   "site-a,2026-10,办事服务,x,-1,negative\n"
                   "site-a,2026-10,办事服务,x,5,\n", encoding="utf-8")
    result = cli("score", "import", str(bad), expect=2)
    for line, field in ((3, "month"), (4, "account_id"), (5, "account_id"), (6, "indicator"), (7, "points"),
                        (8, "points"), (9, "reason")):
        assert f"{bad}:{line}: {field}:" in result.stderr, (line, field, result.stderr)
    assert f"{bad}:2:" not in result.stderr
    assert json.loads(cli("score", "deductions", "--month", "2026-10", "--format", "json").stdout) == []
    result = cli("score", "deduct", "wb-a", "--month", "2026-10", "--indicator", "办事服务", "--item", "x",
                 "--points", "1", "--reason", "r", expect=2)
    assert "ACCOUNT: 'wb-a' is a weibo account" in result.stderr
    result = cli("score", "withdraw", "99", "--reason", "r", expect=2)
    assert "no current deduction 99" in result.stderr


def test_bad_score_config_is_refused(cli, home):
    (home / "mediawatch.toml").write_text((home / "mediawatch.toml").read_text(encoding="utf-8")
                                          + "[score19]\nfail_below = 120\n[score19.machine_items]\n"
                                            "home_broken_link = {indicator = \"功能设置\"}\n", encoding="utf-8")
    result = cli("accounts", "list", expect=2)
    assert "score19.fail_below: must be above 0 and at most full_marks" in result.stderr
    assert "score19.machine_items.home_broken_link: must be a table with indicator and points" in result.stderr
