"""Links of a page, as complete as LinkChecker's HTML parser, in one XPath pass.

Every element that may carry a link (LinkChecker's LinkTags, plus CSS ``url()``/``@import`` in ``style``
attributes and ``<style>`` blocks, plus ``<base>``) is found by one XPath query; its tag decides
which attributes are read: a/area href; img src/lowsrc/longdesc/srcset; source src/srcset; script,
iframe/frame (+longdesc), embed, audio, track, bgsound src; video src/poster; object data/archive and
applet src/archive, resolved against their codebase (itself a link); input type=image src and
formaction; button formaction; html manifest; meta refresh; link rel icon/stylesheet; body/table/td/
th/tr background. URLs resolve against the first ``<base href>`` (an empty one too) and the page URL;
each URL is one link per page (an anchor names it over an image); a link's text is computed only
when read (for the links that turn out broken).
"""

from __future__ import annotations

import re
from typing import Callable

from lxml import etree

from mediawatch.pages.html import parse_html
from mediawatch.pages.urls import resolve

TEXT_LIMIT = 80  # characters of a link's text kept

class Link:
    """One occurrence of a link. ``text`` (the anchor text, alt, title) is computed when first read:
    only the links that turn out broken are ever shown, so most links never pay for it."""

    __slots__ = ("url", "page", "tag", "post_id", "post_url", "_text", "_source")

    def __init__(self, url: str, page: str, text: str | None = "", tag: str = "a", post_id: str | None = None,
                 post_url: str | None = None, source: Callable[[], str] | None = None):
        self.url, self.page, self.tag, self.post_id, self.post_url = url, page, tag, post_id, post_url
        self._text = None if source is not None else (text or "")
        self._source = source

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = self._source() if self._source is not None else ""
            self._source = None
        return self._text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Link) and (self.url, self.page, self.text, self.tag, self.post_id, self.post_url) == (
            other.url, other.page, other.text, other.tag, other.post_id, other.post_url)

    def __repr__(self) -> str:
        return f"Link(url={self.url!r}, page={self.page!r}, tag={self.tag!r})"


_WS = re.compile(r"\s+")
_REFRESH_URL = re.compile(r"""^\s*\d*(?:\.\d*)?\s*[;,]?\s*(?:url\s*=\s*)?(['"]?)(.*?)\1\s*$""", re.I | re.S)


def _text(element, limit: int = TEXT_LIMIT) -> str:
    text = _WS.sub(" ", element.text_content()).strip()
    if not text:
        for img in element.iter("img"):
            text = (img.get("alt") or img.get("title") or "").strip()
            if text:
                break
    if not text:
        text = (element.get("title") or element.get("alt") or "").strip()
    return text[:limit]


def _srcset(value: str) -> list[str]:
    """URLs of a srcset attribute (WHATWG: URL, then descriptors up to a comma)."""
    urls, position, size = [], 0, len(value)
    while position < size:
        while position < size and (value[position].isspace() or value[position] == ","):
            position += 1
        start = position
        while position < size and not value[position].isspace():
            position += 1
        url = value[start:position]
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            while position < size and value[position] != ",":
                position += 1  # descriptors
        if url:
            urls.append(url)
    return urls


def _is_link_rel(rel: str | None) -> bool:
    tokens = (rel or "").lower().split()
    return any(t == "stylesheet" or t.endswith("icon") or t == "icon" for t in tokens)


# Every element that may carry a link, in one XPath pass (LinkChecker's LinkTags, plus CSS url() in
# style attributes and <style> blocks, plus <base>); the tag decides which attributes are read.
_CANDIDATES = etree.XPath(
    "//*[@href or @src or @srcset or @data or @poster or @formaction or @manifest or @archive or @codebase"
    " or @background or @lowsrc or @longdesc or @style or @http-equiv] | //style")
# The tags ``_element_links`` reads (and <base>, <style>). A page with no style attribute that may hold a
# url() has no other link carrier: its candidates are these tags in document order, found by libxml2's own
# walk (``iter``), about six times cheaper than the XPath above; other pages take the XPath.
_LINK_TAGS = ("a", "area", "link", "img", "source", "script", "iframe", "frame", "embed", "audio", "track",
              "bgsound", "video", "object", "applet", "input", "button", "html", "meta", "style", "body", "table",
              "td", "th", "tr", "base")
_STYLED = etree.XPath("//*[@style][contains(translate(@style, 'URLIMPOT', 'urlimpot'), 'url')"
                      " or contains(translate(@style, 'URLIMPOT', 'urlimpot'), 'import')]")
_CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3""", re.I | re.S)
_SRC_TAGS = frozenset({"script", "iframe", "frame", "embed", "audio", "track", "bgsound"})
_BACKGROUND_TAGS = frozenset({"body", "table", "td", "th", "tr"})


def _attr_text(element) -> str:
    return (element.get("alt") or element.get("title") or "").strip()[:TEXT_LIMIT]


def _css_urls(css: str) -> list[str]:
    return [m.group(2) or m.group(4) for m in _CSS_URL.finditer(css) if (m.group(2) or m.group(4) or "").strip()]


def _element_links(element, tag: str):
    """(value, base override or None, text source) for each link an element carries."""
    get = element.get
    label = None
    if tag in ("a", "area"):
        yield get("href"), None, lambda: _text(element)
    elif tag == "link":
        if _is_link_rel(get("rel")):
            yield get("href"), None, lambda: (get("rel") or "").strip()
    elif tag in ("img", "source"):
        label = lambda: _attr_text(element)  # noqa: E731
        for name in ("src", "lowsrc", "longdesc"):
            yield get(name), None, label
        for url in _srcset(get("srcset") or ""):
            yield url, None, label
    elif tag in _SRC_TAGS:
        label = lambda: (get("title") or "").strip()[:TEXT_LIMIT]  # noqa: E731
        yield get("src"), None, label
        if tag in ("iframe", "frame"):
            yield get("longdesc"), None, label
    elif tag == "video":
        yield get("src"), None, None
        yield get("poster"), None, None
    elif tag in ("object", "applet"):
        codebase = get("codebase")
        yield codebase, None, None
        yield get("data") if tag == "object" else get("src"), codebase, None
        for value in re.split(r"[\s,]+", get("archive") or ""):
            yield value, codebase, None
    elif tag == "input":
        if (get("type") or "").lower() == "image":
            yield get("src"), None, lambda: (get("alt") or "").strip()[:TEXT_LIMIT]
        yield get("formaction"), None, None
    elif tag == "button":
        yield get("formaction"), None, lambda: _text(element)
    elif tag == "html":
        yield get("manifest"), None, None
    elif tag == "meta":
        if (get("http-equiv") or "").lower() == "refresh":
            match = _REFRESH_URL.match(get("content") or "")
            if match and match.group(2).strip():
                yield match.group(2), None, lambda: "refresh"
    elif tag == "style":
        for url in _css_urls(element.text or ""):
            yield url, None, None
    if tag in _BACKGROUND_TAGS:
        yield get("background"), None, None
    style = get("style")
    if style and "url" in style.lower():
        for url in _css_urls(style):
            yield url, None, None


def _tag_walk(root):
    """The link-carrying tags of the whole document in document order, as the XPath's ``//`` sees it:
    libxml2 puts what follows ``</html>`` (a tracker's script, a footer) in a second top-level element."""
    top = root.getroottree().getroot()
    for element in (*reversed(list(top.itersiblings(preceding=True))), top, *top.itersiblings()):
        yield from element.iter(_LINK_TAGS)


class LinkList(list):
    """``extract_links``' answer: the links, and whether the page had more than the cap."""

    capped: bool = False


def extract_links(html, page_url: str, limit: int | None = None) -> list[Link]:
    """Every checkable link of a page, resolved against ``<base href>`` and ``page_url`` (pass the
    final URL after redirects), in document order, each URL once per page, at most ``limit`` of
    them (then ``.capped``: a page with a million links costs its first ``limit``, not gigabytes).
    One XPath pass finds every candidate element; a link's text is computed only when read."""
    root = parse_html(html)
    found = []
    base = page_url
    base_seen = False
    for element in (_CANDIDATES(root) if _STYLED(root) else _tag_walk(root)):
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if tag == "base":
            href = element.get("href")
            if not base_seen and href is not None:  # the first <base> with an href, even an empty one
                base_seen = True
                base = resolve(href, page_url) or page_url
            continue
        found.append((element, tag))
    links: dict[str, Link] = {}
    for element, tag in found:
        for value, override, label in _element_links(element, tag):
            if value is None:
                continue
            start = resolve(override, base) if override else base
            url = resolve(value, start or base)
            if url is None:
                continue
            known = links.get(url)
            if known is None and limit is not None and len(links) >= limit:
                capped = LinkList(links.values())
                capped.capped = True
                return capped
            if known is not None:  # a duplicate: checked once; an anchor names it better than an image
                if tag in ("a", "area") and known.tag not in ("a", "area"):
                    links[url] = Link(url=url, page=page_url, tag=tag, source=label)
                continue
            links[url] = (Link(url=url, page=page_url, tag=tag, source=label) if label is not None
                          else Link(url=url, page=page_url, tag=tag))
    return LinkList(links.values())
