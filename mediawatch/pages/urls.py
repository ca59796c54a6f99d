"""Links as browsers and the link checker read them: resolved against the page, normalized, keyed by host."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit, urlunsplit

from mediawatch.transport.urlcache import url_cache

# links whose target is a document, not a page: checked, never crawled, never downloaded
ATTACHMENT_EXTENSIONS = frozenset(
    "pdf doc docx xls xlsx ppt pptx wps et dps ofd txt rtf csv zip rar 7z gz tar bz2 xz iso exe msi apk dmg "
    "jpg jpeg png gif bmp webp svg ico tif tiff mp3 mp4 avi wmv flv mov mkv wav swf ceb caj".split())
_STRIP = " \t\n\r\f\x00"


@url_cache  # pure; a daily cycle asked ~20 times per request made
def normalize_url(url: str) -> str:
    """The URL as fetched and deduplicated: no fragment, lower-case scheme and host, no default port."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    netloc = parts.netloc.lower()
    if (scheme == "http" and netloc.endswith(":80")) or (scheme == "https" and netloc.endswith(":443")):
        netloc = netloc.rsplit(":", 1)[0]
    path = parts.path or ("/" if netloc else "")
    return urlunsplit((scheme, netloc, path, parts.query, ""))


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
    scheme = re.match(r"^([A-Za-z][A-Za-z0-9+.\-]*):", value)
    if scheme and scheme.group(1).lower() not in ("http", "https"):
        return None  # data:, javascript:, mailto: … never reach the cache below
    return _join(base, value, scheme is not None)


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
