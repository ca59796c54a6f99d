"""Decoding pages: the HTTP header's charset, then the page's meta charset, then detection.

GBK and GB2312 pages are decoded as GB18030 (their superset), so no character is lost.
A declaration the bytes contradict is not trusted: a page that is valid UTF-8 (with non-ASCII
bytes) is UTF-8 whatever its old template declares, and a page declared UTF-8 that is not valid
UTF-8 falls through to the meta charset, GB18030, then detection. A body cut at the size cap may
end inside a character; that last partial character does not count against an encoding.

``decode_page`` also says how much of the text is replacement characters, so callers can refuse
to look for typos (or Chinese dates) in a page that did not decode cleanly.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-]+)""", re.I)
HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", re.I)
WIDEN = {"gbk": "gb18030", "gb2312": "gb18030", "gb_2312-80": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
         "ascii": "utf-8", "us-ascii": "utf-8", "iso-8859-1": "cp1252", "latin-1": "cp1252", "utf8": "utf-8"}
SNIFF_BYTES = 16384  # meta charset declarations further down than this are not looked for


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    replaced: int  # U+FFFD characters produced by decoding

    @property
    def clean(self) -> bool:
        """Decoded without (almost) any replacement character: safe to read words and dates from."""
        return self.replaced <= max(2, len(self.text) // 1000)


def _normal(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().lower()
    name = WIDEN.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _decodes(content: bytes, encoding: str) -> bool:
    """True when ``content`` is valid in ``encoding``, a partial last character allowed."""
    try:
        codecs.getincrementaldecoder(encoding)().decode(content, final=False)
        return True
    except (UnicodeDecodeError, LookupError):
        return False


def declared_encodings(content: bytes, content_type: str | None = None) -> list[str]:
    """The header's charset, then the page's own (XML declaration, meta), normalised."""
    found = []
    header = HEADER_CHARSET.search(content_type or "")
    head = content[:SNIFF_BYTES]
    meta = XML_ENCODING.search(head) or META_CHARSET.search(head)
    for name in (header.group(1) if header else None, meta.group(1).decode("ascii", "ignore") if meta else None):
        encoding = _normal(name)
        if encoding is not None and encoding not in found:
            found.append(encoding)
    return found


def sniff_encoding(content: bytes, content_type: str | None = None) -> str:
    """The encoding to decode ``content`` with."""
    if content.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    declared = declared_encodings(content, content_type)
    if content.isascii():
        return next((d for d in declared if d not in ("utf-16", "utf-32")), "utf-8")
    # Valid UTF-8 with multi-byte sequences is almost never an accident; old GB2312 templates
    # left on migrated UTF-8 sites are common.
    if _decodes(content, "utf-8"):
        return "utf-8"
    # Latin-1 is a server's default far more often than a Chinese page's real encoding, and it
    # "decodes" GBK bytes into mojibake without complaint: it is tried last.
    weak = ("cp1252", "latin_1", "iso8859-1")
    for encoding in declared:
        if encoding not in weak and encoding != "utf-8" and _decodes(content, encoding):
            return encoding
    # Not UTF-8 and no declaration fits: on Chinese government sites that is GBK/GB18030 far
    # more often than anything detection would guess from a short page.
    if _decodes(content, "gb18030"):
        return "gb18030"
    for encoding in declared:
        if encoding in weak and _decodes(content, encoding):
            return encoding
    best = from_bytes(content[:200_000]).best()
    if best is not None and best.encoding:
        return _normal(best.encoding) or "gb18030"
    return "gb18030"


def decode_page(content: bytes, content_type: str | None = None) -> Decoded:
    encoding = sniff_encoding(content, content_type)
    text = content.decode(encoding, errors="replace")
    replaced = text.count("\ufffd") - _original_replacements(content, encoding)
    return Decoded(text, encoding, max(0, replaced))


def _original_replacements(content: bytes, encoding: str) -> int:
    """U+FFFD characters that were in the page itself (UTF-8 EF BF BD), not made by decoding."""
    return content.count(b"\xef\xbf\xbd") if encoding.startswith("utf-8") else 0


def decode_body(content: bytes, content_type: str | None = None) -> str:
    return decode_page(content, content_type).text
