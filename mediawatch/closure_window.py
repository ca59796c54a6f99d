"""The closure rule's window and which warnings count in it, with no database library: shared by the
ORM queries (closure.py) and the plain-SQL reads (store/reads.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from mediawatch import clock
from mediawatch.config import SITE_RULE_IDS, Config

# revoked warnings never count; pending findings (tampering awaiting the office's confirmation) neither: issue 15
UNCOUNTED_STATUSES = ("revoked", "pending")


def window_start(config: Config, now: datetime) -> datetime:
    if config.closure.window == "calendar_year":
        return clock.start_of_local_day(clock.local(now).date().replace(month=1, day=1))
    return now - timedelta(days=config.closure.window_days)


def uncounted_rules(config: Config) -> list[str]:
    """Rules whose warnings never count toward the closure rule (site requirements not configured to)."""
    counted = set(config.closure.counted_site_rules)
    return [rule for rule in SITE_RULE_IDS if rule not in counted]
