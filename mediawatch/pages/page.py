"""A fetched page as readers see it: its decoded text, its parsed tree and its visible text, each made
once per page and cached on the fetch result (``FetchResult.views``), then released once the page
has been read (``release``: made again, the same, if anything reads it later)."""

from __future__ import annotations

from mediawatch.pages.encoding import decode_page
from mediawatch.pages.html import parse_html
from mediawatch.pages.text import visible_text

HTML_TYPES = ("text/html", "application/xhtml")


def decoded(result):
    """The body decoded (header, meta, detection), with how clean the decode was."""
    value = result.views.get("decoded")
    if value is None:
        value = result.views["decoded"] = decode_page(result.content, result.headers.get("content-type"))
    return value


def text_of(result) -> str:
    return decoded(result).text


def tree_of(result):
    """The decoded body parsed as HTML (lxml), parsed once: dates, links, title and typos all read it."""
    value = result.views.get("tree")
    if value is None:
        value = result.views["tree"] = parse_html(text_of(result))
    return value


def visible_text_of(result) -> str:
    """The page's visible text (pages/text.py), computed once: the typo scan and the safety scans
    (privacy, hidden links, tampering) all read it."""
    value = result.views.get("visible")
    if value is None:
        value = result.views["visible"] = visible_text(tree_of(result))
    return value


def release(result) -> None:
    """Drop what was derived from a read page (its body stays)."""
    result.views.clear()


def page_failure(result) -> tuple[str, str] | None:
    """(error_kind, message) when a fetched page cannot be read, else None."""
    return fetch_failure(result) or decoded_failure(decoded(result))


def fetch_failure(result) -> tuple[str, str] | None:
    """``page_failure`` without decoding the body: the fetch failed, the status, not HTML."""
    if result.error_kind is not None:
        return result.error_kind, result.error or result.error_kind
    if result.status is None or result.status >= 400:
        return "http", f"HTTP {result.status}"
    if not is_html(result):
        return "malformed", f"not an HTML page ({result.content_type or 'no content type'})"
    return None


def decoded_failure(value) -> tuple[str, str] | None:
    """("malformed", why) when a decoded body had bad characters: we never read mojibake."""
    if not value.clean:
        return "malformed", f"the page did not decode cleanly as {value.encoding} ({value.replaced} bad characters)"
    return None


def is_html(result) -> bool:
    if not result.body_read:
        return False
    content_type = result.content_type
    if content_type:
        return content_type.startswith(HTML_TYPES)
    head = result.content[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<meta"))
