"""The website checker end to end against simulated district sites on 127.0.0.1 (GBK and UTF-8)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

import pytest

from mediawatch import clock
from mediawatch import config as config_mod
from mediawatch.checkers import checker_for
from mediawatch.checkers.base import AccountSpec, CheckContext, ColumnSpec
from mediawatch.checkers.website import WebsiteChecker
from mediawatch.transport.fetcher import Fetcher
from mediawatch.simulation.server import LocalServer, Reply
from mediawatch.simulation.site import ColumnSpec as SiteColumn
from mediawatch.simulation.site import DistrictSite, SiteSpec

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=clock.SHANGHAI)


def make_config(**crawl):
    return config_mod.defaults().with_overrides({
        "http": {"allow_private_addresses": True, "timeout_seconds": 1, "retries": 1, "backoff_seconds": 0.01},
        "crawl": {"link_workers": 8, **crawl}})


def account(url: str, rows=()) -> AccountSpec:
    return AccountSpec(pk=1, account_id="site", platform="website", name="XX区人民政府", owner_unit="区政府办",
                       url=url, columns=tuple(ColumnSpec(r["column"], r["url"], r["category"]) for r in rows))


def run(acc: AccountSpec, config=None, now=NOW):
    config = config or make_config()
    ctx = CheckContext(config=config, now=now, fetcher=Fetcher(config))
    return {(o.kind, o.target if o.kind == "column" else None): o for o in WebsiteChecker().check(acc, ctx)}, ctx


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_district_site(server, encoding):
    other = LocalServer().start()
    try:
        other.route("/", Reply(body="<html><body>友好网站</body></html>"))
        dead = other.url("/closed-site/")
        site = DistrictSite(SiteSpec(encoding=encoding, typo="中华人民共合国", dead_external=dead,
                                     friend_links=(other.url("/"),)), today=TODAY)
        home = site.mount(server)
        # the privacy scan (issue 15) downloads attachments on purpose: off here, where requests are counted
        observations, _ = run(account(home, site.columns_rows("site")),
                              make_config().with_overrides({"privacy": {"scan_attachments": False}}))
    finally:
        other.stop()

    kinds = [kind for kind, _ in observations]
    assert kinds == ["homepage"] + ["column"] * 6 + ["site_profile", "privacy", "hidden_links", "tamper", "links", "typos"]  # site_profile: issue 16; privacy, hidden_links, tamper: issue 15
    homepage = observations[("homepage", None)]
    assert homepage.ok and homepage.data["newest_date"] == site.expected_home_newest().isoformat() == "2026-11-23"
    assert homepage.data["title"] == "首页_XX区人民政府" and homepage.data["dated_items"] == 16
    for slug, url in site.column_urls().items():
        column = observations[("column", url)]
        expected = site.expected_newest(slug)
        assert column.ok and column.data["newest_date"] == (expected.isoformat() if expected else None), slug
    blank = observations[("column", site.column_urls()["ghjh"])]
    assert (blank.data["items"], blank.data["dated_items"], blank.data["category"]) == (0, 0, "planning")

    links = observations[("links", None)]
    broken = {b["url"]: b for b in links.data["broken"]}
    assert set(broken) == site.broken_urls()
    assert {u for u, b in broken.items() if b["on_homepage"]} == site.home_broken_urls()
    assert broken[dead]["status"] == 404 and broken[f"{site.base}/col/old/"]["text"] == "原政务公开栏目入口"
    missing_doc = broken[f"{site.base}/files/zwdt-missing.doc"]
    assert missing_doc["page"].startswith(f"{site.base}/art/zwdt/") and missing_doc["tag"] == "a"
    assert links.data["throttled"] == [] and links.data["pages_crawled"] > 100

    typos = observations[("typos", None)]
    newest_article = site.articles("zwdt")[0][0]
    assert [(h["page"], h["wrong"], h["right"]) for h in typos.data["hits"]] == [
        (f"{site.base}/art/zwdt/{newest_article}.html", "中华人民共合国", "中华人民共和国")]
    assert "传达学习了中华人民共合国有关法律法规" in typos.data["hits"][0]["context"]

    # every page is fetched once; only links that fail are asked twice (HEAD, then the GET that confirms)
    counts = Counter((r.method, r.path) for r in server.requests)
    assert max(count for (method, path), count in counts.items() if method == "GET") == 1
    assert all(path.endswith(("missing.doc", "banner-2019.jpg")) for (m, path) in counts if m == "GET"
               and ("HEAD", path) in counts)


def test_freshness_follows_the_sites_date(server):
    stale = SiteColumn("zwdt", "政务动态", "news", 2, "iso", stopped_on=date(2026, 10, 1))
    site = DistrictSite(SiteSpec(columns=(stale, SiteColumn("tzgg", "通知公告", "notice", 9, "dot"))), today=TODAY)
    home = site.mount(server)
    acc = account(home, site.columns_rows("site"))
    first, _ = run(acc)
    assert first[("column", site.column_urls()["zwdt"])].data["newest_date"] == "2026-09-30"
    site.today = date(2027, 1, 10)
    later, _ = run(acc, now=datetime(2027, 1, 10, 9, tzinfo=clock.SHANGHAI))
    assert later[("column", site.column_urls()["zwdt"])].data["newest_date"] == "2026-09-30"
    assert later[("column", site.column_urls()["tzgg"])].data["newest_date"] == site.expected_newest("tzgg").isoformat()
    assert later[("column", site.column_urls()["tzgg"])].data["newest_date"] > "2027-01-01"


def test_a_typo_only_a_correct_gbk_decode_reveals(server):
    page = ("<html><head><title>通知</title></head><body><ul><li><a href='/a.html'>关于学习宣传中华人民共合国宪法的通知"
            "</a><span>2026年11月20日</span></li></ul></body></html>").encode("gbk")
    # a server misconfigured to call its GBK pages Latin-1, and no meta charset in the page
    server.route("/", Reply(body=page, content_type="text/html; charset=iso-8859-1"))
    server.route("/a.html", Reply(body="<html><body>正文</body></html>".encode("gbk"), content_type="text/html"))
    observations, _ = run(account(server.url("/")))
    assert observations[("homepage", None)].data["newest_date"] == "2026-11-20"
    assert [h["wrong"] for h in observations[("typos", None)].data["hits"]] == ["中华人民共合国"]
    assert observations[("links", None)].data["broken"] == []


def test_home_page_failures_are_observations_not_exceptions(server):
    server.route("/", Reply(status=500, body=b"oops"))
    server.route("/col/", Reply(body="<html><body><ul><li><a href='/1'>区政府工作动态标题</a> 2026-11-01</li></ul></body></html>"))
    observations, _ = run(account(server.url("/"), [{"column": "动态", "url": server.url("/col/"), "category": "news"}]))
    homepage = observations[("homepage", None)]
    assert (homepage.ok, homepage.error_kind, homepage.data["status"]) == (False, "http", 500)
    assert observations[("column", server.url("/col/"))].data["newest_date"] == "2026-11-01"
    assert not observations[("links", None)].ok and not observations[("typos", None)].ok

    server.route("/", Reply(fault="reset"))
    observations, _ = run(account(server.url("/")))
    assert observations[("homepage", None)].error_kind == "reset" and observations[("homepage", None)].network_failure


def test_internal_errors_never_escape():
    config = make_config()
    broken_ctx = CheckContext(config=config, now=NOW, fetcher=object())  # a fetcher that cannot fetch
    observations = checker_for("website").check(account("http://127.0.0.1:1/"), broken_ctx)
    assert [(o.kind, o.ok, o.error_kind) for o in observations] == [("homepage", False, "internal")]
    # no URL at all is an invalid URL, reported as such
    ctx = CheckContext(config=config, now=NOW, fetcher=Fetcher(config))
    observations = checker_for("website").check(account(None), ctx)  # type: ignore[arg-type]
    assert [(o.kind, o.error_kind) for o in observations] == [
        ("homepage", "invalid_url"), ("privacy", "invalid_url"), ("hidden_links", "invalid_url"),  # issue 15
        ("tamper", "invalid_url"), ("links", "invalid_url"), ("typos", "invalid_url")]


def test_crawl_stays_inside_the_site_and_within_max_pages(server):
    other = LocalServer().start()
    try:
        other.route("/", Reply(body=f"<html><body><a href='{other.url('/deeper')}'>更深的页面</a></body></html>"))
        links = "".join(f"<li><a href='/p/{i}.html'>内页标题第{i}篇</a></li>" for i in range(30))
        server.route("/", Reply(status=302, headers={"Location": "/index.html"}))
        server.route("/index.html", Reply(body=f"<html><body><ul>{links}</ul><a href='{other.url('/')}'>外部网站</a>"
                                               "<a href='/files/a.pdf'>附件</a></body></html>"))
        server.route("/p/*", lambda r: Reply(body=f"<html><body><a href='/q{r.path}'>下一层页面</a></body></html>"))
        server.route("/q/*", Reply(status=404))
        server.route("/files/a.pdf", Reply(body=b"%PDF", content_type="application/pdf"))
        # the privacy scan (issue 15) reads attachments on purpose; this test is about the crawl
        observations, _ = run(account(server.url("/")),
                              make_config(max_pages=10).with_overrides({"privacy": {"scan_attachments": False}}))
    finally:
        other.stop()
    data = observations[("links", None)].data
    assert data["pages_crawled"] == 11
    assert [r.path for r in other.requests] == ["/"] and other.requests[0].method == "HEAD"
    crawled = {r.path for r in server.requests if r.method == "GET" and r.path.startswith("/p/")}
    assert crawled == {f"/p/{i}.html" for i in range(10)}
    # pages past the limit are still checked (HEAD), just not read
    assert {r.path for r in server.requests if r.method == "HEAD" and r.path.startswith("/p/")} == \
        {f"/p/{i}.html" for i in range(10, 30)}
    assert {b["url"] for b in data["broken"]} == {server.url(f"/q/p/{i}.html") for i in range(10)}
    assert all(not b["on_homepage"] for b in data["broken"])
    assert ("GET", "/files/a.pdf") not in {(r.method, r.path) for r in server.requests}


def test_broken_links_on_a_redirected_home_page_are_on_the_home_page(server):
    server.route("/", Reply(status=301, headers={"Location": "/portal/"}))
    server.route("/portal/", Reply(body="<html><body><a href='gone.html'>失效</a><img src='logo.png'></body></html>"))
    server.route("/portal/logo.png", Reply(body=b"png", content_type="image/png"))
    observations, _ = run(account(server.url("/")))
    assert [(b["url"], b["page"], b["on_homepage"]) for b in observations[("links", None)].data["broken"]] == [
        (server.url("/portal/gone.html"), server.url("/portal/"), True)]


def test_one_link_check_per_url_per_run_across_sites():
    shared, first, second = LocalServer().start(), LocalServer().start(), LocalServer().start()
    try:
        shared.route("/common", Reply(body=b"ok"))
        for server in (first, second):
            server.route("/", Reply(body=f"<html><body><a href='{shared.url('/common')}'>共同链接</a>"
                                         f"<a href='{shared.url('/gone')}'>共同失效</a></body></html>"))
        config = make_config()
        ctx = CheckContext(config=config, now=NOW, fetcher=Fetcher(config))
        results = [WebsiteChecker().check(account(server.url("/")), ctx) for server in (first, second)]
    finally:
        for server in (shared, first, second):
            server.stop()
    assert [r.path for r in shared.requests].count("/common") == 1
    for observations in results:
        assert [b["url"] for b in observations[-2].data["broken"]] == [shared.url("/gone")]


def test_external_links_can_be_left_unchecked(server):
    other = LocalServer().start()
    try:
        server.route("/", Reply(body=f"<html><body><a href='{other.url('/x')}'>外部</a><a href='/y'>内部</a></body></html>"))
        observations, _ = run(account(server.url("/")), make_config(check_external_links=False))
    finally:
        other.stop()
    assert other.requests == []
    assert [b["url"] for b in observations[("links", None)].data["broken"]] == [server.url("/y")]


def test_a_population_of_simulated_sites_serves_and_checks():
    from mediawatch.simulation.site import specs

    population = specs(6, seed=3)
    assert {s.encoding for s in population} <= {"gbk", "utf-8"} and len({s.name for s in population}) == 6
    spec = next(s for s in population if s.encoding == "gbk")
    site = DistrictSite(spec, today=TODAY)
    with LocalServer() as server:
        home = site.mount(server)
        observations, _ = run(account(home, site.columns_rows("site")))
    assert {b["url"] for b in observations[("links", None)].data["broken"]} == site.broken_urls()
    for slug, url in site.column_urls().items():
        expected = site.expected_newest(slug)
        assert observations[("column", url)].data["newest_date"] == (expected.isoformat() if expected else None)
