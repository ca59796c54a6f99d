"""Reading a ``source_url``: an http(s) URL (through the platform client) or a file the owner exported.

A relative path is read from the home folder (where ``mediawatch.toml`` lives), so an office can
keep its exports next to its configuration. A document that lists many accounts (``shared``) is
read once per run and kept for the run's other accounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from mediawatch.checkers.base import CheckContext
from mediawatch.checkers.sources.client import PlatformClient
from mediawatch.transport.fetcher import FetchResult


@dataclass
class Loaded:
    content: bytes = b""
    content_type: str | None = None
    result: FetchResult | None = None  # for URLs: the whole answer
    error_kind: str | None = None
    error: str | None = None


def is_url(location: str) -> bool:
    return urlsplit(location).scheme in ("http", "https")


def suffix(location: str) -> str:
    """``.json`` / ``.csv`` / … of a URL's path or a file name (lowercase, query ignored)."""
    path = urlsplit(location).path if is_url(location) or location.startswith("file:") else location
    return Path(unquote(path)).suffix.lower()


def load(location: str, ctx: CheckContext, client: PlatformClient, *, accept: str = "*/*",
         shared: bool = False) -> Loaded:
    """``shared``: the document lists many accounts (a provincial CSV); read it once per run, not per account."""
    if shared:
        key = f"location:{location}"
        with client.lock_for(key):
            cached = client.session_value(key)
            if cached is None:
                cached = load(location, ctx, client, accept=accept)
                if not cached.error_kind and (cached.result is None or (cached.result.status or 0) < 400):
                    client.set_session_value(key, cached)
            return cached
    if is_url(location):
        result = client.fetch(location, headers={"Accept": accept})
        if result.error_kind:
            return Loaded(result=result, error_kind=result.error_kind, error=result.error)
        if result.truncated:  # a cut list would silently lose posts (or whole accounts): never read it
            return Loaded(result=result, error_kind="too_large",
                          error=f"{location} is larger than http.max_response_bytes ({len(result.content)} bytes read)")
        return Loaded(content=result.content, content_type=result.headers.get("content-type"), result=result)
    path = _local_path(location, ctx)
    try:
        return Loaded(content=path.read_bytes())
    except OSError as exc:
        return Loaded(error_kind="file", error=f"cannot read {path}: {exc.strerror or exc}")


def _local_path(location: str, ctx: CheckContext) -> Path:
    if location.startswith("file:"):
        location = unquote(urlsplit(location).path)
    path = Path(location).expanduser()
    if not path.is_absolute():
        config_path = getattr(ctx.config, "path", None)
        if config_path is not None:
            path = Path(config_path).parent / path
    return path
