"""What a reader sees of a page: no scripts, styles, comments or attribute values; block elements
(paragraphs, list items, table cells …) are kept apart, so words never run together across two
list entries. The typo scan and the safety scans read it (once per page: pages/page.py ``visible``)."""

from __future__ import annotations

import re
import threading

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
    """The text a reader sees, block elements on their own lines, whitespace collapsed.

    One XSLT pass in libxslt (``_VISIBLE``): the text nodes in document order, none inside an invisible
    element, ``head`` giving only its title, a line break before and after each block element. It gives
    what a Python walk over the tree gave, character for character, at under half its cost."""
    root = parse_html(html)
    text = _WS.sub(" ", str(_transform()(root)))
    return _LINES.sub("\n", text).strip()


_VISIBLE = f"""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:output method="text" encoding="UTF-8"/>
<xsl:template match="{'|'.join(sorted(INVISIBLE - {'head'}))}"/>
<xsl:template match="head"><xsl:if test="title"><xsl:text>&#10;</xsl:text><xsl:value-of select="title"/><xsl:text>&#10;</xsl:text></xsl:if></xsl:template>
<xsl:template match="{'|'.join(sorted(BLOCKS))}"><xsl:text>&#10;</xsl:text><xsl:apply-templates/><xsl:text>&#10;</xsl:text></xsl:template>
</xsl:stylesheet>"""
_local = threading.local()


def _transform() -> etree.XSLT:
    """The stylesheet compiled once per thread (pages are read in several threads at once)."""
    transform = getattr(_local, "transform", None)
    if transform is None:
        transform = _local.transform = etree.XSLT(etree.XML(_VISIBLE))
    return transform
