"""The WeChat check: the appmsgpublish list (URL or exported file), article pages, blocked vs gone."""

import shutil
from pathlib import Path

import pytest

from mediawatch import clock
from mediawatch.checkers import sources
from mediawatch.checkers.wechat import WechatChecker
from mediawatch.simulation.server import Reply
from mediawatch.simulation.wechat import SimArticle, SimWechatAccount, WechatSimulation
from mediawatch.simulation.weibo import Cadence
from tests.newmedia_fixtures import NOW, at, by_kind, context, wechat_spec, weibo_spec

DATA = Path(__file__).parent / "data" / "wechat"
NO_ARTICLES = {"wechat": {"fetch_articles": False}}


@pytest.fixture
def sim(server):
    simulation = WechatSimulation(server)
    simulation.set_now(NOW)
    server.route("/broken", Reply(status=404))
    return simulation


def _check(home, overrides=None, since=None, **spec):
    return by_kind(WechatChecker().check(wechat_spec(**spec), context(home, overrides=overrides, since=since)))


# --- wechat_json ------------------------------------------------------------------------------

def test_exported_appmsgpublish_file_relative_to_home(home):
    shutil.copy(DATA / "appmsgpublish.json", home / "czj.json")
    obs = _check(home, NO_ARTICLES, source_url="czj.json")
    posts = obs["posts"].data
    assert obs["posts"].ok and posts["source"] == "wechat_json"
    assert posts["latest_post_at"] == "2026-11-21T10:00:00+08:00"
    # two articles of one mass send, one deleted (not counted), one of the older appmsg_info shape
    assert (posts["count_7d"], posts["count_14d"], posts["count_30d"]) == (2, 3, 3)
    assert posts["deleted"] == 1
    first = posts["posts"][0]
    assert first["url"] == "https://mp.weixin.qq.com/s?__biz=MzA5&mid=2247483001&idx=1&sn=a1"  # &amp; undone
    assert [h["wrong"] for h in obs["typos"].data["hits"]] == ["中华人民共合国"]
    assert obs["profile"].ok and obs["profile"].data["screen_name"] is None  # the list does not say


def test_appmsgpublish_from_the_backend_url(home, sim):
    sim.add(SimWechatAccount("czj", "XX财政", articles=[SimArticle(at=at(days=2), title="预算公开")]))
    obs = _check(home, NO_ARTICLES, source="wechat_json", source_url=sim.api_url("czj"))
    assert obs["posts"].data["latest_post_at"] == clock.iso(at(days=2))


def test_the_older_app_msg_list_export_reads_like_appmsgpublish(home):
    """``app_msg_list`` with ``base_resp`` (the list_ex API's shape): items are the articles, create_time
    (else update_time) their time, ``&amp;`` undone in links."""
    shutil.copy(DATA / "app_msg_list.json", home / "czj.json")
    obs = _check(home, NO_ARTICLES, source_url="czj.json")
    posts = obs["posts"].data
    assert obs["posts"].ok and posts["source"] == "wechat_json", obs["posts"].error
    assert posts["latest_post_at"] == "2026-11-20T10:00:00+08:00"
    assert (posts["count_7d"], posts["count_14d"], posts["count_30d"]) == (2, 2, 3)
    assert posts["posts"][0]["url"] == "https://mp.weixin.qq.com/s?__biz=MzA5&mid=2247484001&idx=1&sn=b1#rd"
    assert {p["title"] for p in posts["posts"]} == {"2026年预算执行情况公开", "惠企政策问答", "十月工作动态"}
    assert obs["profile"].data["screen_name"] is None  # the list does not say


@pytest.mark.parametrize("body,kind", [
    ('{"base_resp":{"ret":200013,"err_msg":"freq control"},"app_msg_list":[]}', "freq_control"),
    ('{"base_resp":{"ret":0,"err_msg":"ok"},"app_msg_list":{"aid":"1"}}', "malformed"),
    ('{"base_resp":{"ret":0,"err_msg":"ok"},"app_msg_list":[{"aid":"1_1","title":"无时间"}]}', "malformed"),
    ('{"base_resp":{"ret":0,"err_msg":"ok"},"app_msg_list":["x"]}', "malformed"),
])
def test_app_msg_list_refusals_and_bad_shapes_are_check_failed(home, body, kind):
    (home / "list.json").write_text(body, encoding="utf-8")
    obs = _check(home, NO_ARTICLES, source_url="list.json")
    assert not obs["posts"].ok and obs["posts"].error_kind == kind


def test_an_empty_app_msg_list_is_an_account_without_posts(home):
    (home / "list.json").write_text('{"base_resp":{"ret":0,"err_msg":"ok"},"app_msg_cnt":0,"app_msg_list":[]}',
                                    encoding="utf-8")
    obs = _check(home, NO_ARTICLES, source_url="list.json")
    assert obs["posts"].ok and obs["posts"].data["no_posts"] is True


@pytest.mark.parametrize("name,kind", [("freq_control.json", "freq_control"),
                                       ("session_expired.json", "login_redirect")])
def test_backend_refusals_are_check_failed(home, name, kind):
    obs = _check(home, NO_ARTICLES, source_url=str(DATA / name))
    assert [o.ok for o in obs.values()] == [False] * 5  # posts, profile, links, typos, privacy (issue 15)
    assert obs["posts"].error_kind == kind


def test_freq_control_from_the_backend_url(home, sim):
    sim.add(SimWechatAccount("czj", "XX财政", fault="freq"))
    obs = _check(home, NO_ARTICLES, source_url=sim.json_url("czj"))
    assert obs["posts"].error_kind == "freq_control" and "200013" in obs["posts"].error


@pytest.mark.parametrize("body", ['{"base_resp":{"ret":0},"publish_page":"{\\"total', '[1, 2]',
                                  '{"base_resp":{"ret":0}}', '{"publish_page": "{\\"publish_list\\": 5}"}'])
def test_malformed_lists(home, body):
    (home / "bad.json").write_text(body, encoding="utf-8")
    assert _check(home, NO_ARTICLES, source_url="bad.json")["posts"].error_kind == "malformed"


def test_a_missing_export_file(home):
    obs = _check(home, NO_ARTICLES, source_url="nowhere.json")
    assert not obs["posts"].ok and obs["posts"].error_kind == "file"


# --- article pages ----------------------------------------------------------------------------

def _account(**kwargs):
    return SimWechatAccount("xxfb", "XX发布", articles=[
        SimArticle(at=at(days=1), title="被删除的文章", deleted="deleted"),
        SimArticle(at=at(days=2), title="违规的文章", deleted="violation"),
        SimArticle(at=at(days=3), title="正常的文章", text="正文", links=["http://127.0.0.1:9/dead"]),
        SimArticle(at=at(days=20), title="旧文章"),
    ], **kwargs)


def test_article_pages_deleted_and_blocked_for_violation(home, sim, server):
    sim.add(_account())
    obs = _check(home, feed_url=sim.feed_url("xxfb"), since=at(days=10))
    posts = obs["posts"].data
    by_title = {p["title"]: p for p in posts["posts"]}
    assert by_title["被删除的文章"]["deleted"] is True and by_title["被删除的文章"]["deleted_reason"] == "deleted"
    assert by_title["违规的文章"]["deleted_reason"] == "violation"
    assert by_title["正常的文章"]["deleted"] is False
    assert posts["deleted"] == 2
    # a deleted article no longer shows on the account: the latest post is the one still there
    assert posts["latest_post_at"] == clock.iso(at(days=3))
    assert posts["count_7d"] == 1
    # links inside the article page itself are checked; the old article is outside the window
    assert [b["url"] for b in obs["links"].data["broken"]] == ["http://127.0.0.1:9/dead"]
    assert server.count("/s/xxfb/1") == 0  # 20 days old, before the last good check
    assert obs["profile"].data["screen_name"] == "XX发布" and obs["profile"].data["name_source"] == "article"


def test_publish_time_comes_from_var_ct(home, sim):
    sim.add(_account(feed_dates="missing"))
    obs = _check(home, feed_url=sim.feed_url("xxfb"), since=at(days=30))
    posts = obs["posts"].data
    assert posts["latest_post_at"] == clock.iso(at(days=3))
    assert posts["count_30d"] == 2
    # only the deleted articles stay undated: their pages carry no time any more
    assert posts["undated"] == 2 and all(p["deleted"] for p in posts["posts"] if p["at"] is None)


def test_article_name_differs_from_the_feed_title(home, sim):
    sim.add(_account(feed_title="XX发布（旧名）"))
    obs = _check(home, feed_url=sim.feed_url("xxfb"))
    assert obs["profile"].data["screen_name"] == "XX发布"  # the platform's own page wins over the bridge
    sim.accounts["xxfb"].nickname = "XX新闻"
    obs = _check(home, feed_url=sim.feed_url("xxfb"))
    assert obs["profile"].data["screen_name"] == "XX新闻"


@pytest.mark.parametrize("fault", ["env", "freq", "418"])
def test_article_pages_refusing_us_never_fail_the_check(home, sim, server, fault):
    sim.add(_account(article_fault=fault))
    obs = _check(home, feed_url=sim.feed_url("xxfb"))
    posts = obs["posts"].data
    assert obs["posts"].ok
    assert posts["deleted"] == 0  # unknown, not deleted
    assert posts["latest_post_at"] == clock.iso(at(days=1))  # as the feed says
    assert sum(1 for r in server.requests if r.path.startswith("/s/")) == 1  # stopped after the first refusal
    assert any("refused us" in note for note in posts["notes"])


def test_fetch_articles_off_opens_no_page(home, sim, server):
    sim.add(_account())
    _check(home, NO_ARTICLES, feed_url=sim.feed_url("xxfb"))
    assert not any(r.path.startswith("/s/") for r in server.requests)


def test_article_pages_per_account_are_capped(home, sim, server):
    sim.add(SimWechatAccount("xxfb", "XX发布", cadence=Cadence(start=at(days=29), every_hours=24)))
    _check(home, {"wechat": {"max_articles_per_account": 4}}, feed_url=sim.feed_url("xxfb"))
    assert sum(1 for r in server.requests if r.path.startswith("/s/")) == 4


def test_the_platform_host_is_asked_one_request_at_a_time(home, sim, server):
    from mediawatch.checkers.sources.client import PlatformClient

    sim.add(_account())
    ctx = context(home)
    client = PlatformClient(ctx, "wechat")
    assert client.concurrency == 1 and client.delay == 0.0
    ctx = context(home, overrides={"wechat": {"delay_seconds": 7.5}})
    client = PlatformClient(ctx, "wechat")
    client.fetch(sim.feed_url("xxfb"))
    assert ctx.fetcher._host_delay[f"127.0.0.1:{server.port}"] == 7.5


# --- choosing a source ------------------------------------------------------------------------

@pytest.mark.parametrize("spec,expected", [
    (weibo_spec("9900000001"), "weibo_api"),
    (weibo_spec("9900000001", feed_url="https://r.example/w"), "weibo_api"),
    (weibo_spec(None, feed_url="https://r.example/w"), "feed"),
    (weibo_spec(None, source_url="https://e.example/posts.CSV?x=1"), "posts_csv"),
    (weibo_spec("9900000001", source="feed", feed_url="https://r.example/w"), "feed"),
    (wechat_spec(feed_url="https://r.example/f.xml", source_url="x.json"), "feed"),
    (wechat_spec(source_url="https://e.example/list.json"), "wechat_json"),
    (wechat_spec(source_url="exports/posts.csv"), "posts_csv"),
    (wechat_spec(source="posts_csv", source_url="exports/list"), "posts_csv"),
])
def test_auto_picks_a_source(spec, expected):
    assert sources.choose(spec) == expected


@pytest.mark.parametrize("spec", [wechat_spec(source_url="https://e.example/list.xml"), weibo_spec(None),
                                  wechat_spec(source="nosuch", feed_url="https://r.example/f")])
def test_no_source_fits(home, spec):
    with pytest.raises(LookupError):
        sources.choose(spec)
    checker = WechatChecker() if spec.platform == "wechat" else __import__(
        "mediawatch.checkers.weibo", fromlist=["WeiboChecker"]).WeiboChecker()
    obs = by_kind(checker.check(spec, context(home)))
    assert not obs["posts"].ok and obs["posts"].error_kind == "invalid_url"


def test_sources_refuse_duplicate_names():
    with pytest.raises(ValueError):
        sources.register("feed", object)
    with pytest.raises(ValueError):
        sources.register("auto", object)


def test_a_crash_inside_a_source_is_an_internal_observation(home, monkeypatch):
    from mediawatch.checkers.sources.feed import FeedSource

    def explode(self, account, ctx, client):
        raise RuntimeError("boom")

    monkeypatch.setattr(FeedSource, "fetch", explode)
    obs = _check(home, feed_url="https://r.example/f.xml")
    assert not obs["posts"].ok and obs["posts"].error_kind == "internal" and "boom" in obs["posts"].error


def test_article_markup_fallbacks_for_name_and_title():
    from mediawatch.checkers.sources.wechat_article import Article, parse_article

    page = ('<html><head><meta property="og:title" content="关于秋冬季森林防火的通告"></head><body>'
            '<div class="rich_media_meta profile_nickname"> XX区 应急管理 </div>'
            '<div id="js_content"><p>各单位：<br>请做好防火工作，详见<a href="http://yjj.example.gov.cn/t.html">通知'
            '</a>。</p></div><script>var ct = "1763690400";</script></body></html>')
    article = parse_article(page, Article(url="https://mp.weixin.qq.com/s/x"))
    assert article.nickname == "XX区 应急管理"
    assert article.title == "关于秋冬季森林防火的通告"
    assert article.published_at is not None and article.published_at.year == 2025
    assert article.text == "各单位：\n请做好防火工作，详见通知。"
    assert [link.url for link in article.links] == ["http://yjj.example.gov.cn/t.html"]


def test_video_and_picture_posts_carry_time_name_and_title_on_d():
    """Video (item_show_type 5) and picture (8) posts hold them as ``d.ct``/``d.nick_name``/``d.title`` (real
    cases: tests/data/real/wechat/we-extract-video-*.html, we-extract-image-share-2018.html); a ``ct`` of another
    object (``cgiData.ct``) is not the post's time."""
    from mediawatch.checkers.sources.wechat_article import Article, parse_article

    page = ('<html><body><script>var item_show_type = "5";\n  d.ct = "1558073716";\n  d.article_title = "";\n'
            '  d.title = "半月谈《基层说》";\n  d.nick_name = "半月谈";\n</script></body></html>')
    article = parse_article(page, Article(url="https://mp.weixin.qq.com/s/v"))
    assert article.published_at is not None and article.published_at.isoformat() == "2019-05-17T14:15:16+08:00"
    assert (article.nickname, article.title) == ("半月谈", "半月谈《基层说》")

    quoted = "<script>  window.ct = '1563022099' || '';\n  window.msg_title = '把金属钠放入水中' || '';</script>"
    article = parse_article(quoted, Article(url="https://mp.weixin.qq.com/s/w"))
    assert article.published_at is not None and article.published_at.isoformat() == "2019-07-13T20:48:19+08:00"
    assert article.title == "把金属钠放入水中"

    other = '<script>cgiData.ct = "1558073716"; cgiData.nick_name = "x";</script>'
    article = parse_article(other, Article(url="https://mp.weixin.qq.com/s/o"))
    assert article.published_at is None and article.nickname is None
