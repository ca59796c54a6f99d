"""Home pages as real sites serve them, over real HTTP: ways in, challenges, lists written by script,
the column fallback; each judged by the website checker and the homepage_not_updated rule."""

from __future__ import annotations

import json
from pathlib import Path
from datetime import datetime

import pytest

from mediawatch import clock
from mediawatch import config as config_mod
from mediawatch.checkers.base import AccountSpec, CheckContext
from mediawatch.checkers.website import WebsiteChecker
from mediawatch.transport.fetcher import Fetcher
from mediawatch.rules.base import FAIL, PASS, UNKNOWN, RuleInput, StoredObservation
from mediawatch.rules.freshness import HomepageNotUpdated
from mediawatch.simulation.server import Reply

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=clock.SHANGHAI)
FRESH = """<html><head><title>XX区人民政府</title></head><body><ul class="list">
<li><a href="/art/1.html">区政府召开第十二次常务会议</a><span>2026-11-21</span></li>
<li><a href="/art/2.html">全区冬季森林防火工作部署会召开</a><span>2026-11-18</span></li></ul></body></html>"""


def check(url: str, **crawl):
    config = config_mod.defaults().with_overrides({
        "http": {"allow_private_addresses": True, "timeout_seconds": 2, "retries": 0, "backoff_seconds": 0.01},
        "crawl": {"max_pages": 0, "check_external_links": False, **crawl}})
    ctx = CheckContext(config=config, now=NOW, fetcher=Fetcher(config))
    spec = AccountSpec(pk=1, account_id="s", platform="website", name="XX区人民政府", owner_unit="区政府办", url=url)
    page = next(o for o in WebsiteChecker().check(spec, ctx) if o.kind == "homepage")
    stored = StoredObservation(page.kind, page.ok, page.target, page.error_kind, page.error, dict(page.data))
    verdict = HomepageNotUpdated().evaluate(RuleInput("s", "website", "s", NOW, config, [stored]))
    return page, verdict


def html(body: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


@pytest.mark.parametrize("entry", [
    html("", '<script type="text/javascript">window.location.href="/portal/index.html";</script>'),
    html('<script>\n<!--\nvar dir = "portal";\ntop.location = "http://" + window.location.host + "/" + dir + "/index.html";\n//-->\n</script>'),
    html('<script>if (/Android|iPhone|iPad/i.test(navigator.userAgent)) { location.replace("/m/index.html"); }'
         ' else { window.location.href = "/portal/index.html"; }</script>'),
    html("", '<meta http-equiv="refresh" content="0; url=/portal/index.html">'),
    '<html><frameset rows="90,*"><frame name="topFrame" src="/top.html"><frame name="mainFrame" src="/portal/index.html">'
    '</frameset></html>',
    html('<iframe src="/portal/index.html" width="100%" height="2000" frameborder="0"></iframe>'),
    html('<div class="enter"><a href="/portal/index.html"><img src="/images/enter.jpg" alt="进入首页"></a></div>'
         '<p>XX区人民政府欢迎您</p><a href="http://www.gov.cn/">中国政府网</a>'),
    html('<embed src="/flash/intro.swf" width="1000" height="600"><a href="/portal/index.html">跳过动画</a>'),
], ids=["location.href", "pieces-host-comment", "browser-type", "meta-refresh", "frameset", "iframe-shell",
        "entry-page", "flash-entry"])
def test_a_way_in_is_followed_to_the_real_home_page(server, entry):
    server.route("/", Reply(body=entry))
    server.route("/top.html", Reply(body=html('<a href="/">首页</a>')))
    server.route("/m/index.html", Reply(body=html("<p>手机版</p>")))
    server.route("/portal/index.html", Reply(body=FRESH))
    page, verdict = check(server.url("/"))
    assert page.ok and page.data["newest_date"] == "2026-11-21", page.data
    assert page.data["final_url"] == server.url("/portal/index.html")
    assert [f["to"] for f in page.data["followed"]] == [server.url("/portal/index.html")]
    assert verdict.outcome == PASS and verdict.evidence["followed"]


def test_a_chain_of_ways_in_is_followed_within_the_bound(server):
    server.route("/", Reply(body=html("", '<meta http-equiv="refresh" content="0;url=/a.html">')))
    server.route("/a.html", Reply(body=html('<script>location.href="/b.html"</script>')))
    server.route("/b.html", Reply(body=FRESH))
    page, _ = check(server.url("/"))
    assert [f["kind"] for f in page.data["followed"]] == ["meta_refresh", "script_redirect"]
    assert page.data["newest_date"] == "2026-11-21"
    too_far, verdict = check(server.url("/"), way_in_max_hops=1)
    assert too_far.ok and too_far.data["unknown_reason"] and verdict.outcome == UNKNOWN


@pytest.mark.parametrize("target", ["http://www.example-other.cn/index.html", "/gone.html"], ids=["off-site", "404"])
def test_a_way_in_that_cannot_be_followed_is_unknown_with_its_reason(server, target):
    server.route("/", Reply(body=html(f'<script>window.location.href="{target}";</script>')))
    page, verdict = check(server.url("/"))
    assert page.ok and page.data["newest_date"] is None
    assert verdict.outcome == UNKNOWN and "入口" in verdict.message and "首页未发现带日期的信息" not in verdict.message


CHALLENGES = {
    "wzws": html('<noscript>请开启JavaScript并刷新该页.</noscript>',
                 '<script type="text/javascript">var wzwschallenge="RANDOMSTR25"; var wzwschallengex="STRRANDOM";'
                 ' var template=5; var encoderchars="ABCDEFGHIJKLMNOPQRSTUVWXYZ";</script>'),
    "safedog": html('<div>您的访问请求可能对网站造成安全威胁，请求已被网站安全狗拦截。</div>'
                    '<img src="http://404.safedog.cn/images/safedogsite/broswer_logo.jpg">'),
    "jiasule": html('<script>document.cookie="__jsl_clearance=1592817396.34|0|abc";location.href=location.pathname</script>'),
}


@pytest.mark.parametrize("name", sorted(CHALLENGES))
def test_an_anti_bot_challenge_answering_200_is_check_failed(server, name):
    server.route("/", Reply(body=CHALLENGES[name]))
    page, verdict = check(server.url("/"))
    assert not page.ok and page.error_kind == "anti_crawl" and "HTTP 200" in page.error
    assert verdict.outcome == UNKNOWN


def test_the_links_of_a_challenge_page_are_not_judged(server):
    """The safedog page links a missing image: no broken_links on a page that is not the site."""
    server.route("/", Reply(body=CHALLENGES["safedog"].replace("http://404.safedog.cn/images/safedogsite/", "/")))
    config = config_mod.defaults().with_overrides({
        "http": {"allow_private_addresses": True, "timeout_seconds": 2, "retries": 0}})
    ctx = CheckContext(config=config, now=NOW, fetcher=Fetcher(config))
    spec = AccountSpec(pk=1, account_id="s", platform="website", name="XX区人民政府", owner_unit="区政府办",
                       url=server.url("/"))
    observations = {o.kind: o for o in WebsiteChecker().check(spec, ctx)}
    assert not observations["links"].ok and observations["links"].error_kind == "anti_crawl"
    assert not observations["typos"].ok


def test_a_real_page_that_names_a_firewall_product_is_not_a_challenge(server):
    body = FRESH.replace("</ul>", '</ul><p>' + "区网信办部署网站安全狗防护软件升级工作，加强政府网站安全防护。" * 20 + "</p>")
    server.route("/", Reply(body=body))
    page, verdict = check(server.url("/"))
    assert page.ok and page.data["newest_date"] == "2026-11-21" and verdict.outcome == PASS


def test_a_list_written_by_document_write_is_read(server):
    server.route("/", Reply(body=html('<ul id="news"><script>document.write(\'<li><a href="/art/9.html">'
                                      '区长主持召开专题会议研究部署工作</a><span>2026-11-20</span></li>\');</script></ul>')))
    page, verdict = check(server.url("/"))
    assert page.data["newest_date"] == "2026-11-20" and page.data["date_from"] == "script"
    assert verdict.outcome == PASS


def test_a_list_loaded_from_json_is_read_from_its_source(server):
    server.route("/", Reply(body=html('<ul id="list"></ul><script>$.getJSON("/data/news.json", function (d) {'
                                      ' $("#list").html(render(d)); });</script>')))
    items = [{"title": "区政府召开第十二次常务会议", "url": "/art/1.html", "pubDate": "2026-11-19 10:00"},
             {"title": "全区冬季森林防火工作部署会召开", "url": "/art/2.html", "pubDate": "2026-11-02 09:30"}]
    server.route("/data/news.json", Reply(body=json.dumps({"data": items}, ensure_ascii=False),
                                          content_type="application/json"))
    page, verdict = check(server.url("/"))
    assert page.data["newest_date"] == "2026-11-19" and page.data["script_source"] == server.url("/data/news.json")
    assert verdict.outcome == PASS


def test_a_list_written_by_script_whose_source_cannot_be_read_is_unknown(server):
    server.route("/", Reply(body=html('<ul id="list"></ul><script>$.ajax({url: "/api/getList.do?ch=12", '
                                      'success: function (d) { $("#list").html(d); }});</script>')))
    server.route("/api/getList.do", Reply(status=500, body="error"))
    page, verdict = check(server.url("/"))
    assert page.ok and verdict.outcome == UNKNOWN and "脚本" in verdict.message


def test_a_home_page_without_dated_entries_is_judged_by_its_columns(server):
    nav = "".join(f'<li><a href="/col/{c}/">{n}</a></li>' for c, n in (("zwdt", "政务动态"), ("tzgg", "通知公告")))
    server.route("/", Reply(body=html(f'<div class="menu"><ul>{nav}</ul></div>'
                                      '<div class="banner"><a href="/zt/1/"><img src="/b.jpg" alt="专题"></a></div>'
                                      '<p>' + "XX区位于XX市东部，总面积三百平方公里。" * 30 + "</p>")))
    server.route("/col/zwdt/", Reply(body=FRESH.replace("2026-11-21", "2026-11-01").replace("2026-11-18", "2026-10-30")))
    server.route("/col/tzgg/", Reply(body=FRESH.replace("2026-11-21", "2026-10-05").replace("2026-11-18", "2026-09-30")))
    page, verdict = check(server.url("/"))
    assert page.data["date_from"] == "columns" and page.data["newest_date"] == "2026-11-01"
    assert {c["url"] for c in page.data["columns_read"]} == {server.url("/col/zwdt/"), server.url("/col/tzgg/")}
    assert verdict.outcome == FAIL and "链接栏目" in verdict.message and verdict.evidence["columns_read"]


def test_a_stale_page_with_no_dates_anywhere_still_fails(server):
    server.route("/", Reply(body=html('<ul class="list">' + "".join(
        f'<li><a href="/art/{i}.html">区政府召开第{i}次常务会议研究部署工作</a></li>' for i in range(12)) + "</ul>")))
    page, verdict = check(server.url("/"), column_fallback_pages=2)
    assert page.ok and page.data["newest_date"] is None and page.data["unknown_reason"] is None
    assert verdict.outcome == FAIL and verdict.message == "首页未发现带日期的信息"


@pytest.mark.parametrize("way_in", ["entry", "script"])
@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_simulated_sites_behind_a_way_in_read_like_the_others(server, way_in, encoding):
    from datetime import date

    from mediawatch.simulation.site import DistrictSite, SiteSpec

    site = DistrictSite(SiteSpec(encoding=encoding, broken=True, way_in=way_in), today=date(2026, 11, 23))
    home = site.mount(server)
    config = config_mod.defaults().with_overrides({
        "http": {"allow_private_addresses": True, "timeout_seconds": 2, "retries": 0},
        "crawl": {"max_pages": 5}})
    ctx = CheckContext(config=config, now=NOW, fetcher=Fetcher(config))
    spec = AccountSpec(pk=1, account_id="s", platform="website", name="XX区人民政府", owner_unit="区政府办", url=home)
    observations = {o.kind: o for o in WebsiteChecker().check(spec, ctx)}
    page = observations["homepage"]
    assert page.data["newest_date"] == site.expected_home_newest().isoformat()
    assert page.data["final_url"] == server.url("/index.html") and len(page.data["followed"]) == 1
    broken = observations["links"].data["broken"]
    assert {b["url"] for b in broken if b["on_homepage"]} == site.home_broken_urls()


def test_a_real_obfuscated_cookie_challenge_is_check_failed(server):
    """www.mps.gov.cn's 加速乐 first answer (the script the server sends in a bare <script>, cited in
    tests/data/pages/README.md): no marker word survives its obfuscation; served here with 200."""
    script = (Path(__file__).parent / "data" / "pages" / "mps-jsl-challenge1.js").read_bytes()
    server.route("/index.html", Reply(body=b"<script>" + script + b"</script>", content_type="text/html"))
    page, verdict = check(server.url("/index.html"))
    assert not page.ok and page.error_kind == "anti_crawl" and "cookie" in page.error
    assert verdict.outcome == UNKNOWN


def test_a_page_that_sets_a_cookie_but_has_content_is_not_a_challenge(server):
    server.route("/", Reply(body=FRESH.replace("</body>", "<script>document.cookie='visited=1';"
                                                         "if (!window.x) { location.href = '/'; }</script></body>")))
    page, verdict = check(server.url("/"))
    assert page.ok and verdict.outcome == PASS


REAL = Path(__file__).parent / "data" / "real" / "website"


@pytest.mark.parametrize("name,target", [
    ("beian-gov-cn-stub.html", "/portal/index"), ("bjghw-gov-cn-stub.html", "/web/index.htm"),
    ("bjgtj-gov-cn-stub.html", "/col/col3664/index.html"), ("apta-gov-cn-entry.html", "/Information"),
    ("bnpo-gov-cn-flash-entry.html", "/index"), ("chinatax-gov-cn-iframe-shell.html", "/middleindex.html"),
    ("sz-gov-cn-refresh.html", "/webmail/"),
])
def test_real_ways_in_are_followed(server, name, target):
    """Real stub and entry pages (tests/data/real/manifest-pages.toml) in front of a fresh home page."""
    server.route("/", Reply(body=(REAL / name).read_bytes(), content_type="text/html"))
    for path in ("/portal/index", "/web/index.htm", "/col/col3664/index.html", "/Information", "/ProfTech_NoticeIndex",
                 "/Officer", "/CityExams", "/index", "/middleindex.html", "/banner11index.html", "/banner2index.html",
                 "/webmail/"):
        server.route(path, Reply(body=FRESH if path == target else html("<p>栏目页</p>")))
    page, verdict = check(server.url("/"))
    assert page.data["newest_date"] == "2026-11-21" and page.data["final_url"] == server.url(target)
    assert verdict.outcome == PASS


@pytest.mark.parametrize("name", ["12333sh-gov-cn-stub.html", "bjsat-gov-cn-stub.html"])
def test_real_redirects_to_another_host_are_unknown_not_fail(server, name):
    server.route("/", Reply(body=(REAL / name).read_bytes(), content_type="text/html"))
    page, verdict = check(server.url("/"))
    assert page.ok and verdict.outcome == UNKNOWN and "注册域名" in verdict.message


def test_a_list_held_as_data_in_an_inline_script_is_read(server):
    data = ('var news = [{"title": "区政府召开第十二次常务会议", "pubDate": "2026-11-19"},'
            ' {"title": "全区冬季森林防火工作部署会召开", "pubDate": "2026-11-02"}];')
    server.route("/", Reply(body=html(f'<ul id="news"></ul><script>{data}\nrender(news);</script>')))
    page, verdict = check(server.url("/"))
    assert page.data["newest_date"] == "2026-11-19" and page.data["date_from"] == "script" and verdict.outcome == PASS


def test_a_build_date_in_a_script_is_not_a_list(server):
    server.route("/", Reply(body=html('<ul class="list">' + "".join(
        f'<li><a href="/art/{i}.html">区政府召开第{i}次常务会议研究部署工作</a></li>' for i in range(12)) + "</ul>"
        '<script>var version = "2026-11-20"; var site = "XX区人民政府门户网站";</script>')))
    page, verdict = check(server.url("/"), column_fallback_pages=0)
    assert page.data["newest_date"] is None and verdict.outcome == FAIL


def test_a_real_redirect_by_browser_type_leads_to_the_desktop_page_of_the_same_site():
    from mediawatch.pages.html import parse_html
    from mediawatch.pages.wayin import find_way_in, same_site

    way = find_way_in(parse_html((REAL / "mof-gov-cn-browser-redirect.html").read_text(encoding="utf-8")),
                      "http://mof.gov.cn/")
    assert way.kind == "script_redirect"
    assert way.targets == ["http://www.mof.gov.cn/index.htm", "http://m.mof.gov.cn/index.htm"]
    assert same_site(way.targets[0], "http://mof.gov.cn/")


def test_a_div_row_of_picture_title_and_teaser_links_keeps_its_own_date():
    """One item drawn as three links to the same article (picture, title, teaser) with its date below
    (浙江政务服务网's 今日关注): one entry dated by the row, the teaser's dates are not its date."""
    from mediawatch.pages.entries import read_entries

    item = ('<div class="item"><a href="/art/{n}.html"><img src="/p/{n}.jpg"></a>'
            '<div class="tit"><a href="/art/{n}.html" title="t">区政府召开第{n}次常务会议</a></div>'
            '<div><a class="brief" href="/art/{n}.html">2026年12月31日前登记注册的个体户，需要在2027年6月30日前报送…</a></div>'
            '<div><span>2026-11-{d:02d}</span></div></div>')
    page = html('<div class="focus">' + "".join(item.format(n=n, d=10 + n) for n in range(1, 4)) + "</div>")
    reading = read_entries(page, NOW, "http://www.example.gov.cn/")
    dated = [e for e in reading.entries if e.date]
    assert [e.date.isoformat() for e in dated] == ["2026-11-11", "2026-11-12", "2026-11-13"]
    assert all(e.title.startswith("区政府召开") and "div.item" in e.date_source for e in dated)
    assert reading.summary.dated_items == 3 and reading.summary.newest_date.isoformat() == "2026-11-13"
    other = page.replace('<a class="brief" href="/art/1.html">', '<a class="brief" href="/other/1.html">')
    first = next(e for e in read_entries(other, NOW, "http://www.example.gov.cn/").entries if "第1次" in e.title)
    assert first.date is None  # a row whose other link goes elsewhere is not one entry's row


def test_a_date_in_a_link_title_yields_to_the_rows_own_date():
    from mediawatch.pages.entries import read_entries

    page = html('<table><tr><td><div class="t"><a href="/art/1.html">政府工作报告——2026年3月5日…</a></div>'
                '<span class="d">2026-11-20</span></td></tr><tr><td><div class="t"><a href="/art/2.html">区政府召开常务会议</a>'
                '</div><span class="d">2026-11-18</span></td></tr></table>')
    entry = read_entries(page, NOW, "http://www.example.gov.cn/").entries[0]
    assert entry.date.isoformat() == "2026-11-20" and entry.date_source.startswith("span.d")
    assert entry.not_dates == ["2026-03-05"]


def test_a_real_firewall_refusal_in_entities_answering_200_is_check_failed(server):
    """国家标准化管理委员会's web firewall notice ('404 Sec-Notice', its Chinese all &#x..; entities)."""
    server.route("/", Reply(body=(REAL / "sac-gov-cn-waf-404-notice.html").read_bytes(), content_type="text/html"))
    page, verdict = check(server.url("/"))
    assert not page.ok and page.error_kind == "anti_crawl" and "HTTP 200" in page.error
    assert verdict.outcome == UNKNOWN and "首页未发现带日期的信息" not in verdict.message


@pytest.mark.parametrize("title,body,challenged", [
    ("403 Forbidden", "<h1>403 Forbidden</h1><hr><center>nginx</center>", True),
    ("XX区", "<h3>&#x8BBF;&#x95EE;&#x88AB;&#x62D2;&#x7EDD;</h3>", True),  # 访问被拒绝, as entities
    ("404 问题整改情况通报", FRESH[FRESH.index("<ul"):FRESH.index("</ul>") + 5], False),  # a real list page
])
def test_a_short_error_page_answering_200_is_not_the_site(server, title, body, challenged):
    server.route("/", Reply(body=html(body, f"<title>{title}</title>")))
    page, verdict = check(server.url("/"))
    assert (not page.ok and page.error_kind == "anti_crawl") if challenged else (page.ok and verdict.outcome == PASS)


@pytest.mark.parametrize("entry", [
    html('<img src="/images/wzsm.jpg" usemap="#Map"><map name="Map">'
         '<area shape="rect" coords="1,1,9,9" href="http://www.example.cn/">'
         '<area shape="rect" coords="9,9,19,19" href="/portal/index.html"></map>'),
    html('<h1>Object Moved</h1>This document may be found <a HREF="/portal/">here</a>', "<title>Document Moved</title>"),
    html('<div class="top"><a href="/old/">温馨提示：旧版网站入口</a></div><div class="notice">'
         '<p><a href="/portal/index.html">XX区人民政府门户网站>></a></p><p><a href="/exam/">2026年考试报名系统>></a></p>'
         '<p>温馨提示：参加2026年考试报名的考生，需先注册。</p></div><div class="footer">'
         + "".join(f'<a href="/f{i}/">{w}</a> | ' for i, w in enumerate(["联系方法", "交通指引", "版权声明", "隐私保护",
                                                                      "法律责任", "网站地图", "网址域名"])) + "</div>"),
    html('<a href="/portal/index.html"><img src="/i/zfz.png"></a><a href="/gtoc/"><img src="/i/gmz.png"></a>'
         + "".join(f'<a href="/lang{i}/"><div class="dh"></div></a>' for i in range(7))),
    html('<form action="/portal/index.html" method="get"></form><script>$(function(){ $("form")[0].submit(); });</script>'),
], ids=["image-map", "object-moved", "text-link-entry", "portal-of-portals", "form-get"])
def test_more_ways_in_are_followed(server, entry):
    server.route("/", Reply(body=entry))
    for path in ("/old/", "/exam/", "/gtoc/"):
        server.route(path, Reply(body=html("<p>其他系统</p>")))
    server.route("/portal/index.html", Reply(body=FRESH))
    server.route("/portal/", Reply(body=FRESH))
    page, verdict = check(server.url("/"))
    assert page.ok and page.data["newest_date"] == "2026-11-21", page.data
    assert page.data["final_url"].startswith(server.url("/portal/"))
    assert verdict.outcome == PASS and verdict.evidence["followed"]


@pytest.mark.parametrize("entry,words", [
    (html('<form action="/login.action" method="post"/><script>$(function(){ $("form")[0].submit(); });</script>'),
     "POST"),
    (html("", '<script>var a = (location.host + location.pathname).toLowerCase(); var t = {}; t["x/y"] = "1";'
              'if (t[a]) { window.location.replace("http://" + a + "/publish/portal" + t[a]); }</script>'), "脚本运行时计算"),
], ids=["form-post", "computed-redirect"])
def test_ways_in_we_may_not_or_cannot_follow_are_unknown(server, entry, words):
    server.route("/", Reply(body=entry))
    server.route("/login.action", Reply(body=FRESH))
    page, verdict = check(server.url("/"))
    assert page.ok and page.data["newest_date"] is None and not page.data["followed"]
    assert verdict.outcome == UNKNOWN and words in verdict.message and "首页未发现带日期的信息" not in verdict.message


@pytest.mark.parametrize("name,url,kind,first", [
    ("customs-gov-cn-portal-stub.html", "http://www.customs.gov.cn/", "script_redirect", None),
    ("sh-gov-cn-moved.html", "http://sh.gov.cn/", "moved_page", "http://www.shanghai.gov.cn/"),
    ("gapp-gov-cn-image-map-entry.html", "http://www.gapp.gov.cn/", "entry_page", "http://www.gapp.gov.cn/index.html"),
    ("ningbo-gov-cn-portal-of-portals.html", "http://www.ningbo.gov.cn/", "entry_page", "http://gtoc.ningbo.gov.cn/"),
    ("miitbeian-gov-cn-form-submit.html", "http://www.miitbeian.gov.cn/", "form_submit", None),
    ("gdhrss-gov-cn-notice-entry.html", "http://www.gdhrss.gov.cn/", "entry_page", "http://www.gdhrss.gov.cn/gdrst"),
])
def test_real_ways_in_at_their_own_address(name, url, kind, first):
    """The real pages (tests/data/real/manifest.toml) read at their own address: the way in and where it leads."""
    from mediawatch.pages.html import parse_html
    from mediawatch.pages.wayin import find_way_in

    way = find_way_in(parse_html((REAL / name).read_bytes().decode("utf-8")), url)
    assert way is not None and way.kind == kind and way.reason
    assert (way.targets[0] if way.targets else None) == first


def test_a_stale_page_of_a_few_titles_and_a_home_link_is_not_an_entry_page(server):
    """A real (stale) page with more than a few title links stays a page even if one link says 首页."""
    body = html('<a href="/">网站首页</a><ul class="list">' + "".join(
        f'<li><a href="/art/{i}.html">区政府召开第{i}次常务会议研究部署工作</a></li>' for i in range(9)) + "</ul>")
    server.route("/", Reply(body=body))
    page, verdict = check(server.url("/"), column_fallback_pages=0)
    assert page.ok and not page.data["followed"] and verdict.outcome == FAIL


def test_a_script_page_with_a_computed_redirect_still_reads_its_list_from_its_source(server):
    """A way in named without a target does not stop the reader from the list a script loads."""
    server.route("/", Reply(body=html('<ul id="news"></ul><script>if (isMobile()) { location.href = mobileHost() + "/m/"; }'
                                      '\n$.getJSON("/data/news.json", render);</script>')))
    server.route("/data/news.json", Reply(body=json.dumps([{"title": "区政府召开第十二次常务会议", "date": "2026-11-19"},
                                                           {"title": "全区冬季森林防火工作部署会召开", "date": "2026-11-02"}],
                                                          ensure_ascii=False).encode(), content_type="application/json"))
    page, verdict = check(server.url("/"))
    assert page.data["newest_date"] == "2026-11-19" and page.data["date_from"] == "script" and verdict.outcome == PASS


def test_a_not_found_page_with_a_home_link_is_not_a_moved_page(server):
    server.route("/", Reply(body=html('<h1>Page Not Found</h1><a href="/portal/">返回</a>', "<title>XX区</title>")))
    server.route("/portal/", Reply(body=FRESH))
    page, _ = check(server.url("/"), column_fallback_pages=0)
    assert not page.data["followed"]


def test_a_stale_page_of_short_menu_words_is_not_an_entry_page(server):
    menu = "".join(f'<a href="/{i}/">{w}</a>' for i, w in enumerate(
        ["网站首页", "政务公开", "政务服务", "互动交流", "走进XX", "专题专栏", "联系我们", "网站地图", "无障碍"]))
    server.route("/", Reply(body=html(f'<div class="menu">{menu}</div><p>XX区人民政府</p>'
                                      '<a href="/notice.html">关于网站改版的说明</a>')))
    for i in range(9):
        server.route(f"/{i}/", Reply(body=FRESH))
    page, _ = check(server.url("/"), column_fallback_pages=2)
    assert not page.data["followed"] and page.data["date_from"] == "columns"
