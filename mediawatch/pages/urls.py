"""Links as browsers and the link checker read them: resolved against the page, normalized, keyed by host."""

from __future__ import annotations

import re
import sys
from urllib.parse import urljoin, urlsplit, urlunsplit

from mediawatch.transport.urlcache import url_cache

# links whose target is a document, not a page: checked, never crawled, never downloaded
ATTACHMENT_EXTENSIONS = frozenset(
    "pdf doc docx xls xlsx ppt pptx wps et dps ofd txt rtf csv zip rar 7z gz tar bz2 xz iso exe msi apk dmg "
    "jpg jpeg png gif bmp webp svg ico tif tiff mp3 mp4 avi wmv flv mov mkv wav swf ceb caj".split())
_STRIP = " \t\n\r\f\x00"
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")


@url_cache  # pure; a daily cycle asked ~20 times per request made
def normalize_url(url: str) -> str:
    """The URL as fetched and deduplicated: no fragment, lower-case scheme and host, no default port."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    netloc = parts.netloc.lower()
    if (scheme == "http" and netloc.endswith(":80")) or (scheme == "https" and netloc.endswith(":443")):
        netloc = netloc.rsplit(":", 1)[0]
    path = parts.path or ("/" if netloc else "")
    # interned: the crawl keeps a URL in several places (planned, read, tallied, judged), and once the bounded
    # cache above has let an entry go, each call would make another copy of the same string
    url = urlunsplit((scheme, netloc, path, parts.query, ""))
    return sys.intern(url) if url.__class__ is str else url


@url_cache
def host_of(url: str) -> str:
    """The per-host key (as the fetcher limits it)."""
    return urlsplit(url).netloc.lower()


@url_cache
def is_attachment(url: str) -> bool:
    path = urlsplit(url).path.lower()
    name = path.rsplit("/", 1)[-1]
    return "." in name and name.rsplit(".", 1)[-1] in ATTACHMENT_EXTENSIONS


def resolve(value: str | None, base: str) -> str | None:
    """An attribute value resolved as a browser would, or None when it is not a link we check
    (empty, same-page fragment, mailto:, tel:, javascript:, data:, any non-HTTP scheme)."""
    if value is None:
        return None
    value = value.strip(_STRIP)
    value = value.replace("\t", "").replace("\n", "").replace("\r", "")
    if not value or value.startswith("#"):
        return None
    value = value.replace("\\", "/")  # browsers read backslashes as slashes in http(s) URLs
    scheme = _SCHEME.match(value)
    if scheme and scheme.group(1).lower() not in ("http", "https"):
        return None  # data:, javascript:, mailto: … never reach the cache below
    return _join(_join_base(base, value, scheme), value, scheme is not None)


def _join_base(base: str, value: str, scheme: re.Match | None) -> str:
    """The part of ``base`` that joining ``value`` depends on, so that the links every page repeats
    (navigation, footer) are joined once per site, not once per page (RFC 3986 §5.2, as urljoin reads
    it): nothing for a URL with its own authority, the origin for an absolute path or a network-path
    reference, the directory for a relative path; the whole base for anything else (``?q``, ``;p``,
    ``http:g``)."""
    if scheme is not None:
        return "" if _authority_follows(value, scheme.end()) else base
    first = value[0]
    if first in "?;" or (value.startswith("//") and not _authority_follows(value, 0)):
        return base
    origin, directory = _base_parts(base)
    if origin is None:
        return base
    return origin if first == "/" else directory


def _authority_follows(value: str, at: int) -> bool:
    """``//`` and a non-empty authority at ``at`` (an empty one, as in ``//`` or ``https://``, joins
    like a reference to the base itself)."""
    return value.startswith("//", at) and len(value) > at + 2 and value[at + 2] not in "/?#"


@url_cache
def _base_parts(base: str) -> tuple[str | None, str]:
    """(scheme://authority/, the base up to the last "/" of its path), or (None, base) when the base is
    not a plain http(s) URL."""
    try:
        parts = urlsplit(base)
    except ValueError:
        return None, base
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None, base
    origin = f"{parts.scheme}://{parts.netloc}/"
    path = parts.path
    if ";" in path.rsplit("/", 1)[-1]:
        return None, base  # path parameters on the last segment: urljoin treats them apart
    return origin, origin[:-1] + (path[:path.rfind("/") + 1] if "/" in path else "/")


@url_cache
def _join(base: str, value: str, has_scheme: bool) -> str | None:
    try:
        url = urljoin(base, value)
        parts = urlsplit(url)
    except ValueError:
        return value if has_scheme else None
    if parts.scheme.lower() not in ("http", "https"):
        return None
    return normalize_url(url)
