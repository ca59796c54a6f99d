"""HTML text to an lxml tree, parsed once, never raising."""

from __future__ import annotations

import lxml.html

_PARSER = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)


def parse_html(html):
    """An lxml document for ``html`` (any str; never raises for odd markup). A document already
    parsed is returned as it is, so a page read for dates, links and typos is parsed once."""
    if not isinstance(html, str):
        return html
    try:
        root = lxml.html.document_fromstring(html.encode("utf-8", "surrogatepass"), parser=_PARSER)
    except Exception:  # noqa: BLE001 - empty or unparseable: an empty document
        root = lxml.html.document_fromstring(b"<html><body></body></html>", parser=_PARSER)
    return root
