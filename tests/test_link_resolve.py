"""Link resolution joins the links every page repeats once per site (the join is cached on the part of
the base it depends on): the result must be exactly urljoin's on the whole base, normalized, for every
kind of reference (RFC 3986 §5.2 as urljoin reads it)."""

from __future__ import annotations

import itertools
import re
from urllib.parse import urljoin, urlsplit

from mediawatch.pages.urls import _STRIP, normalize_url, resolve

BASES = ["http://h/", "http://h", "http://H:80/a/b.html", "http://h/a/b/", "http://h/a/b?x=1#f",
         "https://h:8443/a;p/b;q?z", "http://h/a/b;q", "http://h?q", "http://user@h/a/../b/c", "http://h/a//b/c.html",
         "http://[::1]:8080/x/y", "ftp://h/a/", "http://h/%E4%B8%AD/a.html", "http://h/a/b/..", "http://h/a/b/.",
         "HTTP://H/A/B", "http://www.yichun.gov.cn/ycszf/index.shtml", "http://www.gov.cn/zhengce/content/2019-04/18/"]
VALUES = ["/", "/x", "//g/x", "x", "x/y", "../x", "../../../../x", "./", ".", "..", "?q", "?", ";p", "#f",
          "http://g/x", "HTTP://G", "http:g", "https:g", "http:/g", "https://", "//", "///x", "//?x", "/a?b#c", "x?y#z",
          " /x ", "\\x\\y", "javascript:void(0)", "mailto:a@b", "x:y", "//g", "http://[bad", "/%zz", "中文.html",
          "a b.html", "../ycszf/zwgk/", "./t20260101_1.shtml"]


def reference(value: str, base: str) -> str | None:
    """What ``resolve`` answered before the cache was keyed on part of the base."""
    value = value.strip(_STRIP).replace("\t", "").replace("\n", "").replace("\r", "")
    if not value or value.startswith("#"):
        return None
    value = value.replace("\\", "/")
    scheme = re.match(r"^([A-Za-z][A-Za-z0-9+.\-]*):", value)
    if scheme and scheme.group(1).lower() not in ("http", "https"):
        return None
    try:
        url = urljoin(base, value)
        parts = urlsplit(url)
    except ValueError:
        return value if scheme else None
    if parts.scheme.lower() not in ("http", "https"):
        return None
    return normalize_url(url)


def test_resolve_equals_urljoin_on_the_whole_base():
    differing = [(base, value, resolve(value, base), reference(value, base))
                 for base, value in itertools.product(BASES, VALUES) if resolve(value, base) != reference(value, base)]
    assert differing == []


def test_a_repeated_link_is_joined_once_per_site():
    from mediawatch.pages import urls as links

    pages = [f"http://cache-test.example/art/{i}.html" for i in range(50)]
    before = links._join.cache_info()
    got = {resolve("/col/1/index.html", page) for page in pages}
    after = links._join.cache_info()
    assert got == {"http://cache-test.example/col/1/index.html"}
    assert after.misses - before.misses == 1 and after.hits - before.hits == 49
