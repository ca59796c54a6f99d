"""The Weibo check through the m.weibo.cn container API, against the local simulation (real HTTP on 127.0.0.1)."""

from datetime import timedelta
from urllib.parse import quote

import pytest

from mediawatch import clock
from mediawatch.checkers.weibo import WeiboChecker
from mediawatch.simulation.server import Reply
from mediawatch.simulation.weibo import Cadence, SimPost, SimWeiboAccount, WeiboSimulation
from tests.newmedia_fixtures import NOW, at, by_kind, context, weibo_spec

UID = "9900000001"


@pytest.fixture
def sim(server):
    simulation = WeiboSimulation(server)
    simulation.set_now(NOW)
    server.route("/broken", Reply(status=404, body="gone"))
    server.route("/fine", Reply(body="<html>ok</html>"))
    return simulation


def check(home, sim, spec=None, **kwargs):
    overrides = kwargs.pop("overrides", {})
    weibo = dict(sim.config_overrides()["weibo"], **overrides.pop("weibo", {}))
    ctx = kwargs.pop("ctx", None) or context(home, overrides={"weibo": weibo, **overrides}, **kwargs)
    return by_kind(WeiboChecker().check(spec or weibo_spec(UID), ctx)), ctx


def test_pinned_old_post_before_a_fresh_one(home, sim):
    sim.add(SimWeiboAccount(UID, "XX发布", posts=[
        SimPost(at=at(days=900), text="置顶：三年前的公告", pinned=True),
        SimPost(at=at(hours=5), text="今天的新闻"),
        SimPost(at=at(days=10), text="十天前"),
    ]))
    obs, _ = check(home, sim)
    posts = obs["posts"].data
    assert obs["posts"].ok
    assert posts["latest_post_at"] == clock.iso(at(hours=5))
    assert posts["pinned"] == [{"id": posts["pinned"][0]["id"], "at": clock.iso(at(days=900))}]
    assert (posts["count_7d"], posts["count_14d"], posts["count_30d"]) == (1, 2, 2)
    assert [p["pinned"] for p in posts["posts"]] == [False, False, True]


@pytest.mark.parametrize("marker", ["isTop", "mblogtype", "profile_type_id", "title", True])
def test_pinned_fresh_post_does_not_hide_a_stale_account(home, sim, marker):
    sim.add(SimWeiboAccount(UID, "XX发布", posts=[
        SimPost(at=at(hours=1), text="刚置顶的新帖", pinned=marker),
        SimPost(at=at(days=20), text="二十天前"),
        SimPost(at=at(days=25), text="二十五天前"),
    ]))
    obs, _ = check(home, sim)
    posts = obs["posts"].data
    assert posts["latest_post_at"] == clock.iso(at(days=20))
    assert (posts["count_7d"], posts["count_14d"], posts["count_30d"]) == (0, 0, 2)
    assert len(posts["pinned"]) == 1


def test_card_type_11_groups_are_unwrapped(home, sim, server):
    sim.add(SimWeiboAccount(UID, "XX发布", group_cards=True, posts=[
        SimPost(at=at(days=d), text=f"第{d}天") for d in (1, 2, 3, 4)]))
    obs, _ = check(home, sim)
    body = server.requests[-1]
    assert body.path == "/api/container/getIndex"
    assert obs["posts"].data["count_7d"] == 4
    assert [p["at"] for p in obs["posts"].data["posts"]] == [clock.iso(at(days=d)) for d in (1, 2, 3, 4)]


def test_relative_dates_as_older_responses_wrote_them(home, sim):
    sim.add(SimWeiboAccount(UID, "XX发布", date_style="relative", posts=[
        SimPost(at=at(hours=0.2), text="分钟前"),
        SimPost(at=at(hours=3), text="小时前"),
        SimPost(at=at(days=1, hours=2), text="昨天"),
        SimPost(at=at(days=9), text="月-日"),
        SimPost(at=at(days=400), text="年-月-日"),
    ]))
    obs, _ = check(home, sim)
    posts = obs["posts"].data
    assert posts["latest_post_at"] == clock.iso(at(hours=0.2))
    assert (posts["count_7d"], posts["count_14d"], posts["count_30d"]) == (3, 4, 4)
    # MM-DD carries no time: read as the end of that day, so it never looks older than it is
    assert posts["posts"][3]["at"] == clock.iso(clock.local(at(days=9)).replace(hour=23, minute=59, second=59))
    assert posts["undated"] == 0


def test_sinaurl_link_to_a_broken_page_is_reported_with_its_post(home, sim, server):
    sim.add(SimWeiboAccount(UID, "XX发布", posts=[
        SimPost(at=at(days=2), text="通知全文见链接", links=[server.url("/broken"), server.url("/fine")]),
        SimPost(at=at(days=3), text="无链接"),
    ]))
    obs, _ = check(home, sim)
    links = obs["links"].data
    assert obs["links"].ok
    assert links["links_checked"] == 2
    assert [(b["url"], b["status"]) for b in links["broken"]] == [(server.url("/broken"), 404)]
    broken = links["broken"][0]
    post = obs["posts"].data["posts"][0]
    assert broken["post_id"] == post["id"] and broken["post_url"] == post["url"]
    assert post["links"] == [server.url("/broken"), server.url("/fine")]
    # the platform's own links (mentions, topics, emoji) are never checked
    assert server.count("/n/XX%E5%8F%91%E5%B8%83") == 0
    assert not any("sinaimg" in u or "search" in u for u in post["links"])


def test_links_only_in_posts_after_the_last_good_check(home, sim, server):
    sim.add(SimWeiboAccount(UID, "XX发布", posts=[
        SimPost(at=at(days=1), text="新帖", links=[server.url("/fine")]),
        SimPost(at=at(days=5), text="上次检查前的帖子", links=[server.url("/broken")]),
    ]))
    obs, _ = check(home, sim, since=at(days=3))
    assert obs["links"].data["links_checked"] == 1
    assert obs["links"].data["broken"] == []
    assert server.count("/broken") == 0
    assert obs["typos"].data["texts_scanned"] == 1


def test_severe_typo_in_a_post(home, sim):
    sim.add(SimWeiboAccount(UID, "XX发布", posts=[SimPost(at=at(days=1), text="庆祝中华人民共合国成立77周年")]))
    obs, _ = check(home, sim)
    hits = obs["typos"].data["hits"]
    assert [(h["wrong"], h["right"]) for h in hits] == [("中华人民共合国", "中华人民共和国")]
    assert hits[0]["post_id"] == obs["posts"].data["posts"][0]["id"]


def test_paging_until_the_lookback_is_covered(home, sim, server):
    # one post every 12 hours for 60 days: 30 days need about 6 pages of 10
    sim.add(SimWeiboAccount(UID, "XX发布", cadence=Cadence(start=at(days=60), every_hours=12)))
    obs, _ = check(home, sim)
    posts = obs["posts"].data
    assert posts["count_30d"] == 60 and posts["count_14d"] == 28 and posts["count_7d"] == 14
    pages = [r for r in server.requests if r.path == "/api/container/getIndex"]
    assert len(pages) == posts["pages"] == 7
    assert all(r.arg("since_id") for r in pages[1:])
    assert posts["complete"] is True


def test_paging_by_page_number_as_older_responses_did(home, sim, server):
    sim.paging = "page"
    sim.add(SimWeiboAccount(UID, "XX发布", cadence=Cadence(start=at(days=60), every_hours=24)))
    obs, _ = check(home, sim)
    assert obs["posts"].data["count_30d"] == 30
    pages = [r.arg("page") for r in server.requests if r.path == "/api/container/getIndex"]
    assert pages == [None, "2", "3", "4"]


def test_paging_stops_at_max_pages(home, sim, server):
    sim.add(SimWeiboAccount(UID, "XX发布", cadence=Cadence(start=at(days=60), every_hours=2)))
    obs, _ = check(home, sim, overrides={"weibo": {"max_pages": 3}})
    assert obs["posts"].data["pages"] == 3
    assert obs["posts"].data["count_7d"] == 30
    assert obs["posts"].data["complete"] is False
    assert any("max_pages" in note for note in obs["posts"].data["notes"])


def test_stale_account_and_silent_windows(home, sim):
    cadence = Cadence(start=at(days=200), every_hours=24, silent=((at(days=40), NOW + timedelta(days=1)),))
    sim.add(SimWeiboAccount(UID, "XX发布", cadence=cadence))
    obs, _ = check(home, sim)
    posts = obs["posts"].data
    assert obs["posts"].ok and posts["count_30d"] == 0
    assert clock.parse_datetime(posts["latest_post_at"]) < at(days=40)
    sim.set_now(NOW + timedelta(days=300))  # the silence ended; the simulation's "now" moves on
    obs, _ = check(home, sim, now=NOW + timedelta(days=300))
    assert obs["posts"].data["count_7d"] == 7


def test_profile_from_the_accounts_own_posts(home, sim, server):
    sim.add(SimWeiboAccount(UID, "ＸＸ发布 ", verified=False, posts=[SimPost(at=at(days=1), text="x")]))
    obs, _ = check(home, sim)
    profile = obs["profile"].data
    assert obs["profile"].ok
    assert profile["screen_name"] == "ＸＸ发布 "  # reported faithfully; the rule normalises
    assert profile["verified"] is False and profile["gone"] is False and profile["name_source"] == "post"
    assert server.count("/api/container/getIndex") == 1  # no extra profile request


def test_no_posts_is_a_real_observation_and_the_profile_is_asked(home, sim, server):
    sim.add(SimWeiboAccount(UID, "XX发布", state="empty"))
    obs, _ = check(home, sim)
    assert obs["posts"].ok
    assert obs["posts"].data["no_posts"] is True and obs["posts"].data["latest_post_at"] is None
    assert obs["profile"].data["screen_name"] == "XX发布" and obs["profile"].data["verified"] is True
    assert obs["profile"].data["name_source"] == "userInfo"
    profile_calls = [r for r in server.requests if r.path == "/api/container/getIndex" and not r.arg("containerid")]
    assert len(profile_calls) == 1


def test_repost_of_a_banned_users_post_is_not_gone(home, sim):
    banned = "该账号因被投诉违反法律法规和《微博社区公约》的相关规定，现已无法查看。查看帮助"
    sim.add(SimWeiboAccount(UID, "XX发布", posts=[SimPost(at=at(days=1), text="转发微博", retweet_text=banned)]))
    obs, _ = check(home, sim)
    assert obs["profile"].data["gone"] is False
    assert obs["posts"].data["count_7d"] == 1


def test_visitor_cookie_dance(home, sim, server):
    sim.add(SimWeiboAccount(UID, "XX发布", posts=[SimPost(at=at(days=1), text="x")]))
    sim.add(SimWeiboAccount("9900000002", "健康XX", posts=[SimPost(at=at(days=2), text="y")]))
    ctx = context(home, overrides=sim.config_overrides())
    first = by_kind(WeiboChecker().check(weibo_spec(UID), ctx))
    same_run = context(home, overrides=sim.config_overrides(), fetcher=ctx.fetcher)  # the runner: a context per account
    second = by_kind(WeiboChecker().check(weibo_spec("9900000002", "健康XX"), same_run))
    assert first["posts"].ok and second["posts"].ok
    assert server.count("/visitor/genvisitor2") == 1  # one visitor cookie serves the whole run
    api = [r for r in server.requests if r.path == "/api/container/getIndex"]
    assert all("SUB=_2A25Sim" in r.headers.get("Cookie", "") for r in api)
    assert all("iPhone" in r.headers.get("User-Agent", "") and r.headers.get("X-Requested-With") == "XMLHttpRequest"
               for r in api)
    # the platform forgets the cookie: the next request answers 432, a fresh cookie is fetched once
    sim.expire_cookies()
    same_run = context(home, overrides=sim.config_overrides(), fetcher=ctx.fetcher)
    third = by_kind(WeiboChecker().check(weibo_spec(UID), same_run))
    assert third["posts"].ok
    assert server.count("/visitor/genvisitor2") == 2


def test_without_the_cookie_the_api_answers_432(home, sim, server):
    import requests

    sim.add(SimWeiboAccount(UID, "XX发布", posts=[SimPost(at=at(days=1), text="x")]))
    url = server.url(f"/api/container/getIndex?type=uid&value={UID}&containerid=107603{UID}")
    assert requests.get(url, timeout=3).status_code == 432


def test_a_configured_cookie_skips_the_visitor_flow(home, sim, server):
    sim.add(SimWeiboAccount(UID, "XX发布", posts=[SimPost(at=at(days=1), text="x")]))
    sim.accept_cookie("_2A25ConfiguredCookie")
    obs, _ = check(home, sim, overrides={"weibo": {"cookie": "SUB=_2A25ConfiguredCookie; SUBP=0033x"}})
    assert obs["posts"].ok
    assert server.count("/visitor/genvisitor2") == 0
    sim.expire_cookies()  # the configured cookie stops working: blocked, and never "renewed" behind the office's back
    obs, _ = check(home, sim, overrides={"weibo": {"cookie": "SUB=_2A25ConfiguredCookie; SUBP=0033x"}})
    assert not obs["posts"].ok and obs["posts"].error_kind == "blocked"
    assert "configured weibo.cookie" in obs["posts"].error
    assert server.count("/visitor/genvisitor2") == 0


@pytest.mark.parametrize("answer,kind", [("redirect", "blocked"), ("ok-100", "login_redirect")])
def test_other_ways_of_asking_for_the_visitor_cookie(home, sim, server, answer, kind):
    sim.visitor_answer = answer
    sim.add(SimWeiboAccount(UID, "XX发布", posts=[SimPost(at=at(days=1), text="x")]))
    obs, _ = check(home, sim)
    assert obs["posts"].ok  # the cookie flow runs first, so these answers never show
    sim.expire_cookies()
    obs, _ = check(home, sim)  # a new run: a new cookie is issued and accepted
    assert obs["posts"].ok
    sim.visitor_fault = "no_sub"
    sim.expire_cookies()
    obs, _ = check(home, sim)
    assert not obs["posts"].ok and obs["posts"].error_kind == "blocked"


def test_user_agent_for_linked_sites_is_the_tools_own(home, sim, server):
    sim.add(SimWeiboAccount(UID, "XX发布", posts=[SimPost(at=at(days=1), text="x", links=[server.url("/fine")])]))
    check(home, sim)
    fine = [r for r in server.requests if r.path == "/fine"]
    assert fine and all(r.headers.get("User-Agent", "").startswith("mediawatch/") for r in fine)


def test_sinaurl_wrapper_is_decoded():
    from mediawatch.checkers.sources.post_html import links_in, unwrap

    target = "http://www.xxq.example.gov.cn/art/2026/11/20/art_1.html?a=1&b=2"
    assert unwrap(f"https://weibo.cn/sinaurl?u={quote(target, safe='')}") == target
    assert unwrap("https://weibo.cn/sinaurl?toasturl=" + quote(target, safe="")) == target
    assert unwrap(target) == target
    html = (f'<a href="https://weibo.cn/sinaurl?u={quote(target, safe="")}">网页链接</a>'
            "<a href='/n/XX发布'>@XX发布</a><a href=\"https://m.weibo.cn/search?containerid=1\">#话题#</a>"
            '<a href="http://t.cn/A6abc">短链</a>')
    assert [link.url for link in links_in(html)] == [target, "http://t.cn/A6abc"]


def test_ok_1_without_post_cards_is_an_account_without_posts(home, sim, server):
    sim.add(SimWeiboAccount(UID, "XX发布"))  # state ok, but nothing ever posted
    obs, _ = check(home, sim)
    assert obs["posts"].ok and obs["posts"].data["no_posts"] is True
    assert obs["profile"].data["screen_name"] == "XX发布"  # asked separately: no post carried the user


def test_requests_to_the_platform_are_spaced(home, sim):
    import time

    sim.add(SimWeiboAccount(UID, "XX发布", cadence=Cadence(start=at(days=40), every_hours=24)))
    started = time.monotonic()
    obs, _ = check(home, sim, overrides={"weibo": {"delay_seconds": 0.15}})
    elapsed = time.monotonic() - started
    # visitor cookie and 4 pages share one host here: 4 pauses of 0.15 s at least (plus jitter)
    assert obs["posts"].data["pages"] == 4
    assert elapsed >= 4 * 0.15


def test_one_request_at_a_time_per_platform_host(home, sim, server):
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    in_flight, most = [0], [0]
    lock = threading.Lock()
    answer = server.routes["/api/container/getIndex"]

    def slow(request):
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        time.sleep(0.05)
        try:
            return answer(request)
        finally:
            with lock:
                in_flight[0] -= 1

    server.route("/api/container/getIndex", slow)
    uids = [str(9900000010 + n) for n in range(6)]
    for uid in uids:
        sim.add(SimWeiboAccount(uid, uid, posts=[SimPost(at=at(days=1), text="x")]))
    first = context(home, overrides=sim.config_overrides())

    def one(uid):
        ctx = context(home, overrides=sim.config_overrides(), fetcher=first.fetcher)
        return WeiboChecker().check(weibo_spec(uid), ctx)

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(one, uids))
    assert all(by_kind(r)["posts"].ok for r in results)
    assert most[0] == 1
    assert server.count("/visitor/genvisitor2") == 1


def test_post_text_and_links_from_one_parse():
    from mediawatch.checkers.sources.post_html import read_post

    html = ('第一行<br>第二行<BR/>第三行 <span class="url-icon"><img alt="[赞]" src="//h5.sinaimg.cn/x.png"></span>'
            '<!-- 注释 --><script>var hidden = 1</script>&amp; '
            '<a href="http://www.xxq.example.gov.cn/a.html">区政府<b>网站</b></a>'
            '<a href="http://www.xxq.example.gov.cn/a.html">again</a>')
    text, links = read_post(html)
    assert text == "第一行\n第二行\n第三行 [赞]& 区政府网站again"
    assert [(link.url, link.text) for link in links] == [("http://www.xxq.example.gov.cn/a.html", "区政府 网站")]
    assert read_post("纯文本 &lt;无标签&gt;") == ("纯文本 <无标签>", [])
    assert read_post("") == ("", [])
