"""The feed source: RSS 2.0 and Atom from bridges, dates with and without zones, and what their errors mean."""

import csv
from pathlib import Path

import pytest

from mediawatch import clock
from mediawatch.checkers.sources.feed import parse_feed_date
from mediawatch.checkers.wechat import WechatChecker
from mediawatch.checkers.weibo import WeiboChecker
from mediawatch.simulation.server import Reply
from mediawatch.simulation.wechat import SimArticle, SimWechatAccount, WechatSimulation
from mediawatch.simulation.weibo import SimPost, SimWeiboAccount, WeiboSimulation
from tests.newmedia_fixtures import NOW, at, by_kind, context, wechat_spec, weibo_spec

DATES = [r for r in csv.DictReader(line for line in (Path(__file__).parent / "data" / "wechat" / "feed_dates.csv")
                                   .open(encoding="utf-8") if not line.startswith("#"))]
NO_ARTICLES = {"wechat": {"fetch_articles": False}}


@pytest.mark.parametrize("case", DATES, ids=[c["raw"] or "(empty)" for c in DATES])
def test_feed_dates(case):
    got = parse_feed_date(case["raw"], NOW)
    if case["expected"] == "NONE":
        assert got is None
    else:
        assert got == clock.parse_datetime(case["expected"]) and got.utcoffset() is not None


@pytest.fixture
def sim(server):
    simulation = WechatSimulation(server)
    simulation.set_now(NOW)
    server.route("/broken", Reply(status=404))
    return simulation


def _account(**kwargs):
    return SimWechatAccount("xxfb", "XX发布", articles=[
        SimArticle(at=at(days=1, hours=3), title="今日要闻", links=["http://127.0.0.1:9/nowhere"]),
        SimArticle(at=at(days=10), title="十天前"),
        SimArticle(at=at(days=40), title="四十天前"),
    ], **kwargs)


def _check(home, url, overrides=NO_ARTICLES, **spec):
    return by_kind(WechatChecker().check(wechat_spec(feed_url=url, source="feed", **spec),
                                         context(home, overrides=overrides)))


@pytest.mark.parametrize("kind", ["rss", "atom"])
@pytest.mark.parametrize("dates", ["offset", "utc", "none"])
def test_rss_and_atom_with_and_without_timezone(home, sim, kind, dates):
    sim.add(_account(feed_dates=dates))
    obs = _check(home, sim.feed_url("xxfb", kind))
    posts = obs["posts"].data
    assert obs["posts"].ok, obs["posts"].error
    assert posts["latest_post_at"] == clock.iso(at(days=1, hours=3))
    assert (posts["count_7d"], posts["count_14d"], posts["count_30d"]) == (1, 2, 2)
    assert posts["posts"][0]["title"] == "今日要闻"
    assert posts["posts"][0]["url"] == sim.article_url("xxfb", 3)
    assert obs["profile"].data["screen_name"] == "XX发布" and obs["profile"].data["name_source"] == "feed"
    assert obs["profile"].data["verified"] is None
    assert obs["links"].data["links_checked"] == 1 and len(obs["links"].data["broken"]) == 1


def test_empty_feed_is_an_account_without_posts(home, sim):
    sim.add(_account(fault="empty"))
    obs = _check(home, sim.feed_url("xxfb"))
    assert obs["posts"].ok and obs["posts"].data["no_posts"] is True
    assert obs["posts"].data["latest_post_at"] is None


@pytest.mark.parametrize("fault,kind", [("malformed", "malformed"), ("418", "blocked"), ("env", "blocked"),
                                        ("freq", "freq_control"), ("http500", "http")])
def test_feed_failures_are_check_failed(home, sim, fault, kind):
    sim.add(_account(fault=fault))
    obs = _check(home, sim.feed_url("xxfb"))
    assert [o.ok for o in obs.values()] == [False] * 5  # posts, profile, links, typos, privacy (issue 15)
    assert obs["posts"].error_kind == kind


def test_items_without_dates_cannot_prove_silence(home, sim):
    sim.add(_account(feed_dates="missing"))
    obs = _check(home, sim.feed_url("xxfb"))
    assert not obs["posts"].ok and obs["posts"].error_kind == "malformed"
    assert "readable date" in obs["posts"].error


def test_items_without_dates_get_them_from_the_article_pages(home, sim):
    sim.add(_account(feed_dates="missing"))
    obs = _check(home, sim.feed_url("xxfb"), overrides={})
    assert obs["posts"].ok
    assert obs["posts"].data["latest_post_at"] == clock.iso(at(days=1, hours=3))


@pytest.mark.parametrize("state,reason", [("banned", "banned"), ("closed", "closed"), ("migrated", "migrated")])
def test_a_bridge_reporting_the_account_removed(home, sim, state, reason):
    sim.add(_account(state=state))
    obs = _check(home, sim.feed_url("xxfb"))
    assert obs["posts"].ok and obs["posts"].data["gone"] is True
    assert obs["profile"].data["gone"] is True and obs["profile"].data["gone_reason"] == reason


def test_an_unknown_feed_is_an_http_error_not_gone(home, server):
    server.route("/feeds/none.xml", Reply(status=404, body="<html><body>Not Found</body></html>"))
    obs = _check(home, server.url("/feeds/none.xml"))
    assert not obs["posts"].ok and obs["posts"].error_kind == "http"


def test_html_instead_of_a_feed_is_malformed(home, server):
    server.route("/feed", Reply(body="<!DOCTYPE html><html><body><p>Welcome</p></body></html>"))
    obs = _check(home, server.url("/feed"))
    assert obs["posts"].error_kind == "malformed"


def test_xml_that_is_not_a_feed_is_malformed(home, server):
    server.route("/feed", Reply(body='<?xml version="1.0"?><sitemap><url>x</url></sitemap>',
                                content_type="application/xml"))
    assert _check(home, server.url("/feed"))["posts"].error_kind == "malformed"


def test_entities_are_never_resolved(home, server):
    body = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            '<rss version="2.0"><channel><title>&x;</title></channel></rss>')
    server.route("/feed", Reply(body=body, content_type="application/xml"))
    obs = _check(home, server.url("/feed"))
    assert "root:" not in str(obs["profile"].data) and "root:" not in str(obs["posts"].data)


def test_rss_1_and_atom_xhtml_content(home, server):
    rdf = ('<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
           'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
           '<channel rdf:about="x"><title>XX发布</title></channel>'
           '<item rdf:about="a"><title>一</title><link>http://example.org/a</link><dc:date>2026-11-20T08:00:00</dc:date>'
           '</item></rdf:RDF>')
    server.route("/rdf", Reply(body=rdf, content_type="application/rdf+xml"))
    obs = _check(home, server.url("/rdf"))
    assert obs["posts"].data["latest_post_at"] == "2026-11-20T08:00:00+08:00"
    atom = ('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>XX发布</title>'
            '<entry><title>二</title><id>b</id><updated>2026-11-19T08:00:00+08:00</updated>'
            '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><a href="http://127.0.0.1:9/x">链接</a>'
            '</div></content></entry></feed>')
    server.route("/atom", Reply(body=atom, content_type="application/atom+xml"))
    obs = _check(home, server.url("/atom"))
    assert obs["posts"].data["posts"][0]["links"] == ["http://127.0.0.1:9/x"]


def test_posts_dated_after_now_are_ignored(home, server):
    body = ('<?xml version="1.0"?><rss version="2.0"><channel><title>XX发布</title>'
            '<item><title>a</title><guid>a</guid><pubDate>Sun, 22 Nov 2026 12:00:00 +0800</pubDate></item>'
            '<item><title>b</title><guid>b</guid><pubDate>Thu, 19 Nov 2026 12:00:00 +0800</pubDate></item>'
            '</channel></rss>')
    server.route("/feed", Reply(body=body, content_type="application/rss+xml"))
    posts = _check(home, server.url("/feed"))["posts"].data
    assert posts["latest_post_at"] == "2026-11-19T12:00:00+08:00" and posts["future_ignored"] == 1


def test_weibo_feed_rsshub_style(home, server):
    sim = WeiboSimulation(server)
    sim.set_now(NOW)
    server.route("/broken", Reply(status=404))
    sim.add(SimWeiboAccount("9900000004", "梧田发布", posts=[
        SimPost(at=at(days=3), text="见链接", links=[server.url("/broken")]),
        SimPost(at=at(days=300), text="很久以前的置顶", pinned=True)]))
    obs = by_kind(WeiboChecker().check(weibo_spec(None, feed_url=sim.feed_url("9900000004")), context(home)))
    assert obs["posts"].data["source"] == "feed"  # auto: no uid, a feed
    assert obs["profile"].data["screen_name"] == "梧田发布"  # "梧田发布的微博" with RSSHub's suffix dropped
    assert obs["posts"].data["latest_post_at"] == clock.iso(at(days=3))
    assert [b["url"] for b in obs["links"].data["broken"]] == [server.url("/broken")]


def test_weibo_feed_relaying_a_block(home, server):
    sim = WeiboSimulation(server)
    sim.add(SimWeiboAccount("9900000004", "梧田发布", fault="418"))
    obs = by_kind(WeiboChecker().check(weibo_spec(None, feed_url=sim.feed_url("9900000004")), context(home)))
    assert not obs["posts"].ok and obs["posts"].error_kind == "blocked"


# --- names: a bridge's wrapping is not the account's name -------------------------------------

def _name_verdict(obs, registered="XX发布"):
    from mediawatch.config import defaults
    from mediawatch.rules.base import RuleInput, StoredObservation
    from mediawatch.rules.integrity import NameMismatch

    stored = [StoredObservation(o.kind, o.ok, o.target, o.error_kind, o.error, dict(o.data)) for o in obs.values()]
    return NameMismatch().evaluate(RuleInput("xxfb", "wechat", registered, NOW, defaults(), stored))


@pytest.mark.parametrize("title,stated", [
    ("XX发布 | wechat-feeds", "XX发布"),          # hellodword/wechat-feeds
    ("XX发布 - 微信公众号", "XX发布"),              # RSSHub-style WeChat routes
    ("微信公众号 - XX发布", "XX发布"),
    ("XX发布 | WeWe-RSS", "XX发布"),
    ("XX发布", "XX发布"),                           # wewe-rss / we-mp-rss: the bare mpName
])
def test_a_bridge_wrapping_is_taken_off_the_name(home, sim, title, stated):
    sim.add(_account(feed_title=title))
    obs = _check(home, sim.feed_url("xxfb"))
    assert obs["profile"].data["screen_name"] == stated and obs["profile"].data["name_source"] == "feed"
    assert _name_verdict(obs).outcome == "pass"
    assert _name_verdict(obs, "XX区发布").outcome == "fail"  # a stated name is still judged


@pytest.mark.parametrize("title", ["WeWe-RSS", "Mp-We-Rss", "XX发布 RSS", "XX发布 | 某某平台", "微信公众号"])
def test_a_title_that_states_no_name_leaves_name_mismatch_unknown(home, sim, title):
    sim.add(_account(feed_title=title))
    obs = _check(home, sim.feed_url("xxfb"))
    assert obs["posts"].ok and obs["profile"].data["screen_name"] is None
    assert any("states no account name" in note for note in obs["posts"].data["notes"])
    verdict = _name_verdict(obs, "某某")
    assert verdict.outcome == "unknown"


def test_the_name_comes_from_the_article_page_at_every_check(home, sim):
    """No post recent enough to open: the newest article is still opened for the name, so the name's
    source does not switch between the feed's title and the page from one check to the next."""
    sim.add(SimWechatAccount("xxfb", "新名发布", feed_title="旧名发布 | wechat-feeds", articles=[
        SimArticle(at=at(days=20), title="二十天前"), SimArticle(at=at(days=40), title="四十天前")]))
    for since in (at(days=30), at(days=1)):  # a check that opens a recent article, then one that opens none
        obs = by_kind(WechatChecker().check(wechat_spec(feed_url=sim.feed_url("xxfb"), source="feed"),
                                            context(home, since=since)))
        assert (obs["profile"].data["screen_name"], obs["profile"].data["name_source"]) == ("新名发布", "article")


def test_real_wechat_feeds_title(home, server):
    """A real hellodword/wechat-feeds feed (tests/data/real/feeds/): ``上海发布 | wechat-feeds`` names 上海发布."""
    body = (Path(__file__).parent / "data" / "real" / "feeds" / "wechat-feeds-MjM5NTA5NzYyMA==.xml").read_bytes()
    server.route("/feed", Reply(body=body, content_type="text/xml"))
    obs = _check(home, server.url("/feed"))
    assert obs["profile"].data["screen_name"] == "上海发布"
    assert _name_verdict(obs, "上海发布").outcome == "pass"
