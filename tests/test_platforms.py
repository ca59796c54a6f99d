"""Issue 16: toutiao, douyin, kuaishou, channels, xiaohongshu, bilibili and other, through feeds and posts CSVs;
the 123号 one-account-per-platform finding at import; ``accounts reconcile`` against the national export."""

from __future__ import annotations

import json
from datetime import timedelta
from email.utils import format_datetime

from mediawatch.checkers.feeds import undecorate
from mediawatch.simulation.server import Reply
from tests.newmedia_fixtures import NOW

NOW_ARG = NOW.isoformat()


def rss(title: str, items: list[tuple[int, str, str]]) -> str:
    """An RSSHub-like feed: (days ago, title, description HTML)."""
    entries = "".join(
        f"<item><title>{t}</title><link>https://example.org/p/{i}</link><guid>p{i}</guid>"
        f"<pubDate>{format_datetime(NOW - timedelta(days=d))}</pubDate>"
        f"<description><![CDATA[{html}]]></description></item>"
        for i, (d, t, html) in enumerate(items))
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>https://example.org/</link><description>{title}</description>{entries}</channel></rss>")


def feed(server, path: str, title: str, items) -> str:
    server.route(path, Reply(body=rss(title, items).encode("utf-8"), content_type="application/rss+xml; charset=utf-8"))
    return server.url(path)


def test_undecorate_known_and_unknown_decorations():
    assert undecorate("XX发布的抖音", ["的抖音"], "XX发布") == "XX发布"
    assert undecorate("XX发布 的 bilibili 空间", [" 的 bilibili 空间"], "XX发布") == "XX发布"
    # a decoration nobody listed still contains the registered name: not a rename
    assert undecorate("【官方】XX发布 主页", [], "XX发布") == "XX发布"
    # another name entirely is reported as it is
    assert undecorate("健康XX的抖音", ["的抖音"], "XX卫健") == "健康XX"
    assert undecorate("XX融媒的头条主页 - 今日头条(www.toutiao.com)", ["的头条主页 - 今日头条(www.toutiao.com)"],
                      "XX融媒") == "XX融媒"


def test_feed_platforms_checked_end_to_end(cli, home, server):
    with open(home / "mediawatch.toml", "a", encoding="utf-8") as f:
        f.write("[feeds]\ndelay_seconds = 0.0\n")
    server.route("/gone-page", Reply(status=404))
    server.route("/ok-page", Reply(body="<html><body>ok</body></html>"))
    douyin = feed(server, "/douyin/user/1", "XX发布的抖音", [(2, "视频一", f'<a href="{server.url("/ok-page")}">x</a>')])
    toutiao = feed(server, "/toutiao/user/2", "XX融媒的头条主页 - 今日头条(www.toutiao.com)",
                   [(3, "新闻", f'<a href="{server.url("/gone-page")}">原文</a>')])
    # silent for 20 days; RSSHub did not get the user's info: the title names the id, not the account
    kuaishou = feed(server, "/kuaishou/profile/3xk46q9", "3xk46q9的作品 - 快手", [(20, "旧", "")])
    bilibili = feed(server, "/bilibili/user/video/4", "改了名 的 bilibili 空间", [(1, "新", "")])
    xhs = feed(server, "/xiaohongshu/user/5/notes", "XX文旅 - 笔记 • 小红书 / RED", [(1, "中华人名共和国成立", "中华人名共和国")])
    (home / "posts.csv").write_text(
        "account_id,published_at,title,url\n"
        "sph-1,2026-11-10 10:00,视频号动态,https://channels.weixin.qq.com/x\n"
        "qt-1,2026-11-20,其他平台,\n", encoding="utf-8")
    posts = home / "posts.csv"
    (home / "accounts.csv").write_text(
        "account_id,platform,name,owner_unit,feed_url,source,source_url\n"
        f"dy-1,douyin,XX发布,区委宣传部,{douyin},,\n"
        f"tt-1,toutiao,XX融媒,区融媒体中心,{toutiao},feed,\n"
        f"ks-1,kuaishou,XX快讯,区融媒体中心,{kuaishou},,\n"
        f"bl-1,bilibili,XX青年,团区委,{bilibili},,\n"
        f"xhs-1,xiaohongshu,XX文旅,区文化和旅游局,{xhs},,\n"
        f"sph-1,channels,XX发布视频号,区委宣传部,,posts_csv,{posts}\n"
        f"qt-1,other,XX发布客户端,区委宣传部,,,{posts}\n"
        f"dy-2,douyin,XX宣传,区委宣传部,{douyin},,\n", encoding="utf-8")
    out = cli("accounts", "import", str(home / "accounts.csv")).stdout
    # 123号: a finding printed, not an error (exit 0, every account imported)
    assert "8 new" in out
    assert "finding: 区委宣传部 has 2 douyin accounts (dy-1, dy-2)" in out
    assert "finding: 区融媒体中心" not in out  # toutiao and kuaishou: one each
    report = cli("check", now=NOW_ARG).stdout
    assert "check_failed" not in report.replace("0 check_failed", "")
    rows = json.loads(cli("warnings", "--status", "all", "--format", "json", now=NOW_ARG).stdout)
    got = sorted((r["account_id"], r["rule"]) for r in rows)
    assert got == [
        ("bl-1", "name_mismatch"),  # the feed names 改了名
        ("dy-2", "name_mismatch"),  # the same feed names XX发布, registered as XX宣传
        ("ks-1", "not_updated"),
        ("tt-1", "broken_links"),
        ("xhs-1", "severe_typo"),
    ], got
    broken = next(r for r in rows if r["rule"] == "broken_links")
    assert broken["evidence"]["broken"][0]["url"] == server.url("/gone-page")
    assert broken["platform"] == "toutiao"


def test_bad_platform_rows_exit_2_and_write_nothing(cli, home):
    (home / "accounts.csv").write_text(
        "account_id,platform,name,owner_unit,feed_url,source\n"
        "dy-1,douyin,XX发布,区委宣传部,,\n"
        "tt-1,toutiao,XX融媒,区融媒体中心,https://rsshub.example/toutiao/1,wechat_json\n", encoding="utf-8")
    result = cli("accounts", "import", str(home / "accounts.csv"), expect=2)
    assert f"{home / 'accounts.csv'}:2: feed_url: a douyin account needs a feed_url" in result.stderr
    assert f"{home / 'accounts.csv'}:3: source: unknown source 'wechat_json' for toutiao" in result.stderr
    assert json.loads(cli("accounts", "list", "--format", "json").stdout) == []


def _registry(cli, home):
    (home / "accounts.csv").write_text(
        "account_id,platform,name,owner_unit,feed_url,status\n"
        "wb-1,weibo,XX发布,区委宣传部,https://rsshub.example/weibo/user/1,\n"
        "dy-1,douyin,XX发布,区委宣传部,https://rsshub.example/douyin/user/1,\n"
        "tt-1,toutiao,XX融媒,区融媒体中心,https://rsshub.example/toutiao/1,\n"
        "wx-1,wechat,XX人社,区人社局,https://rsshub.example/wechat/1,closed\n", encoding="utf-8")
    cli("accounts", "import", str(home / "accounts.csv"))


def test_reconcile_against_the_national_export(cli, home):
    _registry(cli, home)
    export = home / "export.csv"
    export.write_text(
        "序号,账号名称,平台,主办单位,状态\n"
        "1,ＸＸ发布,新浪微博,区委宣传部,正常\n"  # full-width letters: the same name
        "2,XX人社,微信公众号,区人社局,正常\n"  # closed here, still running there
        "3,XX教育,抖音,区教育局,正常\n"  # not registered here
        "4,XX旧号,抖音,区教育局,已注销\n"  # closed there, unknown here: as it should be
        "5,XX融媒,今日头条,区融媒体中心,已关停\n", encoding="gb18030")  # closed there, still watched here
    rows = json.loads(cli("accounts", "reconcile", str(export), "--format", "json").stdout)
    got = sorted((r["kind"], r["account_id"] or r["name"]) for r in rows)
    assert got == [("closed_in_export", "tt-1"), ("closure_not_filed", "wx-1"), ("missing_in_export", "dy-1"),
                   ("missing_in_registry", "XX教育")]


def test_reconcile_bad_export_exit_2(cli, home):
    _registry(cli, home)
    db = home / "mediawatch.db"
    before = db.stat().st_mtime_ns
    export = home / "export.csv"
    export.write_text("account,platform,unit,status\nXX发布,微博,区委宣传部,正常\nXX,脸书,某单位,正常\n"
                      "YY,抖音,,暂停\n", encoding="utf-8")
    result = cli("accounts", "reconcile", str(export), expect=2)
    assert f"{export}:3: platform: unknown platform '脸书'" in result.stderr
    assert f"{export}:4: unit: required, empty" in result.stderr
    assert f"{export}:4: status: unknown status '暂停'" in result.stderr
    assert db.stat().st_mtime_ns == before
    missing = home / "missing.csv"
    missing.write_text("account,platform\nXX,微博\n", encoding="utf-8")
    result = cli("accounts", "reconcile", str(missing), expect=2)
    assert f"{missing}:1: unit: required column missing" in result.stderr
