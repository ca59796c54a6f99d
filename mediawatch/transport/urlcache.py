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
        if len(args) == 1:  # the common case, without a generator (a crawl calls these ~100 times a page)
            arg = args[0]
            if isinstance(arg, str) and len(arg) > URL_CACHE_MAX_CHARS:
                return fn(arg)
            return cached(arg)
        if sum(len(a) for a in args if isinstance(a, str)) > URL_CACHE_MAX_CHARS:
            return fn(*args)
        return cached(*args)

    call.cache_info = cached.cache_info  # type: ignore[attr-defined]
    return call
