"""What a checker gets and what it gives back: plain data, no rules, no database.

A checker's ``check(account, ctx)`` returns a list of ``Observation``s and never raises for a
failing account: a failure is an observation with ``ok=False`` and an ``error_kind``.

Observation kinds (the contract between checkers and rules; ``data`` is JSON):

``homepage``  website. target = home URL. data: url, final_url, status, title, items, dated_items,
              newest_date ("YYYY-MM-DD" or null; dates after now are ignored), followed (ways in followed:
              [{kind, from, to, reason}]), date_from (page | script | columns), unknown_reason (the page
              could not be judged: a way in not followed, a list written by script; rules say unknown),
              meta (PubDate, ColumnName, SiteIDCode … when present), columns_read, script_source.
              An anti-bot challenge answering 200 is ok=False with error_kind "anti_crawl".
``column``    website column list page. target = column URL. data: column, category, url, status,
              items, dated_items, newest_date, and the same followed/date_from/unknown_reason/meta.
``links``     any platform. data: pages_crawled, links_checked, broken: [{page, url, text, tag,
              status, error_kind, on_homepage, post_id, post_url}], throttled: [same shape].
``typos``     any platform. data: texts_scanned, hits: [{page, wrong, right, context, post_id}].
``posts``     weibo / wechat. data: source, latest_post_at (ISO 8601, pinned and deleted posts excluded,
              or null), no_posts (platform says the account has no posts), gone, count_7d, count_14d,
              count_30d, complete (false: a later page failed or the page cap was hit; counts are lower
              bounds), pinned: [{id, at}], posts: [{id, at, title, url, pinned, links, deleted}] (≤ 50).
``interaction`` website column of category ``interaction`` (issue 15). target = column URL. data: column,
              category, url, status, messages: [{title, url, asked, answered, status (answered | pending |
              null), source (list | detail | cache)}] newest first, recognised, details_fetched,
              details_cached, unresolved (messages whose answer could not be read), newest_asked.
``privacy``   any platform (issue 15). data: texts_scanned, attachments_read, attachments_skipped:
              [{url, page, note}], hits: [{page, attachment, where, kind, masked, context, post_id}]
              (numbers masked: no observation ever holds a full number).
``hidden_links`` website (issue 15). data: pages_scanned, hits: [{page, url, host, text, why (hidden |
              dictionary), trick, words}], review: [{page, url, host, text, hidden}].
``tamper``    website home page (issue 15). data: url, script_hosts (external script/iframe hosts, sorted),
              frame_lines (the page's visible text outside links and dated lines, at most 200 lines).
``profile``   weibo / wechat. data: screen_name (as the platform shows it, or null), verified (bool or
              null), gone (bool), gone_reason (banned | closed | missing | frozen | migrated | removed),
              gone_detail (the platform's words). ok=False when only the profile could not be read.

An observation with ``ok=False`` means we could not see (``check_failed``): the rules that need
it return "unknown", never "fail". ``error_kind`` values are below; ``NETWORK_ERRORS`` are the ones
the canary counts as our own network possibly being down.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from mediawatch.config import Config

# error kinds: where the connection itself failed
NETWORK_ERRORS = frozenset({"dns", "refused", "timeout", "reset", "tls", "network", "unreachable"})
# error kinds: the platform refused us (anti-crawl); never the owner's fault
BLOCKED_ERRORS = frozenset({"blocked", "login_redirect", "captcha", "freq_control", "anti_crawl"})
# other error kinds: "http" (a status >= 400 where a page was expected), "malformed" (JSON/XML we
# cannot parse), "redirect_loop", "too_many_redirects", "private_address", "invalid_url", "internal",
# "request_cap" (the run's cap on platform requests was reached), "no_profile" (这里还没有内容 on the
# profile: a wrong uid or a login-only account, not "gone"), "file" (an export file cannot be read),
# "too_large" (a source document cut at http.max_response_bytes: never read half)


@dataclass
class Observation:
    kind: str
    ok: bool = True
    target: str | None = None
    error_kind: str | None = None
    error: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def failed(cls, kind: str, error_kind: str, error: str, target: str | None = None, **data: Any) -> "Observation":
        return cls(kind=kind, ok=False, target=target, error_kind=error_kind, error=error, data=dict(data))

    @property
    def network_failure(self) -> bool:
        return not self.ok and self.error_kind in NETWORK_ERRORS


@dataclass(frozen=True)
class ColumnSpec:
    column: str
    url: str
    category: str
    # interaction columns: (name, CSS or XPath) pairs from columns.csv (item_selector, asked_selector, ...)
    selectors: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class AccountSpec:
    """An account as a checker sees it (copied out of the store; no session needed)."""

    pk: int
    account_id: str
    platform: str
    name: str
    owner_unit: str
    url: str | None = None
    platform_id: str | None = None
    feed_url: str | None = None
    source: str = "auto"
    source_url: str | None = None
    columns: tuple[ColumnSpec, ...] = ()


@dataclass
class CheckContext:
    """Everything a checker may use. Shared by all accounts of a run; thread-safe parts only."""

    config: "Config"
    now: datetime
    fetcher: Any  # mediawatch.transport.fetcher.Fetcher
    # links inside posts are checked for posts published after this (last successful check, <= 30 days)
    since: datetime | None = None
    extras: dict[str, Any] = field(default_factory=dict)


_shared_lock = threading.Lock()


def shared(ctx: CheckContext, key: str, make):
    """One object per run (per context), made on first use."""
    with _shared_lock:
        value = ctx.extras.get(key)
        if value is None:
            value = ctx.extras[key] = make()
        return value


def close_shared(extras: dict) -> None:
    """Close what a run's accounts shared (``shared``): the link checker, then the event loop and its
    connections, then the large crawls' page-reading process."""
    for key in ("link_checker", "run_loop", "page_process"):
        part = extras.get(key)
        if part is not None:
            part.close()


class Checker(Protocol):
    platform: str

    def check(self, account: AccountSpec, ctx: CheckContext) -> list[Observation]: ...


# The observation whose failure makes the whole account check "check_failed".
PRIMARY_KIND = {"website": "homepage", "weibo": "posts", "wechat": "posts"}
# issue 16: the platforms read through feeds and posts CSVs
PRIMARY_KIND.update({p: "posts" for p in ("toutiao", "douyin", "kuaishou", "channels", "xiaohongshu", "bilibili",
                                          "other")})
