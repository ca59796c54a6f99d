"""Blocked is not inactive; gone is not blocked. Driven by tests/data/weibo/blocked.csv and gone.csv."""

import csv
from pathlib import Path

import pytest

from mediawatch.checkers.base import BLOCKED_ERRORS
from mediawatch.checkers.weibo import WeiboChecker
from mediawatch.simulation.server import Reply
from mediawatch.simulation.weibo import Cadence, SimPost, SimWeiboAccount, WeiboSimulation
from tests.newmedia_fixtures import NOW, at, by_kind, context, weibo_spec

DATA = Path(__file__).parent / "data" / "weibo"
UID = "9900000001"


def _rows(name):
    with (DATA / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


BLOCKED = _rows("blocked.csv")
GONE = _rows("gone.csv")


@pytest.fixture
def sim(server):
    simulation = WeiboSimulation(server)
    simulation.set_now(NOW)
    server.route("/broken", Reply(status=404))
    return simulation


def _account(**kwargs):
    return SimWeiboAccount(UID, "XX发布", posts=[SimPost(at=at(days=1), text="中华人民共合国", links=["http://127.0.0.1:9/x"])],
                           **kwargs)


def _check(home, sim, ctx=None, spec=None):
    ctx = ctx or context(home, overrides=sim.config_overrides())
    return by_kind(WeiboChecker().check(spec or weibo_spec(UID), ctx))


@pytest.mark.parametrize("case", BLOCKED, ids=[c["fault"] for c in BLOCKED])
def test_every_refusal_is_check_failed_never_inactive(home, sim, case):
    sim.add(_account(fault=case["fault"]))
    obs = _check(home, sim)
    for kind in ("posts", "profile", "links", "typos"):
        assert obs[kind].ok is False, kind
        assert obs[kind].error_kind == case["error_kind"]
    assert case["reason"] in obs["posts"].error
    assert "latest_post_at" not in obs["posts"].data and "no_posts" not in obs["posts"].data
    if case["error_kind"] != "malformed":
        assert case["error_kind"] in BLOCKED_ERRORS


@pytest.mark.parametrize("case", BLOCKED, ids=[c["fault"] for c in BLOCKED])
def test_a_refusal_for_everyone_in_the_run(home, sim, case):
    sim.fault = case["fault"]
    sim.add(_account())
    assert _check(home, sim)["posts"].error_kind == case["error_kind"]


def test_the_visitor_service_refusing_us_is_blocked(home, sim, server):
    sim.add(_account())
    sim.visitor_fault = "418"
    obs = _check(home, sim)
    assert not obs["posts"].ok and obs["posts"].error_kind == "blocked"
    assert "visitor cookie" in obs["posts"].error
    assert server.count("/api/container/getIndex") == 0


def test_a_later_page_refused_keeps_what_was_seen(home, sim):
    sim.add(SimWeiboAccount(UID, "XX发布", fault="later_pages_418", cadence=Cadence(start=at(days=60), every_hours=12)))
    obs = _check(home, sim)
    posts = obs["posts"].data
    assert obs["posts"].ok and posts["complete"] is False
    assert posts["latest_post_at"] is not None and posts["count_7d"] == 10  # a lower bound: page 1 only
    assert any("418" in note for note in posts["notes"])


def test_after_repeated_blocks_the_run_stops_asking(home, sim, server):
    sim.fault = "418"
    ctx = context(home, overrides=sim.config_overrides())
    for n in range(1, 6):
        sim.add(SimWeiboAccount(str(9900000000 + n), f"账号{n}", posts=[SimPost(at=at(days=1), text="x")]))
    outcomes = [_check(home, sim, ctx=context(home, overrides=sim.config_overrides(), fetcher=ctx.fetcher),
                       spec=weibo_spec(str(9900000000 + n)))["posts"] for n in range(1, 6)]
    assert [o.error_kind for o in outcomes] == ["blocked"] * 5
    assert server.count("/api/container/getIndex") == 3  # weibo.stop_after_blocks
    assert "not asked" in outcomes[-1].error


def test_the_request_cap_of_a_run(home, sim, server):
    for n in range(1, 4):
        sim.add(SimWeiboAccount(str(9900000000 + n), f"账号{n}", posts=[SimPost(at=at(days=1), text="x")]))
    ctx = context(home, overrides={"weibo": dict(sim.config_overrides()["weibo"], max_requests_per_run=3)})
    outcomes = [_check(home, sim, ctx=context(home, overrides={"weibo": dict(sim.config_overrides()["weibo"],
                                                                        max_requests_per_run=3)}, fetcher=ctx.fetcher),
                       spec=weibo_spec(str(9900000000 + n)))["posts"] for n in range(1, 4)]
    # visitor cookie + account 1 + account 2 = 3 requests; account 3 is not asked about
    assert [o.ok for o in outcomes] == [True, True, False]
    assert outcomes[2].error_kind == "request_cap"
    assert len(server.requests) == 3


@pytest.mark.parametrize("case", GONE, ids=[c["state"] for c in GONE])
def test_gone_is_the_platform_speaking_about_the_account(home, sim, case):
    sim.add(SimWeiboAccount(UID, "XX发布", state=case["state"]))
    obs = _check(home, sim)
    profile = obs["profile"].data
    assert obs["profile"].ok and obs["posts"].ok
    assert profile["gone"] is True and profile["gone_reason"] == case["gone_reason"]
    assert case["detail"] in profile["gone_detail"]
    posts = obs["posts"].data
    assert posts["gone"] is True and posts["latest_post_at"] is None and posts["posts"] == []
    assert obs["links"].ok and obs["links"].data["links_checked"] == 0


@pytest.mark.parametrize("case", GONE, ids=[c["state"] for c in GONE])
def test_gone_through_a_feed_bridge(home, sim, case):
    sim.add(SimWeiboAccount(UID, "XX发布", state=case["state"]))
    obs = _check(home, sim, spec=weibo_spec(None, feed_url=sim.feed_url(UID), source="feed"))
    assert obs["profile"].data["gone"] is True and obs["profile"].data["gone_reason"] == case["gone_reason"]
    assert obs["posts"].ok


def test_a_mistyped_uid_is_not_called_gone(home, sim):
    sim.add(SimWeiboAccount(UID, "XX发布", state="unknown_uid"))
    obs = _check(home, sim)
    assert obs["posts"].ok and obs["posts"].data["no_posts"] is True
    # 这里还没有内容 on the profile too: a wrong uid or a login-only account, we cannot tell
    assert not obs["profile"].ok and obs["profile"].error_kind == "no_profile"


def test_blocked_then_gone_then_back(home, sim):
    """The same account over three runs: refused (unknown), banned (gone), restored (fine)."""
    account = sim.add(_account(fault="418"))
    assert _check(home, sim)["posts"].error_kind == "blocked"
    account.fault, account.state = None, "banned"
    assert _check(home, sim)["profile"].data["gone"] is True
    account.state = "ok"
    obs = _check(home, sim)
    assert obs["profile"].data["gone"] is False and obs["posts"].data["count_7d"] == 1


def test_network_failure_is_not_blocked(home, sim):
    ctx = context(home, overrides={"weibo": {"api_base": "http://127.0.0.1:9", "visitor_base": "http://127.0.0.1:9"}})
    obs = by_kind(WeiboChecker().check(weibo_spec(UID), ctx))
    assert not obs["posts"].ok and obs["posts"].error_kind == "refused"
    assert obs["posts"].network_failure
