"""What a reader sees of a page: no scripts, styles, comments or attribute values; block elements
(paragraphs, list items, table cells …) are kept apart, so words never run together across two
list entries. The typo scan and the safety scans read it (once per page: pages/page.py ``visible``)."""

from __future__ import annotations

import re

from lxml import etree

from mediawatch.pages.html import parse_html

INVISIBLE = frozenset({"script", "style", "noscript", "template", "head", "meta", "link", "svg", "object",
                       "iframe", "frame", "embed", "canvas"})
BLOCKS = frozenset("""
address article aside blockquote body br caption center dd details dialog div dl dt fieldset figcaption figure
footer form h1 h2 h3 h4 h5 h6 header hr html li main nav ol option p pre section summary table tbody td tfoot
th thead title tr ul select textarea button label
""".split())
_WS = re.compile(r"[ \t\r\f\v\xa0\u3000\u200b\ufeff]+")
_LINES = re.compile(r"\s*\n\s*")


def visible_text(html) -> str:
    """The text a reader sees, block elements on their own lines, whitespace collapsed."""
    root = parse_html(html)
    parts: list[str] = []
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in INVISIBLE and tag != "head":
                walker.skip_subtree()  # its "end" event still comes, and adds the tail
                continue
            if tag in BLOCKS:
                parts.append("\n")
            if element.text and tag != "head":
                parts.append(element.text)
            if tag == "head":
                title = element.find("title")
                if title is not None:
                    parts.append("\n" + title.text_content() + "\n")
                walker.skip_subtree()
                continue
        else:
            if tag in BLOCKS:
                parts.append("\n")
            if element.tail and element is not root:
                parts.append(element.tail)
    text = _WS.sub(" ", "".join(parts))
    return _LINES.sub("\n", text).strip()
