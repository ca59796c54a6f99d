"""The WeChat official-account check: posts, profile, links in posts and typos, through the account's source.

Sources (``checkers/sources``): ``feed`` (RSSHub, wewe-rss, we-mp-rss …), ``wechat_json`` (the
backend's appmsgpublish list), ``posts_csv``. When ``wechat.fetch_articles`` is on, the article
pages of recent posts (those after the last good check, at most ``wechat.max_articles_per_account``)
are opened: the page's ``var ct`` is the publish time, its ``nickname`` the account's name, and a
page saying 该内容已被发布者删除 / 此内容因违规无法查看 marks the post deleted. An article page that
refuses us (环境异常, 访问过于频繁) leaves the post as the source gave it and stops further article
requests for this account; it never fails the check. When no post is recent enough to be opened,
the newest article is opened for the account's name alone, so the name judged comes from the same
kind of source at every check (the article page) and does not flap between the feed's title and the page.
"""

from __future__ import annotations

from mediawatch.checkers.base import BLOCKED_ERRORS, CheckContext
from mediawatch.checkers.newmedia import NewMediaChecker
from mediawatch.checkers.sources.base import SourceResult
from mediawatch.checkers.sources.client import PlatformClient
from mediawatch.checkers.sources.observe import window_start
from mediawatch.checkers.sources.post_html import excerpt
from mediawatch.checkers.sources.wechat_article import read_article

class WechatChecker(NewMediaChecker):
    platform = "wechat"

    def enrich(self, result: SourceResult, ctx: CheckContext, client: PlatformClient, lookback_days: int) -> None:
        if result.ok and not (result.profile and result.profile.gone) and ctx.config.wechat.fetch_articles:
            open_articles(result, ctx, client, lookback_days)


def open_articles(result: SourceResult, ctx: CheckContext, client: PlatformClient, lookback_days: int) -> None:
    """Read the article pages of recent (or undated) posts into the posts and the profile."""
    cutoff = window_start(ctx, lookback_days)
    candidates = [p for p in result.posts if p.url and not p.deleted and (p.at is None or p.at > cutoff)]
    candidates.sort(key=lambda p: (p.at is None, p.at), reverse=True)  # undated first, then newest
    limit = max(0, int(ctx.config.wechat.max_articles_per_account))
    nickname = None
    opened = errors = 0
    for post in candidates[:limit]:
        article = read_article(client, post.url)
        opened += 1
        if article.error_kind:
            errors += 1
            result.notes.append(f"article {post.url}: {article.error_kind}: {article.error}")
            if article.error_kind in BLOCKED_ERRORS or article.error_kind == "request_cap":
                result.notes.append("article pages refused us: no more opened in this check")
                break
            continue
        if article.deleted:
            post.deleted, post.deleted_reason = True, article.deleted
            continue
        if article.published_at is not None:
            post.at = article.published_at
        if article.title and not post.title:
            post.title = excerpt(article.title)
        if article.text:
            post.text = "\n".join(t for t in (post.text, article.text) if t)
        known = {link.url for link in post.links}
        post.links.extend(link for link in article.links if link.url not in known)
        nickname = nickname or article.nickname
    if nickname is None and opened == 0 and limit > 0:
        # no recent article to open: the newest one still says the account's name, so the name
        # judged comes from the article page at every check, not from the feed at some and the page at others
        older = sorted((p for p in result.posts if p.url and not p.deleted and p.at is not None),
                       key=lambda p: p.at, reverse=True)
        if older:
            article = read_article(client, older[0].url)
            opened += 1
            if article.error_kind:
                errors += 1
                result.notes.append(f"article {older[0].url}: {article.error_kind}: {article.error}")
            elif article.deleted:
                older[0].deleted, older[0].deleted_reason = True, article.deleted
            else:
                nickname = article.nickname
    if nickname and result.profile is not None and not result.profile.error_kind:
        result.profile.screen_name, result.profile.name_source = nickname, "article"
    if opened:
        result.notes.append(f"{opened} article page(s) opened, {errors} could not be read")
