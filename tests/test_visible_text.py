"""pages/text.py ``visible_text`` (an XSLT pass) against a plain walk over the tree written here from its
definition: text nodes in document order, none inside an invisible element, the head giving only its
title, a line break around each block element. Run on every real page of the corpus (tests/data/real,
see its manifests) and the simulated ones, whole and on sub-elements, and from several threads at once."""

from __future__ import annotations

import random
import re
import threading
from pathlib import Path

import pytest
from lxml import etree

from mediawatch.pages.encoding import decode_page
from mediawatch.pages.html import parse_html
from mediawatch.pages.text import BLOCKS, INVISIBLE, visible_text

DATA = Path(__file__).parent / "data"
PAGES = sorted(DATA.rglob("*.html")) + sorted(DATA.rglob("*.htm"))


def walk(element) -> str:
    parts: list[str] = []

    def visit(node, top: bool) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag == "head":
            title = node.find("title")
            if title is not None:
                parts.append("\n" + title.text_content() + "\n")
        elif tag not in INVISIBLE:
            if tag in BLOCKS:
                parts.append("\n")
            parts.append(node.text or "")
            for child in node:
                visit(child, False)
            if tag in BLOCKS:
                parts.append("\n")
        if not top:
            parts.append(node.tail or "")

    top = element.getroottree().getroot()
    if element is top:  # the whole document: what follows </html> is a second top-level element (browsers show it)
        for node in (*reversed(list(top.itersiblings(preceding=True))), top, *top.itersiblings()):
            visit(node, True)
    else:
        visit(element, True)
    text = re.sub(r"[ \t\r\f\v\xa0\u3000\u200b\ufeff]+", " ", "".join(parts))
    return re.sub(r"\s*\n\s*", "\n", text).strip()


def tree(path: Path):
    return parse_html(decode_page(path.read_bytes(), None).text)


def test_the_corpus_is_there():
    assert len([p for p in PAGES if "real" in p.parts]) >= 30


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(DATA)))
def test_visible_text_is_the_walk_on_real_and_simulated_pages(path):
    root = tree(path)
    assert visible_text(root) == walk(root)
    rng = random.Random(path.name)
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    for element in rng.sample(elements, min(25, len(elements))):
        assert visible_text(element) == walk(element), etree.tostring(element)[:200]


def test_visible_text_details():
    html = ("<html><head><title>标 题</title><style>x{}</style></head><body><p>一<b>二</b>三</p>"
            "<script>no</script>尾<ul><li>甲</li><li>乙</li></ul><noscript>no</noscript>\u3000完</body></html>")
    assert visible_text(html) == "标 题\n一二三\n尾\n甲\n乙\n完"
    assert visible_text("<html><body></body></html>") == ""
    # after </html>: libxml2 makes a second top-level element; a browser shows its text, and so do we
    assert visible_text("<html><body><p>一</p></body></html><script>no</script><div>二</div>") == "一\n二"


def test_visible_text_from_many_threads_at_once():
    roots = [tree(p) for p in PAGES[:12]]
    expected = [walk(r) for r in roots]
    failures: list[int] = []

    def work(k: int) -> None:
        for _ in range(20):
            for i, root in enumerate(roots):
                if visible_text(root) != expected[i]:
                    failures.append(k)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
