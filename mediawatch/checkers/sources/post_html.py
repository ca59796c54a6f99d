"""The HTML of a post: its plain text (typo scan, titles) and its outbound links (link check).

Weibo wraps outbound links as ``https://weibo.cn/sinaurl?u=<encoded target>``; the target is what
we check. Links into the platform itself (mentions ``/n/NAME``, topics, ``全文`` ``/status/ID``,
emoji images on sinaimg.cn, other WeChat articles) are the platform's, not the owner's content,
and are left out: checking them would only hammer the platform.
"""

from __future__ import annotations

import html as html_mod
import re
from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup

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


def links_in(html: str) -> list[PostLink]:
    """Outbound ``<a href>`` links of a post, unwrapped, deduplicated, in order."""
    if not html or "<" not in html:
        return []
    soup = BeautifulSoup(html, "lxml")
    found: list[PostLink] = []
    seen: set[str] = set()
    for anchor in soup.find_all("a", href=True):
        target = unwrap(html_mod.unescape(anchor["href"].strip()))
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
        found.append(PostLink(url=target, text=_SPACES.sub(" ", anchor.get_text(" ")).strip()[:200], tag="a"))
    return found


def plain_text(html: str) -> str:
    """The readable text of a post (tags dropped, ``<br>`` as newlines, entities decoded)."""
    if not html:
        return ""
    if "<" not in html:
        return html_mod.unescape(html).strip()
    soup = BeautifulSoup(html.replace("<br />", "\n").replace("<br/>", "\n").replace("<br>", "\n"), "lxml")
    for img in soup.find_all("img"):  # emoji icons carry their meaning in alt, e.g. [赞]
        img.replace_with(img.get("alt") or "")
    return soup.get_text().strip()


def excerpt(text: str, limit: int = 60) -> str:
    flat = _SPACES.sub(" ", text).strip()
    return flat if len(flat) <= limit else flat[:limit] + "…"
