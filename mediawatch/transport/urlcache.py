"""A bounded cache for pure functions of URL strings (the same links recur on every page, every day)."""

from __future__ import annotations

import inspect
from collections import namedtuple
from functools import wraps
from typing import Any, Callable

URL_CACHE = 8192  # entries per cached URL function
URL_CACHE_MAX_CHARS = 2048  # longer arguments are computed, never kept: an entry stays small

CacheInfo = namedtuple("CacheInfo", "hits misses maxsize currsize")


def url_cache(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Cache a pure function of URL strings, keeping at most ``URL_CACHE`` results (the cache starts
    empty again when full) and none for arguments longer than ``URL_CACHE_MAX_CHARS``: memory stays
    bounded whatever a page links to. A crawl asks these several times per link, so a hit is one dict
    lookup in a plain function (a third of what ``functools.lru_cache`` behind a wrapper cost)."""
    cache: dict = {}
    counts = [0, 0]  # hits, misses

    def keep(key, value) -> None:
        counts[1] += 1
        size = sum(len(a) for a in (key if isinstance(key, tuple) else (key,)) if a.__class__ is str)
        if size <= URL_CACHE_MAX_CHARS:
            if len(cache) >= URL_CACHE:
                cache.clear()
            cache[key] = value

    if len(inspect.signature(fn).parameters) == 1:
        @wraps(fn)
        def call(url):
            try:
                value = cache[url]
            except KeyError:
                value = fn(url)
                keep(url, value)
                return value
            counts[0] += 1
            return value
    else:
        @wraps(fn)
        def call(*args):
            try:
                value = cache[args]
            except KeyError:
                value = fn(*args)
                keep(args, value)
                return value
            counts[0] += 1
            return value

    call.cache_info = lambda: CacheInfo(counts[0], counts[1], URL_CACHE, len(cache))  # type: ignore[attr-defined]
    call.cache_clear = lambda: cache.clear()  # type: ignore[attr-defined]
    return call
