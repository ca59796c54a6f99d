"""A WeChat article page (``mp.weixin.qq.com/s/…``): publish time, title, account name, or why not.

What the page carries, in its inline script and markup:

    var nickname = htmlDecode("XX发布");       the account's name (also <a id="js_name">, .profile_nickname)
    var msg_title = '标题'.html(false);         the title (also og:title, <h1 id="activity-name">)
    var ct = "1763690400";                      the publish time, Unix seconds

Video and picture posts (item_show_type 5 and 8) carry the same facts as ``d.ct = "…"``,
``d.nick_name = "…"``, ``d.title = "…"`` (some also ``window.ct = '…' || ''``), read as well.

A deleted or blocked article is an HTTP 200 page saying 该内容已被发布者删除 / 此内容因违规无法查看;
环境异常 (a verification page) or 访问过于频繁 mean *we* were refused: the article is then unknown.
"""

from __future__ import annotations

import html as html_mod
import re
from dataclasses import dataclass, field
from datetime import datetime

from mediawatch.checkers.base import BLOCKED_ERRORS
from mediawatch.checkers.sources.base import PostLink
from mediawatch.checkers.sources.client import PlatformClient
from mediawatch.checkers.sources.post_html import read_element
from mediawatch.checkers.sources.signals import STATUS_KINDS, article_gone, blocked_kind
from mediawatch.pages.html import parse_html
from mediawatch.pages.page import text_of
from mediawatch.clock import SHANGHAI

_CT = re.compile(r"""(?:\bvar\s+|\b(?:d|window)\.)ct\s*=\s*["']?(\d{9,11})["']?""")
_NICKNAME = re.compile(
    r"""(?:\bvar\s+nickname|\bd\.nick_name)\s*=\s*(?:htmlDecode\()?\s*(["'])((?:\\.|(?!\1).)*)\1""")
_TITLE = re.compile(
    r"""(?:\bvar\s+msg_title|\bwindow\.msg_title|\bd\.title)\s*=\s*(?:htmlDecode\()?\s*(["'])((?:\\.|(?!\1).)*)\1""")


@dataclass
class Article:
    url: str
    status: int | None = None
    published_at: datetime | None = None
    title: str | None = None
    nickname: str | None = None
    deleted: str | None = None  # "deleted" | "violation" | "infringement"
    text: str = ""
    links: list[PostLink] = field(default_factory=list)
    error_kind: str | None = None  # we could not see the article
    error: str | None = None


def read_article(client: PlatformClient, url: str, user_agent: str | None = None) -> Article:
    headers = {"Accept": "text/html,application/xhtml+xml"}
    if user_agent:
        headers["User-Agent"] = user_agent
    result = client.fetch(url, headers=headers)
    article = Article(url=url, status=result.status)
    if result.error_kind:
        article.error_kind, article.error = result.error_kind, result.error
        return article
    page = text_of(result)
    if (result.status or 0) >= 400:
        found = blocked_kind(page)
        article.error_kind = STATUS_KINDS.get(result.status or 0) or (found[0] if found else "http")
        article.error = f"HTTP {result.status}" + (f": {found[1]}" if found else "")
        return _noted(client, article)
    parse_article(page, article)
    if article.published_at is None:  # not an article page: deleted, blocked, or a verification page
        article.deleted = article_gone(page)
        if article.deleted:
            article.title = None
            client.note_ok(url)
            return article
        found = blocked_kind(page)
        if found or article.title is None:
            article.error_kind = found[0] if found else "malformed"
            article.error = (f"a page saying {found[1]!r} instead of the article" if found
                             else "no publish time or title on the page")
            return _noted(client, article)
    client.note_ok(url)
    return article


def parse_article(page: str, article: Article) -> Article:
    match = _CT.search(page)
    if match:
        article.published_at = datetime.fromtimestamp(int(match.group(1)), SHANGHAI)
    nickname = _js_string(_NICKNAME.search(page))
    title = _js_string(_TITLE.search(page))
    root = parse_html(page)
    if not nickname:
        node = _first(root, '//*[@id="js_name"]')
        if node is None:
            node = _first(root, '//*[contains(concat(" ", normalize-space(@class), " "), " profile_nickname ")]')
        nickname = _node_text(node) if node is not None else None
    if not title:
        meta = _first(root, '//meta[@property="og:title"]')
        node = _first(root, '//*[@id="activity-name"]')
        title = (meta.get("content") if meta is not None else None) or (
            _node_text(node) if node is not None else None)
    article.nickname = nickname or None
    article.title = title or None
    content = _first(root, '//*[@id="js_content"]')
    if content is not None:
        article.text, article.links = read_element(content)
    return article


def _first(root, path: str):
    found = root.xpath(path)
    return found[0] if found else None


def _node_text(node) -> str:
    """The element's text pieces, each stripped, joined by spaces."""
    return " ".join(piece.strip() for piece in node.itertext() if piece.strip())


def _js_string(match: re.Match[str] | None) -> str | None:
    if not match:
        return None
    raw = match.group(2)
    raw = re.sub(r"\\x([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), raw)
    raw = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), raw)
    raw = re.sub(r"\\(.)", r"\1", raw)
    value = " ".join(html_mod.unescape(raw).split())
    return value or None


def _noted(client: PlatformClient, article: Article) -> Article:
    if article.error_kind in BLOCKED_ERRORS:
        client.note_blocked(article.url, article.error_kind, article.error or "")
    return article
