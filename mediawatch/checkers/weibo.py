"""The Weibo check: posts, profile, links in posts and typos, through the account's source.

Sources (``checkers/sources``): ``weibo_api`` (m.weibo.cn, the default with a uid), ``feed`` (an
RSS/Atom bridge), ``posts_csv``. Requests to the platform are polite (``weibo.delay_seconds`` with
jitter, ``weibo.concurrency`` per host, ``weibo.max_requests_per_run``); see sources/client.py.
Observations are described in checkers/base.py and sources/observe.py.
"""

from __future__ import annotations

import logging

from mediawatch.checkers import sources
from mediawatch.checkers.base import AccountSpec, CheckContext, Observation
from mediawatch.checkers.sources.client import PlatformClient
from mediawatch.checkers.sources.observe import failed, observations

log = logging.getLogger(__name__)


class WeiboChecker:
    platform = "weibo"

    def check(self, account: AccountSpec, ctx: CheckContext) -> list[Observation]:
        try:
            try:
                source = sources.get(sources.choose(account))
            except LookupError as exc:
                return failed("invalid_url", str(exc), account.feed_url or account.source_url)
            client = PlatformClient(ctx, self.platform)
            result = source.fetch(account, ctx, client)
            return observations(result, account, ctx, lookback_days=int(ctx.config.weibo.lookback_days))
        except Exception as exc:  # noqa: BLE001 - a failing account never aborts a run
            log.exception("weibo check crashed on %s", account.account_id)
            return failed("internal", f"{exc.__class__.__name__}: {exc}", None)
