"""Toutiao, Douyin, Kuaishou, Channels (视频号), Xiaohongshu, Bilibili and ``other``: accounts read through
an RSS/Atom feed (an RSSHub route or another bridge) or a posts CSV, like Weibo and WeChat feeds.

Politeness and lookback are the ``[feeds]`` section's. A feed's title states the account's name, but
bridges decorate it (RSSHub: ``<name>的抖音``, ``<name> 的 bilibili 空间``): the decorations in
``feeds.name_decorations`` are removed first, and a title that still contains the registered name
whole (a decoration we do not know) is taken as that name. Only a title without the registered name
is reported as the platform's name, so ``name_mismatch`` never fires on a decoration. A title that
names an id instead (``feeds.nameless_suffixes``: RSSHub's ``<principalId>的作品 - 快手``) and a posts
CSV state no name: ``name_mismatch`` is unknown there.
"""

from __future__ import annotations

from typing import Callable

from mediawatch.checkers.newmedia import NewMediaChecker
from mediawatch.checkers.sources.base import SourceResult
from mediawatch.checkers.sources.client import PlatformClient
from mediawatch.checkers.base import CheckContext
from mediawatch.config import FEED_PLATFORMS
from mediawatch.rules.integrity import normalise_name


class FeedPlatformChecker(NewMediaChecker):
    section = "feeds"

    def __init__(self, platform: str):
        self.platform = platform

    def enrich(self, result: SourceResult, ctx: CheckContext, client: PlatformClient, lookback_days: int) -> None:
        profile = result.profile
        if profile is None or not profile.screen_name:
            return
        feeds = ctx.config.feeds
        if any(profile.screen_name.strip().endswith(s) for s in feeds.nameless_suffixes.get(self.platform, []) if s):
            profile.screen_name, profile.name_source = None, None  # the title states an id: no name to compare
            return
        decorations = feeds.name_decorations.get(self.platform, [])
        profile.screen_name = undecorate(profile.screen_name, decorations, self._registered)

    def check(self, account, ctx):
        self._registered = account.name
        return super().check(account, ctx)


def undecorate(title: str, decorations: list[str], registered: str) -> str:
    """The account's name in a feed title: known decorations removed; the registered name when contained."""
    name = " ".join(title.split())
    for decoration in decorations:
        if decoration and name.endswith(decoration) and len(name) > len(decoration):
            name = name[: -len(decoration)].strip()
            break
    wanted = normalise_name(registered)
    if wanted and normalise_name(name) != wanted and wanted in normalise_name(name):
        return registered
    return name


FEED_CHECKERS: dict[str, Callable[[], FeedPlatformChecker]] = {
    platform: (lambda platform=platform: FeedPlatformChecker(platform)) for platform in FEED_PLATFORMS
}
