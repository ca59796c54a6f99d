"""``mediawatch explain``: the website check's own reading of a page, shown, over real HTTP."""

from __future__ import annotations

import json

import pytest
from datetime import date

from mediawatch.simulation.server import Reply
from mediawatch.simulation.site import DistrictSite, SiteSpec

NOW = "2026-11-23T09:00:00+08:00"
STUB = ('<html><head><meta name="SiteIDCode" content="1101070001"><meta name="ColumnName" content="首页">'
        '<script>\n<!--\nwindow.top.location = "http://" + location.host + "/portal/index.html";\n//-->\n</script>'
        '</head><body></body></html>')
PORTAL = """<html><body><div id="header"><div class="nav"><a href="/">首页</a><a href="/col/a/">政务公开</a></div></div>
<ul class="list"><li><a href="/art/1.html">关于执行新修订收费标准的公告（2026年11月13日）</a><span>2026-11-01</span></li>
<li><a href="/art/2.html">区政府召开常务会议</a><a href="/art/2.pdf">附件</a> [11-20]</li></ul>
<img src="/gone.png" alt="横幅"><div style="background:url(/bg.jpg)"></div></body></html>"""


def _serve(server):
    server.route("/", Reply(body=STUB))
    server.route("/portal/index.html", Reply(body=PORTAL))
    for path in ("/col/a/", "/art/1.html", "/art/2.html", "/art/2.pdf", "/bg.jpg"):
        server.route(path, Reply(body="ok"))


def test_explain_json_shows_the_way_in_entries_links_and_verdicts(server, cli):
    _serve(server)
    report = json.loads(cli("explain", server.url("/"), "--format", "json", now=NOW).stdout)
    assert report["fetch"]["status"] == 200 and report["fetch"]["encoding"] == "utf-8"
    assert report["followed"] == [{"kind": "script_redirect", "from": server.url("/"),
                                   "to": server.url("/portal/index.html"), "reason": "页面以脚本（location）跳转"}]
    assert report["final_url"] == server.url("/portal/index.html")
    entries = {e["title"]: e for e in report["entries"]}
    first = entries["关于执行新修订收费标准的公告（2026年11月13日）"]
    assert first["date"] == "2026-11-01" and first["date_source"].startswith("span") and first["not_dates"] == ["2026-11-13"]
    second = entries["区政府召开常务会议"]
    assert second["date"] == "2026-11-20" and second["url"] == server.url("/art/2.html") and "年份" in second["date_source"]
    assert report["newest_date"] == "2026-11-20" and report["dated_items"] == 2
    assert [a["element"] for a in report["set_aside"]] == ["div.nav"]
    kinds = {(link["kind"], link["url"].replace(server.base, "")) for link in report["links"]}
    assert {("a", "/art/2.pdf"), ("img", "/gone.png"), ("div", "/bg.jpg")} <= kinds
    assert [b["url"] for b in report["broken"]] == [server.url("/gone.png")]
    verdicts = report["verdicts"]
    assert verdicts["homepage_not_updated"]["verdict"] == "pass"
    assert verdicts["broken_links"]["verdict"] == "fail" and "首页1个" in verdicts["broken_links"]["message"]
    assert verdicts["column_stale"]["verdict"] == "unknown"
    assert set(verdicts) >= {"homepage_not_updated", "column_stale", "blank_column", "unavailable", "broken_links",
                             "severe_typo"}


def test_explain_text_for_a_person(server, cli):
    _serve(server)
    out = cli("explain", server.url("/"), now=NOW).stdout
    assert "入口跟随（页面以脚本（location）跳转）" in out and "2026-11-20  区政府召开常务会议" in out
    assert "略去：div.nav" in out and "homepage_not_updated（首页不更新）：通过" in out
    assert "标题或正文句中的日期（不作为条目日期）：2026-11-13" in out


def test_explain_a_challenge_and_an_unfollowable_way_in(server, cli):
    server.route("/waf", Reply(body="<html><script>var wzwschallenge='x';</script><body>请开启JavaScript并刷新该页.</body></html>"))
    server.route("/off", Reply(body='<html><script>location.href="http://www.elsewhere.example/";</script></html>'))
    waf = json.loads(cli("explain", server.url("/waf"), "--format", "json", now=NOW).stdout)
    assert waf["challenge"] and not waf["ok"] and waf["error_kind"] == "anti_crawl"
    assert waf["verdicts"]["homepage_not_updated"]["verdict"] == "unknown"
    off = json.loads(cli("explain", server.url("/off"), "--format", "json", now=NOW).stdout)
    assert off["unknown_reason"] and off["verdicts"]["homepage_not_updated"]["verdict"] == "unknown"


def test_explain_a_registered_account_reads_its_columns(server, cli, tmp_path):
    site = DistrictSite(SiteSpec(), today=date(2026, 11, 23))
    home = site.mount(server)
    accounts = tmp_path / "accounts.csv"
    accounts.write_text(f"account_id,platform,name,owner_unit,url\nsite,website,XX区人民政府,区政府办,{home}\n",
                        encoding="utf-8")
    columns = tmp_path / "columns.csv"
    rows = site.columns_rows("site")
    columns.write_text("account_id,column,url,category\n" + "".join(
        f"{r['account_id']},{r['column']},{r['url']},{r['category']}\n" for r in rows), encoding="utf-8")
    cli("accounts", "import", str(accounts), "--columns", str(columns))
    report = json.loads(cli("explain", "--account", "site", "--format", "json", now=NOW).stdout)
    assert report["account_id"] == "site" and report["newest_date"] == site.expected_home_newest().isoformat()
    assert {c["url"] for c in report["columns"]} == {r["url"] for r in rows}
    blank = site.column_urls()["ghjh"]
    assert report["verdicts"]["blank_column"]["verdict"] == "fail"
    assert next(c for c in report["columns"] if c["url"] == blank)["items"] == 0
    assert cli("explain", "--account", "nobody", expect=2).exit_code == 2


def _real_website_artifacts():
    import tomllib
    from pathlib import Path

    real = Path(__file__).parent / "data" / "real"
    found = []
    for manifest in sorted(real.glob("manifest*.toml")):
        for entry in tomllib.loads(manifest.read_text(encoding="utf-8")).get("artifact", []):
            if entry["kind"] in ("homepage", "column", "interaction", "entry", "redirect", "frameset", "challenge"):
                found.append((real / entry["file"], entry))
    return found


@pytest.mark.parametrize("path,entry", _real_website_artifacts(), ids=lambda v: getattr(v, "name", ""))
def test_explain_reads_every_real_page(server, path, entry):
    """explain on every real website page of the corpus (tests/data/real/manifest*.toml): it runs, shows
    the fields, and where the reading is right its JSON says what the truth says."""
    from datetime import datetime, time
    from urllib.parse import urlsplit

    from mediawatch import clock
    from mediawatch import config as config_mod
    from mediawatch.explain import explain, render_text

    route = urlsplit(entry.get("url") or "http://x/").path or "/"
    server.route(route, Reply(body=path.read_bytes(), content_type="text/html"))
    config = config_mod.defaults().with_overrides({"http": {"allow_private_addresses": True, "timeout_seconds": 2,
                                                             "retries": 0}, "crawl": {"check_external_links": False}})
    now = datetime.combine(date.fromisoformat(entry["as_of"]), time(12), tzinfo=clock.SHANGHAI)
    report = explain(server.url(route), config, now)
    assert {"final_url", "followed", "entries", "newest_date", "links", "verdicts"} <= set(report)
    assert all({"title", "url", "date", "date_source"} <= set(e) for e in report["entries"])
    assert all({"url", "kind"} <= set(link) for link in report["links"])
    assert render_text(report)
    truth = entry["truth"]
    if entry.get("known_miss"):
        return
    verdict = report["verdicts"]["homepage_not_updated"]["verdict"]
    if "newest_date" in truth:
        assert report["newest_date"] == truth["newest_date"]
    if truth.get("verdict") in ("way_in", "script_list", "challenge", "no_dated_entries"):
        assert verdict != "fail", report["verdicts"]["homepage_not_updated"]


def test_explain_a_page_that_does_not_answer(cli):
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    report = json.loads(cli("explain", f"http://127.0.0.1:{port}/", "--format", "json", now=NOW).stdout)
    assert not report["ok"] and report["error_kind"] == "refused" and report["fetch"]["status"] is None
    assert {v["verdict"] for v in report["verdicts"].values()} == {"unknown"}
    assert "无应答" in cli("explain", f"http://127.0.0.1:{port}/", now=NOW).stdout
