"""Where a Weibo or WeChat account's posts come from: one source per module, registered by name.

    weibo_api    the m.weibo.cn container API (weibo_api.py, with the visitor cookie in weibo_visitor.py)
    feed         an RSS 2.0 / Atom feed from a bridge (feed.py)
    wechat_json  the official-account backend's appmsgpublish list, URL or exported file (wechat_json.py)
    posts_csv    a CSV of posts from the owner or the provincial platform (posts_csv.py)

``auto`` picks: weibo → ``weibo_api`` with a uid (platform_id), else ``feed``; wechat → ``feed`` with
a feed_url, else by the source_url's suffix (``.json`` → wechat_json, ``.csv`` → posts_csv). A
weibo account with only a ``.csv`` source_url reads posts_csv.
"""

from __future__ import annotations

from typing import Callable

from mediawatch.checkers.base import AccountSpec
from mediawatch.checkers.sources.base import Post, PostLink, Profile, Source, SourceResult
from mediawatch.checkers.sources.location import suffix

_FACTORIES: dict[str, Callable[[], Source]] = {}
_FEED_PLATFORMS = ("toutiao", "douyin", "kuaishou", "channels", "xiaohongshu", "bilibili", "other")  # issue 16


def register(name: str, factory: Callable[[], Source]) -> None:
    if name in _FACTORIES:
        raise ValueError(f"a source named {name!r} is already registered")
    if name == "auto":
        raise ValueError("'auto' is not a source name; it picks one")
    _FACTORIES[name] = factory


def names() -> list[str]:
    return sorted(_FACTORIES)


def get(name: str) -> Source:
    try:
        return _FACTORIES[name]()
    except KeyError:
        raise LookupError(f"no source named {name!r} (known: {', '.join(names())})") from None


def choose(account: AccountSpec) -> str:
    """The source name for ``account`` (``auto`` resolved). Raises LookupError when none fits."""
    name = (account.source or "auto").strip().lower()
    if name != "auto":
        if name not in _FACTORIES:
            raise LookupError(f"unknown source {name!r} (known: {', '.join(names())})")
        return name
    by_suffix = {".json": "wechat_json", ".csv": "posts_csv"}
    if account.platform == "weibo":
        if account.platform_id:
            return "weibo_api"
        if account.feed_url:
            return "feed"
        if account.source_url and suffix(account.source_url) == ".csv":
            return "posts_csv"
        raise LookupError("a weibo account needs a uid (platform_id), a feed_url or a .csv source_url")
    if account.platform == "wechat":
        if account.feed_url:
            return "feed"
        if account.source_url and suffix(account.source_url) in by_suffix:
            return by_suffix[suffix(account.source_url)]
        raise LookupError("a wechat account needs a feed_url, or a source_url ending in .json or .csv")
    if account.platform in _FEED_PLATFORMS:  # issue 16: toutiao, douyin, ... through a feed or a posts CSV
        if account.feed_url:
            return "feed"
        if account.source_url and suffix(account.source_url) == ".csv":
            return "posts_csv"
        raise LookupError(f"a {account.platform} account needs a feed_url or a .csv source_url")
    raise LookupError(f"no new-media source for platform {account.platform!r}")


def _register_builtin() -> None:
    from mediawatch.checkers.sources.feed import FeedSource
    from mediawatch.checkers.sources.posts_csv import PostsCsvSource
    from mediawatch.checkers.sources.wechat_json import WechatJsonSource
    from mediawatch.checkers.sources.weibo_api import WeiboApiSource

    for factory in (WeiboApiSource, FeedSource, WechatJsonSource, PostsCsvSource):
        register(factory.name, factory)


_register_builtin()

__all__ = ["Post", "PostLink", "Profile", "Source", "SourceResult", "register", "names", "get", "choose"]
