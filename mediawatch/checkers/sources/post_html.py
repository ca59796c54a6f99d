"""The HTML of a post: its plain text (typo scan, titles) and its outbound links (link check).

``read_post`` parses a post once and gives both; a daily check reads every post of the lookback
window, so one lxml parse per post (not one BeautifulSoup parse per question) is what keeps
10,000 accounts a day affordable.

Weibo wraps outbound links as ``https://weibo.cn/sinaurl?u=<encoded target>``; the target is what
we check. Links into the platform itself (mentions ``/n/NAME``, topics, ``全文`` ``/status/ID``,
emoji images on sinaimg.cn, other WeChat articles) are the platform's, not the owner's content,
and are left out: checking them would only hammer the platform.
"""

from __future__ import annotations

import html as html_mod
import re
from urllib.parse import parse_qs, urlsplit

from mediawatch.pages.html import parse_html
from mediawatch.checkers.sources.base import PostLink

SINAURL_HOSTS = ("weibo.cn", "m.weibo.cn", "www.weibo.cn")
PLATFORM_HOSTS = ("weibo.com", "weibo.cn", "sina.cn", "sinaimg.cn", "weibocdn.com", "mp.weixin.qq.com",
                  "weixin.qq.com", "qpic.cn", "qlogo.cn")
_SPACES = re.compile(r"\s+")


def unwrap(url: str) -> str:
    """The target of a ``weibo.cn/sinaurl?u=…`` (or ``?toasturl=``) wrapper; other URLs unchanged."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if (parts.hostname or "").lower() in SINAURL_HOSTS and parts.path.rstrip("/").endswith("/sinaurl"):
        query = parse_qs(parts.query)
        for key in ("u", "toasturl"):
            if query.get(key):
                return query[key][0]
    return url


def is_platform_host(host: str) -> bool:
    host = host.lower().rstrip(".")
    return any(host == h or host.endswith("." + h) for h in PLATFORM_HOSTS)


def read_post(html: str) -> tuple[str, list[PostLink]]:
    """The plain text and the outbound links of a post's HTML, from one parse."""
    if not html:
        return "", []
    if "<" not in html:
        return html_mod.unescape(html).strip(), []
    return read_element(parse_html(html))


def read_element(root) -> tuple[str, list[PostLink]]:
    """``read_post`` for an element of a page already parsed (a WeChat article's ``#js_content``).
    Changes the element's text (``<br>`` and emoji) in place."""
    links = _links(root)
    return _plain(root), links


def links_in(html: str) -> list[PostLink]:
    """Outbound ``<a href>`` links of a post, unwrapped, deduplicated, in order."""
    return read_post(html)[1]


def plain_text(html: str) -> str:
    """The readable text of a post (tags dropped, ``<br>`` as newlines, entities decoded)."""
    return read_post(html)[0]


def _links(root) -> list[PostLink]:
    found: list[PostLink] = []
    seen: set[str] = set()
    for anchor in root.iter("a"):
        href = anchor.get("href")
        if href is None:
            continue
        target = unwrap(html_mod.unescape(href.strip()))
        try:
            parts = urlsplit(target)
        except ValueError:
            continue
        if parts.scheme not in ("http", "https") or not parts.hostname:
            continue  # relative links are the platform's own (/n/NAME, /status/ID)
        if is_platform_host(parts.hostname):
            continue
        if target in seen:
            continue
        seen.add(target)
        text = _SPACES.sub(" ", " ".join(anchor.itertext())).strip()[:200]
        found.append(PostLink(url=target, text=text, tag="a"))
    return found


def _plain(root) -> str:
    """Text of the parsed post: ``<br>`` a newline, an emoji ``<img>`` its alt (e.g. [赞]), scripts dropped.
    Changes the tree (read the links first)."""
    for element in root.iter("br", "img", "script", "style"):
        insert = "\n" if element.tag == "br" else (element.get("alt") or "") if element.tag == "img" else ""
        element.tail = insert + (element.tail or "")
        if element.tag in ("script", "style"):
            element.text = None
            for child in list(element):
                element.remove(child)
    body = root.find("body")
    return "".join((body if body is not None else root).itertext()).strip()


def excerpt(text: str, limit: int = 60) -> str:
    flat = _SPACES.sub(" ", text).strip()
    return flat if len(flat) <= limit else flat[:limit] + "…"
