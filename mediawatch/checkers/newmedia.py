"""What the Weibo and WeChat checkers share: pick the account's source, fetch, turn it into observations.

A checker subclasses ``NewMediaChecker`` with its ``platform``; ``enrich`` is where one reads more
(WeChat opens article pages). Never raises: a crash becomes an ``internal`` observation.
"""

from __future__ import annotations

import logging

from mediawatch.checkers import sources
from mediawatch.checkers.base import AccountSpec, CheckContext, Observation
from mediawatch.checkers.sources.base import SourceResult
from mediawatch.checkers.sources.client import PlatformClient
from mediawatch.checkers.sources.observe import failed, observations

log = logging.getLogger(__name__)


class NewMediaChecker:
    platform = ""
    section = ""  # the config section of the platform's politeness and lookback (default: the platform's name)

    def check(self, account: AccountSpec, ctx: CheckContext) -> list[Observation]:
        try:
            try:
                source = sources.get(sources.choose(account))
            except LookupError as exc:
                return failed("invalid_url", str(exc), account.feed_url or account.source_url)
            client = PlatformClient(ctx, self.section or self.platform)
            result = source.fetch(account, ctx, client)
            lookback = int(getattr(ctx.config, self.section or self.platform).lookback_days)
            self.enrich(result, ctx, client, lookback)
            return observations(result, account, ctx, lookback_days=lookback)
        except Exception as exc:  # noqa: BLE001 - a failing account never aborts a run
            log.exception("%s check crashed on %s", self.platform, account.account_id)
            return failed("internal", f"{exc.__class__.__name__}: {exc}", None)

    def enrich(self, result: SourceResult, ctx: CheckContext, client: PlatformClient, lookback_days: int) -> None:
        """Read more than the source gave (nothing by default)."""
