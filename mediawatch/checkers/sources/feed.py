"""``feed``: an RSS 2.0 or Atom feed of one account (RSSHub, wewe-rss, we-mp-rss and similar bridges).

Dates in RFC 822 (``Sat, 21 Nov 2026 10:00:00 +0800``) or ISO 8601; a date without a timezone is
read as +08:00 (the bridges run in China and often drop it).

The channel's (feed's) title names the account only when it is the bare name or a known bridge's
wrapping of it (``X | wechat-feeds``, RSSHub's ``X的微博``, ``X - 微信公众号``: see ``feed_names``);
any other title states no name, so ``name_mismatch`` is unknown rather than a false fail.

A bridge that cannot reach the platform answers with an error page: one that relays a refusal
(418/432, 访问过于频繁, 环境异常) is ``blocked``; one that says the account is banned, closed or
gone is ``gone``; anything else that is not a feed is ``malformed`` (or ``http`` for a bare status).
A valid feed without items is an account with no posts.
"""

from __future__ import annotations

import re
from datetime import datetime
from email.utils import parsedate_to_datetime

from lxml import etree

from mediawatch.checkers.base import BLOCKED_ERRORS, AccountSpec, CheckContext
from mediawatch.checkers.sources.base import Post, Profile, SourceResult
from mediawatch.checkers.sources.client import PlatformClient
from mediawatch.checkers.sources.feed_names import read_name
from mediawatch.checkers.sources.post_html import excerpt, plain_text, read_post
from mediawatch.checkers.sources.signals import STATUS_KINDS, blocked_kind, gone_reason
from mediawatch.clock import SHANGHAI

ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
_HAS_TIME = re.compile(r"\d{1,2}:\d{2}")
_CHINESE_DATE = re.compile(r"^(\d{4})\s*[年/.-]\s*(\d{1,2})\s*[月/.-]\s*(\d{1,2})\s*日?"
                           r"(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


class FeedSource:
    name = "feed"

    def fetch(self, account: AccountSpec, ctx: CheckContext, client: PlatformClient) -> SourceResult:
        url = account.feed_url or account.source_url or ""
        if not url:
            return SourceResult.failed(self.name, "invalid_url", "no feed_url for this account")
        result = client.fetch(url, headers={"Accept": ACCEPT})
        if result.error_kind:
            return SourceResult.failed(self.name, result.error_kind, result.error or result.error_kind, url)
        text = result.content.decode("utf-8", "replace")
        if result.status is not None and result.status >= 400:
            return self._error_page(client, url, result.status, text)
        try:
            root = etree.fromstring(result.content, parser=_parser())
        except etree.XMLSyntaxError as exc:
            if root_is_html(text):
                return self._error_page(client, url, result.status or 200, text)
            return SourceResult.failed(self.name, "malformed", f"not well-formed XML: {exc}", url)
        if root is None:
            return SourceResult.failed(self.name, "malformed", "empty document", url)
        parsed = parse_feed(root, ctx.now)
        if parsed is None:
            return self._error_page(client, url, result.status or 200, text, not_feed=True)
        title, description, posts = parsed
        client.note_ok(url)
        said = gone_reason(f"{title} {description}")
        if said:
            return SourceResult.gone(self.name, said[0], said[1], url)
        named = read_name(title)
        notes = [] if named.how == "bare" else [
            f"feed title {named.title!r}: " + (f"the account's name {named.name!r} inside the {named.how} wrapping"
                                               if named.stated else "states no account name (name not judged)")]
        return SourceResult(source=self.name, target=url, posts=posts, no_posts=not posts, notes=notes,
                            profile=Profile(screen_name=named.name, name_source="feed" if named.stated else None))

    def _error_page(self, client: PlatformClient, url: str, status: int, text: str,
                    not_feed: bool = False) -> SourceResult:
        said = gone_reason(text)
        if said:
            client.note_ok(url)
            return SourceResult.gone(self.name, said[0], f"the feed reports: {said[1]}", url)
        found = blocked_kind(text)
        kind = STATUS_KINDS.get(status) or (found[0] if found else None)
        if kind:
            if kind in BLOCKED_ERRORS:
                client.note_blocked(url, kind, f"HTTP {status}")
            detail = f": {found[1]}" if found else ""
            return SourceResult.failed(self.name, kind, f"HTTP {status} from the feed{detail}", url)
        if not_feed or status < 400:
            return SourceResult.failed(self.name, "malformed", f"HTTP {status} but neither RSS nor Atom: "
                                                               f"{' '.join(text[:80].split())!r}", url)
        return SourceResult.failed(self.name, "http", f"HTTP {status} from the feed", url)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)


def root_is_html(text: str) -> bool:
    head = text[:500].lstrip().lower()
    return head.startswith("<!doctype html") or head.startswith("<html")


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _child(node: etree._Element, *names: str) -> etree._Element | None:
    for child in node:
        if _local(child.tag) in names:
            return child
    return None


def _text(node: etree._Element | None) -> str:
    if node is None:
        return ""
    return "".join(node.itertext()).strip()


def _markup(node: etree._Element | None) -> str:
    """Escaped HTML (RSS, Atom type="html") as text; Atom type="xhtml" content serialised."""
    if node is None:
        return ""
    if len(node):
        inner = (node.text or "") + "".join(etree.tostring(child, encoding="unicode") for child in node)
        return inner.strip()
    return (node.text or "").strip()


def parse_feed(root: etree._Element, now: datetime) -> tuple[str, str, list[Post]] | None:
    """``(title, description, posts)`` of an RSS 2.0 / RSS 1.0 / Atom document, or None if it is none."""
    kind = _local(root.tag)
    if kind == "rss":
        channel = _child(root, "channel")
        if channel is None:
            return None
        items = [c for c in channel if _local(c.tag) == "item"]
        meta = channel
    elif kind == "RDF":
        meta = _child(root, "channel")
        items = [c for c in root if _local(c.tag) == "item"]
        if meta is None:
            return None
    elif kind == "feed":
        meta = root
        items = [c for c in root if _local(c.tag) == "entry"]
    else:
        return None
    title = _text(_child(meta, "title"))
    description = _text(_child(meta, "description", "subtitle"))
    posts = [_item(item, index, now) for index, item in enumerate(items)]
    return title, description, posts


def _item(item: etree._Element, index: int, now: datetime) -> Post:
    link = _link(item)
    guid = _text(_child(item, "guid", "id"))
    html = _markup(_child(item, "encoded", "content")) or _markup(_child(item, "description", "summary"))
    title = _text(_child(item, "title"))
    raw = _text(_child(item, "pubDate", "published", "date", "issued", "updated", "modified"))
    text, links = read_post(html)
    return Post(id=guid or link or f"item-{index + 1}", at=parse_feed_date(raw, now), title=excerpt(title or text),
                text="\n".join(t for t in (plain_text(title), text) if t), url=link or None,
                links=links, raw_time=raw or None)


def _link(item: etree._Element) -> str:
    links = [c for c in item if _local(c.tag) == "link"]
    for node in links:  # Atom: <link rel="alternate" href="…"/>
        if node.get("href") and node.get("rel", "alternate") == "alternate":
            return node.get("href").strip()
    for node in links:
        if node.get("href"):
            return node.get("href").strip()
        if _text(node):
            return _text(node)
    return ""


def parse_feed_date(raw: str, now: datetime | None = None) -> datetime | None:
    """RFC 822 or ISO 8601 (or 2026年11月20日 / 2026/11/20 10:00); no timezone → +08:00. None if unreadable.

    A date without a time of day is read as the end of that day (never after ``now``), as Weibo's
    date-only forms are: the post was out by then at the latest.
    """
    raw = " ".join((raw or "").split())
    if not raw:
        return None
    if now is not None and not _HAS_TIME.search(raw):
        day = parse_feed_date(raw)
        if day is None:
            return None
        return min(day.replace(hour=23, minute=59, second=59), now.astimezone(SHANGHAI))
    value: datetime | None = None
    try:
        value = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        value = None
    if value is not None and value.tzinfo is None:  # no zone, or RFC 822 "-0000" (zone unknown)
        value = value.replace(tzinfo=SHANGHAI)
    if value is None:
        value = _iso(raw)
    return value.astimezone(SHANGHAI) if value is not None else None


def _iso(raw: str) -> datetime | None:
    text = raw.replace("Z", "+00:00") if raw.endswith("Z") else raw
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        match = _CHINESE_DATE.match(raw)
        if not match:
            return None
        parts = [int(g) if g else 0 for g in match.groups()]
        try:
            value = datetime(*parts)
        except ValueError:
            return None
    return value if value.tzinfo is not None else value.replace(tzinfo=SHANGHAI)
