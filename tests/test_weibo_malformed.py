"""Weibo answers of the wrong shape are check_failed, never a verdict; an author block without ``verified``
falls back to the profile request. Real HTTP: a local server answers the container API as given."""

from __future__ import annotations

import json

import pytest

from mediawatch import clock
from mediawatch.checkers.weibo import WeiboChecker
from mediawatch.simulation.server import Reply, Request
from tests.newmedia_fixtures import at, by_kind, context, weibo_spec

UID = "9900000001"


def _post(mid: str, days: float, *, user: dict | None = None, **extra) -> dict:
    created = at(days=days).strftime("%a %b %d %H:%M:%S %z %Y")
    mblog = {"id": mid, "mid": mid, "bid": f"B{mid}", "created_at": created, "text": f"第{mid}条",
             "user": user if user is not None else _user(), **extra}
    return {"card_type": 9, "itemid": f"107603{UID}_-_{mid}", "mblog": mblog}


def _user(**changes) -> dict:
    return {"id": int(UID), "screen_name": "XX发布", "verified": True, "verified_type": 1, **changes}


def _timeline(cards: list[dict]) -> dict:
    return {"ok": 1, "data": {"cardlistInfo": {"containerid": f"107603{UID}", "since_id": ""}, "cards": cards}}


def _profile(**changes) -> dict:
    return {"ok": 1, "data": {"userInfo": _user(**changes), "tabsInfo": {"tabs": []}}}


def _serve(server, timeline: dict, profile: dict | None = None):
    def answer(request: Request) -> Reply:
        body = timeline if request.arg("containerid") else (profile or {"ok": 0, "msg": "这里还没有内容"})
        return Reply(body=json.dumps(body, ensure_ascii=False).encode("utf-8"),
                     content_type="application/json; charset=utf-8")
    server.route("/api/container/getIndex", answer)


def _check(home, server):
    weibo = {"api_base": server.base, "cookie": "SUB=test", "delay_seconds": 0.0}
    return by_kind(WeiboChecker().check(weibo_spec(UID), context(home, overrides={"weibo": weibo})))


def _profile_requests(server) -> int:
    return sum(1 for r in server.requests if r.path == "/api/container/getIndex" and not r.arg("containerid"))


# --- "mblog": null -----------------------------------------------------------------------------

def test_post_cards_with_mblog_null_are_malformed_never_no_posts(home, server):
    _serve(server, _timeline([{"card_type": 9, "itemid": "a", "mblog": None},
                              {"card_type": 9, "itemid": "b", "mblog": None}]))
    obs = _check(home, server)
    assert not obs["posts"].ok and obs["posts"].error_kind == "malformed"
    assert "mblog" in obs["posts"].error
    assert obs["posts"].data.get("no_posts") is not True


def test_an_unreadable_card_beside_old_posts_is_malformed(home, server):
    """The unreadable card could be the newest post: only old posts are readable, so no verdict."""
    _serve(server, _timeline([{"card_type": 9, "mblog": None}, _post("2", days=30), _post("3", days=40)]))
    obs = _check(home, server)
    assert not obs["posts"].ok and obs["posts"].error_kind == "malformed"


def test_an_unreadable_card_beside_a_recent_post_is_noted(home, server):
    """A readable post within the silence threshold already decides not_updated: the check stands, incomplete."""
    _serve(server, _timeline([_post("1", days=2), {"card_type": 9, "mblog": None}, _post("3", days=40)]))
    obs = _check(home, server)
    posts = obs["posts"].data
    assert obs["posts"].ok and posts["complete"] is False
    assert posts["latest_post_at"] is not None and any("mblog" in n for n in posts["notes"])


def test_mblog_null_inside_a_card_group(home, server):
    _serve(server, _timeline([{"card_type": 11, "card_group": [{"card_type": 9, "mblog": None}]}]))
    assert _check(home, server)["posts"].error_kind == "malformed"


# --- wrong types ------------------------------------------------------------------------------

@pytest.mark.parametrize("change", [
    {"screen_name": ["XX发布"]},
    {"screen_name": 12345},
    {"screen_name": {"text": "XX发布"}},
    {"verified": "true"},
    {"id": ["9900000001"]},
])
def test_wrong_types_in_the_author_block_are_malformed(home, server, change):
    _serve(server, _timeline([_post("1", days=1, user=_user(**change))]))
    obs = _check(home, server)
    assert not obs["posts"].ok and obs["posts"].error_kind == "malformed"
    assert [o.ok for o in obs.values()] == [False] * 5  # check_failed: no rule sees a name (privacy: issue 15)


@pytest.mark.parametrize("change", [{"screen_name": ["XX发布"]}, {"screen_name": 7}, {"verified": 1}])
def test_wrong_types_in_the_profile_answer_leave_the_profile_unread(home, server, change):
    user = _user()
    del user["verified"]
    _serve(server, _timeline([_post("1", days=1, user=user)]), _profile(**change))
    obs = _check(home, server)
    assert obs["posts"].ok
    # the profile answer was malformed: the name from the posts stands, verified stays unknown
    assert obs["profile"].data["screen_name"] == "XX发布" and obs["profile"].data["verified"] is None


@pytest.mark.parametrize("mblog_change", [{"created_at": 1763690400}, {"id": {"x": 1}}, {"text": ["a"]}])
def test_wrong_types_in_a_post_are_malformed(home, server, mblog_change):
    card = _post("1", days=1)
    card["mblog"].update(mblog_change)
    _serve(server, _timeline([card]))
    assert _check(home, server)["posts"].error_kind == "malformed"


@pytest.mark.parametrize("cards", [["a string"], [5], [{"card_type": 11, "card_group": "x"}]])
def test_cards_that_are_not_objects_are_malformed(home, server, cards):
    _serve(server, _timeline(cards))
    assert _check(home, server)["posts"].error_kind == "malformed"


def test_a_userinfo_with_a_list_screen_name_is_malformed(home, server):
    body = _timeline([_post("1", days=1)])
    body["data"]["userInfo"] = _user(screen_name=["XX", "发布"])
    _serve(server, body)
    assert _check(home, server)["posts"].error_kind == "malformed"


# --- verified: the profile request when the posts leave it out ---------------------------------

def test_author_block_without_verified_falls_back_to_the_profile(home, server):
    user = _user()
    del user["verified"], user["verified_type"]
    _serve(server, _timeline([_post("1", days=1, user=user)]), _profile(verified=False, verified_type=-1))
    obs = _check(home, server)
    profile = obs["profile"].data
    assert (profile["screen_name"], profile["verified"], profile["name_source"]) == ("XX发布", False, "userInfo")
    assert _profile_requests(server) == 1


def test_author_block_with_verified_asks_no_profile(home, server):
    _serve(server, _timeline([_post("1", days=1, user=_user(verified=False))]), _profile())
    obs = _check(home, server)
    assert obs["profile"].data["verified"] is False and obs["profile"].data["name_source"] == "post"
    assert _profile_requests(server) == 0


def test_profile_refused_keeps_the_posts_name_and_leaves_verified_unknown(home, server):
    user = _user()
    del user["verified"]
    timeline = _timeline([_post("1", days=1, user=user)])

    def answer(request: Request) -> Reply:
        if request.arg("containerid"):
            return Reply(body=json.dumps(timeline).encode(), content_type="application/json")
        return Reply(status=418, body=b"", content_type="text/plain")
    server.route("/api/container/getIndex", answer)
    obs = _check(home, server)
    assert obs["posts"].ok and obs["profile"].ok
    assert obs["profile"].data["screen_name"] == "XX发布" and obs["profile"].data["verified"] is None


def test_a_well_shaped_answer_still_reads(home, server):
    """The shape check refuses nothing the platform really sends: pinned, groups, nulls where allowed."""
    pinned = _post("9", days=400, isTop=1)
    group = {"card_type": 11, "card_group": [_post("2", days=3)]}
    deleted_user = _post("3", days=5, user=None)
    deleted_user["mblog"]["user"] = None
    body = _timeline([pinned, _post("1", days=1), group, deleted_user, {"card_type": 58, "name": "无更多内容"}])
    _serve(server, body)
    obs = _check(home, server)
    assert obs["posts"].ok, obs["posts"].error
    assert obs["posts"].data["latest_post_at"] == clock.iso(at(days=1))
    assert [p["id"] for p in obs["posts"].data["pinned"]] == ["9"]
    assert obs["profile"].data["verified"] is True
