"""From a source's result to the four observations of a new-media account check.

    posts    latest post (pinned and deleted posts excluded), counts for 7/14/30 days, recent posts
    profile  screen_name, verified, gone, gone_reason, gone_detail
    links    the links inside posts published after ``ctx.since`` (at most the lookback window),
             checked with the shared ``LinkChecker``
    typos    the text of those same posts through the shared ``TypoMatcher``

When the source could not see (blocked, network, malformed), all four are ``ok=False`` with the
source's error kind and reason: the rules then say "unknown", never "fail". An account the
platform reports gone gives ``ok=True`` observations with no posts and ``profile.gone`` true.

A post dated more than ``FUTURE_TOLERANCE`` after "now" (a replayed inspection reading a live
feed) is ignored. Posts that exist but carry no readable date make the check fail as
``malformed``: silence cannot be judged from them.

``data`` of each (beyond checkers/base.py's contract, which these keep):

    posts    source, target, latest_post_at, no_posts, gone, complete (False: the lookback was not read
             whole, counts are lower bounds), count_7d, count_14d, count_30d, pinned [{id, at}],
             deleted (how many), posts_seen, undated, future_ignored, pages, notes (when any),
             posts [{id, at, title, url, pinned, links [url], deleted, deleted_reason?, raw_time?}]
    profile  source, screen_name (None: the source does not say), verified (None: does not say),
             gone, gone_reason (banned|closed|missing|frozen|migrated|removed), gone_detail, name_source
    links    source, since, pages_crawled (= posts_checked), links_checked, broken, throttled, skipped
    typos    source, since, texts_scanned, hits
"""

from __future__ import annotations

import threading
import weakref
from datetime import datetime, timedelta
from typing import Any

from mediawatch import clock
from mediawatch.checkers.base import AccountSpec, CheckContext, Observation
from mediawatch.checkers.safety import post_observation  # issue 15
from mediawatch.checkers.sources.base import Post, SourceResult

FUTURE_TOLERANCE = timedelta(minutes=10)  # clocks differ a little; a post "from the future" beyond this is ignored
MAX_LISTED = 50  # recent posts listed in the posts observation
COUNT_DAYS = (7, 14, 30)

_MATCHERS: "weakref.WeakKeyDictionary[Any, Any]" = weakref.WeakKeyDictionary()
_MATCHERS_LOCK = threading.Lock()


def observations(result: SourceResult, account: AccountSpec, ctx: CheckContext, *,
                 lookback_days: int) -> list[Observation]:
    if not result.ok:
        return failed(result.error_kind or "internal", result.error or "", result.target, source=result.source)
    now = ctx.now
    usable, future = _usable(result.posts, now)
    countable = [p for p in usable if not p.pinned and not p.deleted]
    unpinned = [p for p in result.posts if not p.pinned]
    if unpinned and not any(p.at for p in unpinned):
        return failed("malformed", f"{len(unpinned)} post(s) but none carries a readable date",
                      result.target, source=result.source)
    cutoff = window_start(ctx, lookback_days)
    in_window = [p for p in usable if p.at is not None and p.at > cutoff and not p.deleted]
    return [
        posts_observation(result, usable, countable, future, now, lookback_days),
        profile_observation(result),
        links_observation(result, in_window, ctx, cutoff),
        typos_observation(result, in_window, ctx, cutoff),
        post_observation(in_window, ctx, target=result.target, source=result.source),  # issue 15: privacy
    ]


def failed(error_kind: str, error: str, target: str | None, **data: Any) -> list[Observation]:
    return [Observation.failed(kind, error_kind, error, target, **data)
            for kind in ("posts", "profile", "links", "typos", "privacy")]  # privacy: issue 15


def window_start(ctx: CheckContext, lookback_days: int) -> datetime:
    """Links and text are checked in posts published after this: the last good check, at most the lookback."""
    floor = ctx.now - timedelta(days=lookback_days)
    return max(ctx.since, floor) if ctx.since is not None else floor


def _usable(posts: list[Post], now: datetime) -> tuple[list[Post], int]:
    usable, future = [], 0
    for post in posts:
        if post.at is not None and post.at > now + FUTURE_TOLERANCE:
            future += 1
            continue
        usable.append(post)
    return usable, future


def posts_observation(result: SourceResult, usable: list[Post], countable: list[Post], future: int,
                      now: datetime, lookback_days: int) -> Observation:
    gone = bool(result.profile and result.profile.gone)
    dated = [p for p in countable if p.at is not None]
    latest = max((p.at for p in dated), default=None)
    recent_floor = now - timedelta(days=max(lookback_days, max(COUNT_DAYS)))
    recent = [p for p in usable if p.at is None or p.at > recent_floor or p.pinned]
    recent.sort(key=lambda p: (p.at is not None, p.at or now), reverse=True)
    data: dict[str, Any] = {
        "source": result.source,
        "target": result.target,
        "latest_post_at": clock.iso(latest),
        "no_posts": bool(result.no_posts or gone),
        "gone": gone,
        "complete": result.complete,
        **{f"count_{days}d": sum(1 for p in dated if p.at > now - timedelta(days=days)) for days in COUNT_DAYS},
        "pinned": [{"id": p.id, "at": clock.iso(p.at)} for p in usable if p.pinned],
        "deleted": sum(1 for p in usable if p.deleted),
        "posts_seen": len(result.posts),
        "undated": sum(1 for p in result.posts if p.at is None),
        "future_ignored": future,
        "pages": result.pages,
        "posts": [_post_data(p) for p in recent[:MAX_LISTED]],
    }
    if result.notes:
        data["notes"] = result.notes[:20]
    return Observation(kind="posts", ok=True, target=result.target, data=data)


def _post_data(post: Post) -> dict[str, Any]:
    data = {"id": post.id, "at": clock.iso(post.at), "title": post.title, "url": post.url, "pinned": post.pinned,
            "links": [link.url for link in post.links], "deleted": post.deleted}
    if post.deleted_reason:
        data["deleted_reason"] = post.deleted_reason
    if post.at is None and post.raw_time:
        data["raw_time"] = post.raw_time
    return data


def profile_observation(result: SourceResult) -> Observation:
    profile = result.profile
    if profile is not None and profile.error_kind:
        return Observation.failed("profile", profile.error_kind, profile.error or "", result.target,
                                  source=result.source)
    data = {
        "source": result.source,
        "screen_name": profile.screen_name if profile else None,
        "verified": profile.verified if profile else None,
        "gone": bool(profile and profile.gone),
        "gone_reason": profile.gone_reason if profile else None,
        "gone_detail": profile.detail if profile and profile.gone else None,
        "name_source": profile.name_source if profile else None,
    }
    return Observation(kind="profile", ok=True, target=result.target, data=data)


def links_observation(result: SourceResult, posts: list[Post], ctx: CheckContext, cutoff: datetime) -> Observation:
    from mediawatch.pages.linkextract import Link
    from mediawatch.checkers.links import LinkChecker

    links = [Link(url=link.url, page=post.url or result.target or "", text=link.text, tag=link.tag,
                  post_id=post.id, post_url=post.url)
             for post in posts for link in post.links]
    data: dict[str, Any] = {"source": result.source, "since": clock.iso(cutoff), "pages_crawled": len(posts),
                            "posts_checked": len(posts), "links_checked": 0, "broken": [], "throttled": []}
    if links:
        try:
            report = LinkChecker.for_run(ctx).check(links)
        except Exception as exc:  # noqa: BLE001 - a bug in the link checker never fails the account
            return Observation.failed("links", "internal", f"{exc.__class__.__name__}: {exc}", result.target,
                                      source=result.source)
        data.update(links_checked=report.links_checked, broken=report.broken, throttled=report.throttled,
                    skipped=getattr(report, "skipped", []))
    return Observation(kind="links", ok=True, target=result.target, data=data)


def typos_observation(result: SourceResult, posts: list[Post], ctx: CheckContext, cutoff: datetime) -> Observation:
    texts = [(post, post.text) for post in posts if post.text]
    data: dict[str, Any] = {"source": result.source, "since": clock.iso(cutoff), "texts_scanned": len(texts),
                            "hits": []}
    if texts:
        try:
            matcher = _matcher(ctx.config)
            for post, text in texts:
                data["hits"].extend(matcher.find(text, page=post.url or result.target or "", post_id=post.id))
        except Exception as exc:  # noqa: BLE001 - a bad dictionary is reported, not raised per account
            return Observation.failed("typos", "internal", f"{exc.__class__.__name__}: {exc}", result.target,
                                      source=result.source)
    return Observation(kind="typos", ok=True, target=result.target, data=data)


def _matcher(config: Any):
    """One matcher per configuration (building the automaton for every account would be waste)."""
    from mediawatch.checkers.typos import TypoMatcher

    with _MATCHERS_LOCK:
        try:
            matcher = _MATCHERS.get(config)
        except TypeError:
            return TypoMatcher.from_config(config)
        if matcher is None:
            matcher = _MATCHERS[config] = TypoMatcher.from_config(config)
        return matcher
