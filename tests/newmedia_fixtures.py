"""Helpers for the Weibo / WeChat checker tests: a check context on the test home's config, specs."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from mediawatch import config as config_mod
from mediawatch.checkers.base import AccountSpec, CheckContext, Observation
from mediawatch.clock import SHANGHAI
from mediawatch.transport.fetcher import Fetcher

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=SHANGHAI)


def context(home: Path, *, now: datetime = NOW, since: datetime | None = None,
            overrides: dict[str, dict[str, Any]] | None = None, fetcher: Fetcher | None = None) -> CheckContext:
    """The home fixture's config (loopback allowed, delays off) with ``overrides``; one fresh run."""
    config = config_mod.load(home)
    if overrides:
        config = config.with_overrides(overrides)
    return CheckContext(config=config, now=now, fetcher=fetcher or Fetcher(config),
                        since=since if since is not None else now - timedelta(days=30))


def weibo_spec(uid: str = "9900000001", name: str = "XX发布", **kwargs: Any) -> AccountSpec:
    return AccountSpec(pk=1, account_id=kwargs.pop("account_id", "xxfb-weibo"), platform="weibo", name=name,
                       owner_unit="区委宣传部", platform_id=uid, **kwargs)


def wechat_spec(name: str = "XX发布", **kwargs: Any) -> AccountSpec:
    return AccountSpec(pk=2, account_id=kwargs.pop("account_id", "xxfb"), platform="wechat", name=name,
                       owner_unit="区委宣传部", **kwargs)


def by_kind(observations: list[Observation]) -> dict[str, Observation]:
    kinds = [o.kind for o in observations]
    assert sorted(kinds) == ["links", "posts", "privacy", "profile", "typos"], kinds  # privacy: issue 15
    return {o.kind: o for o in observations}


def at(days: float = 0, hours: float = 0, now: datetime = NOW) -> datetime:
    """``days``/``hours`` before now."""
    return now - timedelta(days=days, hours=hours)
