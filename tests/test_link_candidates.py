"""pages/linkextract.py finds a page's link carriers two ways: libxml2's tag walk (a page with no style
attribute holding url() or @import) and the XPath over every attribute (any other page). Both must give
the same links, in the same order, on every real page of the corpus (tests/data/real, see its manifests)
and the simulated ones, and on pages written to tell them apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from mediawatch.pages import linkextract
from mediawatch.pages.encoding import decode_page
from mediawatch.pages.html import parse_html

DATA = Path(__file__).parent / "data"
PAGES = sorted(DATA.rglob("*.html")) + sorted(DATA.rglob("*.htm"))
PAGE_URL = "http://www.xxq.example.gov.cn/col/a/index.html"


def both(root):
    """(the links as extracted, the links through the XPath alone)."""
    fast = linkextract.extract_links(root, PAGE_URL)
    real = linkextract._STYLED
    linkextract._STYLED = lambda _root: True  # every page through the XPath
    try:
        slow = linkextract.extract_links(root, PAGE_URL)
    finally:
        linkextract._STYLED = real
    key = lambda links: [(link.url, link.tag, link.text) for link in links]  # noqa: E731
    return key(fast), key(slow)


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(DATA)))
def test_both_ways_give_the_same_links(path):
    fast, slow = both(parse_html(decode_page(path.read_bytes(), None).text))
    assert fast == slow


def test_a_page_without_styles_takes_the_tag_walk_and_misses_nothing():
    html = ('<html manifest="/m.appcache"><head><base href="/base/"><link rel="icon" href="i.ico">'
            '<meta http-equiv="refresh" content="5; url=r.html"><script src="s.js"></script>'
            '<style>@import "x.css"; p{background:url(bg.png)}</style></head>'
            '<body background="body.png"><a href="a.html">甲</a><img src="p.png" srcset="p1.png 1x, p2.png 2x">'
            '<object codebase="/cb/" data="o.swf"></object><input type="image" src="in.png">'
            '<table background="t.png"><tr><td background="td.png">x</td></tr></table>'
            '<div href="nope.html" data="no.bin">not a carrier</div><iframe src="f.html"></iframe></body></html>'
            '<script src="after.js"></script>')  # after </html>: a second top-level element
    root = parse_html(html)
    assert not linkextract._STYLED(root)
    fast, slow = both(root)
    assert fast == slow
    assert [url.rsplit("/", 1)[-1] for url, _, _ in fast] == [
        "m.appcache", "i.ico", "r.html", "s.js", "x.css", "bg.png", "body.png", "a.html", "p.png", "p1.png",
        "p2.png", "", "o.swf", "in.png", "t.png", "td.png", "f.html", "after.js"]


@pytest.mark.parametrize("style", ["background:url(s.png)", "BACKGROUND: URL('s.png')"])
def test_a_style_attribute_with_a_url_takes_the_xpath_in_document_order(style):
    root = parse_html(f'<html><body><a href="1.html">1</a><div style="{style}">d</div><a href="2.html">2</a>'
                      '</body></html>')
    assert linkextract._STYLED(root)
    fast, slow = both(root)
    assert fast == slow and [u.rsplit("/", 1)[-1] for u, _, _ in fast][0] == "1.html"
    assert fast[1][0].endswith("/s.png") and fast[2][0].endswith("2.html")
