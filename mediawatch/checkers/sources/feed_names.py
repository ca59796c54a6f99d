"""What a feed's title says about the account's name: the name itself, the name in a bridge's wrapping, or nothing.

Bridges decorate the titles of the feeds they make, and a decorated title read as the account's
name is a false ``name_mismatch`` against every account read through that bridge. A title is read
as the account's own name only when it is bare (no bridge wording, no separator) or when a known
bridge's wrapping can be taken off it; any other title (a bridge's own name, an unknown wrapping)
states no name, and ``name_mismatch`` is then *unknown*, never a fail.

Known wrappings (each seen in the bridge's output or code):

    上海发布 | wechat-feeds        hellodword/wechat-feeds (the feeds branch, 2021)
    中国消防的微博                 RSSHub weibo/user (``<name>的微博``, description ``… - Powered by RSSHub``)
    XX发布 - 微信公众号            RSSHub's and others' WeChat routes (also ``微信公众号 - XX发布``)
    XX发布 | WeWe-RSS, … we-mp-rss  self-hosted WeChat bridges when set to name themselves in titles

A bare title from wewe-rss (its ``mpName``) or we-mp-rss (its ``mp_name``) is the name; their
aggregate feeds (``WeWe-RSS``, ``Mp-We-Rss``) are not an account and state no name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BRIDGE_WORDS = r"(?:wechat-feeds|WeWe-RSS|wewe-rss|we-mp-rss|Mp-We-Rss|RSSHub|wechat2rss|Wechat2RSS|feeddd)"
_SEP = r"\s*(?:\||｜|-|–|—|·|:|：)\s*"

# (pattern with a ``name`` group, the bridge it belongs to)
WRAPPINGS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), bridge) for p, bridge in (
    (r"^(?P<name>.+?)\s*(?:\||｜)\s*wechat-feeds$", "wechat-feeds"),
    (r"^(?P<name>.+?)的微博$", "RSSHub weibo"),
    (rf"^(?P<name>.+?){_SEP}(?:微信公众号|公众号)$", "WeChat route"),
    (rf"^(?:微信公众号|公众号){_SEP}(?P<name>.+)$", "WeChat route"),
    (rf"^(?P<name>.+?){_SEP}{BRIDGE_WORDS}$", "bridge"),
    (rf"^{BRIDGE_WORDS}{_SEP}(?P<name>.+)$", "bridge"),
))
# a title that is a bridge's own (an aggregate feed, a default) names no account
NOT_A_NAME = re.compile(rf"^(?:{BRIDGE_WORDS}|RSS频道|微信公众号|公众号|全部|All|all)$")
# wording or separators that mean the title is more than a name (an unknown wrapping)
DECORATION = re.compile(r"\s(?:\||｜|-|–|—)\s|[|｜]|rss|RSS|feed|Feed|Powered by|微信公众号|的微博|公众号文章")


@dataclass(frozen=True)
class FeedName:
    title: str
    name: str | None  # the account's name as the feed states it, or None: the feed does not state it
    how: str  # "bare" | the bridge whose wrapping was taken off | "not stated"

    @property
    def stated(self) -> bool:
        return self.name is not None


def read_name(title: str) -> FeedName:
    """The account's name stated by a feed title (see the module docstring)."""
    text = " ".join((title or "").split())
    if not text or NOT_A_NAME.match(text):
        return FeedName(text, None, "not stated")
    for pattern, bridge in WRAPPINGS:
        match = pattern.match(text)
        if match:
            name = match.group("name").strip()
            if name and not NOT_A_NAME.match(name) and not DECORATION.search(name):
                return FeedName(text, name, bridge)
            return FeedName(text, None, "not stated")
    if DECORATION.search(text):
        return FeedName(text, None, "not stated")
    return FeedName(text, text, "bare")
