"""Checkers, one per platform, registered explicitly under their platform key."""

from __future__ import annotations

import threading
from typing import Callable

from mediawatch.checkers.base import AccountSpec, CheckContext, Checker, Observation

_FACTORIES: dict[str, Callable[[], Checker]] = {}


def register(platform: str, factory: Callable[[], Checker]) -> None:
    if platform in _FACTORIES:
        raise ValueError(f"a checker for {platform!r} is already registered")
    _FACTORIES[platform] = factory


def checker_for(platform: str) -> Checker:
    _load_builtin()
    try:
        return _FACTORIES[platform]()
    except KeyError:
        raise LookupError(f"no checker for platform {platform!r}") from None


def platforms() -> list[str]:
    _load_builtin()
    return sorted(_FACTORIES)


_loaded = False
_load_lock = threading.Lock()


def _load_builtin() -> None:
    """Register the built-in checkers once (thread-safe: runs call this from worker threads)."""
    global _loaded
    with _load_lock:
        if not _loaded:
            _register_builtin()
            _loaded = True


def _register_builtin() -> None:
    import importlib

    for platform, module, name in (
        ("website", "mediawatch.checkers.website", "WebsiteChecker"),
        ("weibo", "mediawatch.checkers.weibo", "WeiboChecker"),
        ("wechat", "mediawatch.checkers.wechat", "WechatChecker"),
    ):
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue  # not built yet
        register(platform, getattr(mod, name))
    from mediawatch.checkers.feeds import FEED_CHECKERS  # issue 16: the platforms read through feeds and CSVs

    for platform, factory in FEED_CHECKERS.items():
        register(platform, factory)


__all__ = ["AccountSpec", "CheckContext", "Checker", "Observation", "register", "checker_for", "platforms"]
