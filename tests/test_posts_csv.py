"""The posts_csv source: an owner's or the provincial platform's CSV, UTF-8 or GBK, from a file or a URL."""

import shutil
from pathlib import Path

import pytest

from mediawatch import clock
from mediawatch.checkers.wechat import WechatChecker
from mediawatch.checkers.weibo import WeiboChecker
from mediawatch.simulation.server import Reply
from mediawatch.simulation.wechat import SimArticle, SimWechatAccount, WechatSimulation
from tests.newmedia_fixtures import NOW, at, by_kind, context, wechat_spec, weibo_spec

DATA = Path(__file__).parent / "data" / "wechat"
NO_ARTICLES = {"wechat": {"fetch_articles": False}}


def _check(home, location, account_id="xxfb", platform="wechat"):
    if platform == "wechat":
        spec = wechat_spec(account_id=account_id, source="posts_csv", source_url=location)
        return by_kind(WechatChecker().check(spec, context(home, overrides=NO_ARTICLES)))
    spec = weibo_spec(None, account_id=account_id, source="posts_csv", source_url=location)
    return by_kind(WeiboChecker().check(spec, context(home)))


@pytest.mark.parametrize("name", ["posts.csv", "posts_gbk.csv"])
def test_rows_of_this_account_in_utf8_and_gbk(home, name):
    shutil.copy(DATA / name, home / name)
    obs = _check(home, name)
    posts = obs["posts"].data
    assert obs["posts"].ok and posts["source"] == "posts_csv"
    assert posts["latest_post_at"] == "2026-11-20T09:30:00+08:00"
    # 11-20, 11-19 (Z → +08:00), 11-12 (date only), 10-01; the other account's row is not ours
    assert (posts["count_7d"], posts["count_14d"], posts["count_30d"]) == (2, 3, 3)
    assert posts["posts_seen"] == 4
    assert posts["posts"][1]["at"] == "2026-11-19T18:00:00+08:00"
    assert {p["title"] for p in posts["posts"]} >= {"区长调研重点项目", "秋季防火通知"}


def test_an_absolute_path_and_a_file_url(home):
    assert _check(home, str(DATA / "posts.csv"))["posts"].data["count_30d"] == 3
    assert _check(home, (DATA / "posts.csv").as_uri())["posts"].data["count_30d"] == 3


def test_from_a_url_with_the_simulated_export(home, server):
    sim = WechatSimulation(server)
    sim.set_now(NOW)
    sim.add(SimWechatAccount("dsj", "XX数据", articles=[SimArticle(at=at(days=4), title="数据开放")]))
    sim.add(SimWechatAccount("other", "别的", articles=[SimArticle(at=at(hours=1), title="别的")]))
    for encoding in ("utf-8", "gbk"):
        obs = _check(home, sim.csv_url(encoding), account_id="dsj")
        assert obs["posts"].data["latest_post_at"] == clock.iso(at(days=4))


def test_an_account_without_rows_has_no_posts(home):
    obs = _check(home, str(DATA / "posts.csv"), account_id="nobody")
    assert obs["posts"].ok and obs["posts"].data["no_posts"] is True


def test_weibo_account_read_from_csv(home):
    obs = _check(home, str(DATA / "posts.csv"), platform="weibo")
    assert obs["posts"].data["latest_post_at"] == "2026-11-20T09:30:00+08:00"


@pytest.mark.parametrize("text,words", [
    ("account_id,title,url\nxxfb,a,b\n", "published_at"),
    ("account_id,published_at,title,url\nxxfb,上周,a,b\nxxfb,,c,d\n", "unreadable published_at"),
    ("", "missing column"),
])
def test_files_that_cannot_be_read(home, text, words):
    (home / "bad.csv").write_text(text, encoding="utf-8")
    obs = _check(home, "bad.csv")
    assert not obs["posts"].ok and obs["posts"].error_kind == "malformed"
    assert words in obs["posts"].error


def test_unreadable_rows_are_skipped_and_noted(home):
    (home / "mixed.csv").write_text("account_id,published_at,title,url\nxxfb,2026-11-20,a,u1\nxxfb,???,b,u2\n",
                                    encoding="utf-8")
    posts = _check(home, "mixed.csv")["posts"].data
    assert posts["posts_seen"] == 1 and any("???" in note for note in posts["notes"])


def test_not_text_at_all(home):
    (home / "bin.csv").write_bytes(b"\xff\xfe\x00\x81\x00\xff" * 10)
    assert _check(home, "bin.csv")["posts"].error_kind == "malformed"


def test_http_errors_from_the_export_url(home, server):
    server.route("/export.csv", Reply(status=503, body="busy"))
    assert _check(home, server.url("/export.csv"))["posts"].error_kind == "http"
    server.route("/export.csv", Reply(status=418))
    assert _check(home, server.url("/export.csv"))["posts"].error_kind == "blocked"


def test_a_shared_export_is_fetched_once_per_run(home, server):
    sim = WechatSimulation(server)
    sim.set_now(NOW)
    for key in ("a", "b", "c"):
        sim.add(SimWechatAccount(key, key, articles=[SimArticle(at=at(days=1), title=key)]))
    ctx = context(home, overrides=NO_ARTICLES)
    for key in ("a", "b", "c"):
        spec = wechat_spec(account_id=key, source="posts_csv", source_url=sim.csv_url())
        run_ctx = context(home, overrides=NO_ARTICLES, fetcher=ctx.fetcher)  # the runner: one context per account
        assert by_kind(WechatChecker().check(spec, run_ctx))["posts"].data["count_7d"] == 1
    assert server.count("/exports/posts.csv") == 1
    context_of_next_run = context(home, overrides=NO_ARTICLES)
    by_kind(WechatChecker().check(wechat_spec(account_id="a", source="posts_csv", source_url=sim.csv_url()),
                                  context_of_next_run))
    assert server.count("/exports/posts.csv") == 2


def test_an_export_larger_than_the_limit_is_never_read_half(home, server):
    sim = WechatSimulation(server)
    sim.set_now(NOW)
    for n in range(40):
        sim.add(SimWechatAccount(f"k{n}", f"k{n}", articles=[SimArticle(at=at(days=1), title="标题" * 20)]))
    ctx = context(home, overrides={"http": {"max_response_bytes": 2000}, **NO_ARTICLES})
    spec = wechat_spec(account_id="k39", source="posts_csv", source_url=sim.csv_url())
    obs = by_kind(WechatChecker().check(spec, ctx))
    # the last account's rows would have been cut off: unknown, not "no posts"
    assert not obs["posts"].ok and obs["posts"].error_kind == "too_large"
    assert "max_response_bytes" in obs["posts"].error
    spec = wechat_spec(account_id="k39", source="posts_csv", source_url=sim.csv_url(keys=["k39"]))
    assert by_kind(WechatChecker().check(spec, ctx))["posts"].data["count_7d"] == 1
