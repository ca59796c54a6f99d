"""Decoding pages: the HTTP header's charset, then the page's meta charset, then detection.

GBK and GB2312 pages are decoded as GB18030 (their superset), so no character is lost.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", re.I)
WIDEN = {"gbk": "gb18030", "gb2312": "gb18030", "gb_2312-80": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
         "ascii": "utf-8", "us-ascii": "utf-8", "iso-8859-1": "cp1252", "latin-1": "cp1252"}


def _normal(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().lower()
    name = WIDEN.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def sniff_encoding(content: bytes, content_type: str | None = None) -> str:
    """The encoding to decode ``content`` with."""
    if content.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    header = HEADER_CHARSET.search(content_type or "")
    declared = _normal(header.group(1)) if header else None
    if declared is None:
        meta = META_CHARSET.search(content[:4096])
        declared = _normal(meta.group(1).decode("ascii", "ignore")) if meta else None
    if declared is not None:
        # A declaration that the bytes contradict (a GBK page served as UTF-8) is not trusted.
        try:
            content.decode(declared)
            return declared
        except UnicodeDecodeError:
            pass
    try:
        content.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    # Undeclared and not UTF-8: on Chinese government sites that is GBK/GB18030 far more often
    # than anything detection would guess from a short page.
    try:
        content.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        pass
    best = from_bytes(content[:200_000]).best()
    if best is not None and best.encoding:
        return _normal(best.encoding) or "gb18030"
    return "gb18030"


def decode_body(content: bytes, content_type: str | None = None) -> str:
    return content.decode(sniff_encoding(content, content_type), errors="replace")
