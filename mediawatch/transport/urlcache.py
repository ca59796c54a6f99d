"""A bounded cache for pure functions of URL strings (the same links recur on every page, every day)."""

from __future__ import annotations

from functools import lru_cache, wraps
from typing import Any, Callable

URL_CACHE = 8192  # entries per cached URL function
URL_CACHE_MAX_CHARS = 2048  # longer arguments are computed, never kept: an entry stays small


def url_cache(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Cache a pure function of URL strings, keeping at most ``URL_CACHE`` results and none for
    arguments longer than ``URL_CACHE_MAX_CHARS``: memory stays bounded whatever a page links to."""
    cached = lru_cache(maxsize=URL_CACHE)(fn)

    @wraps(fn)
    def call(*args: Any) -> Any:
        # a crawl calls these several times per link: a plain loop, no generator
        size = 0
        for arg in args:
            if arg.__class__ is str:
                size += len(arg)
        if size > URL_CACHE_MAX_CHARS:
            return fn(*args)
        return cached(*args)

    call.cache_info = cached.cache_info  # type: ignore[attr-defined]
    return call
