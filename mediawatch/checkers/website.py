"""The website checker: home page and column freshness, links (home page and a crawl sample), severe typos.

One ``check(account, ctx)`` gives, in this order (shapes in checkers/base.py):

- ``homepage``: the home page's items, dated items and newest date (checkers/dates.py);
- ``column``: one per registered column, the same figures for its list page;
- ``links``: every link on the home page, and on inner pages crawled breadth-first inside the
  site's own host (the registered one and the one the home page redirects to) up to
  ``crawl.max_pages``; links to other hosts are checked, never crawled
  (``crawl.check_external_links``). Broken entries carry ``on_homepage``. Extra keys:
  ``urls_checked`` and ``skipped`` (links to private addresses we may not fetch);
- ``typos``: hits of the severe-typo dictionary in the visible text of every page read.

A page that fails to load makes its observation ``ok=False`` with the fetch's error kind
(``"http"`` for a status >= 400). A page that does not decode cleanly is ``ok=False`` with
``"malformed"``: we never report a missed date or a typo from mojibake. The checker never
raises: an internal error becomes an observation with error kind ``"internal"``.

Pages are fetched with GET once (``crawl.max_page_bytes`` at most, and only when they are HTML);
that fetch also stands for the link check of the page's URL. The crawl runs on the run's event
loop and reads pages in a worker process (checkers/sitecrawl.py, checkers/pageread.py). One link checker serves the whole
run (``ctx.extras["link_checker"]``), so a URL linked from many sites is checked once.
"""

from __future__ import annotations

import logging
import threading
import traceback

from mediawatch.checkers.base import AccountSpec, CheckContext, Observation
from mediawatch.checkers.dates import summarize
from mediawatch.checkers.links import HTML_TYPES, LinkChecker
from mediawatch.checkers.typos import TypoMatcher

log = logging.getLogger(__name__)

_shared_lock = threading.Lock()


def shared(ctx: CheckContext, key: str, make):
    """One object per run (per context), made on first use."""
    with _shared_lock:
        value = ctx.extras.get(key)
        if value is None:
            value = ctx.extras[key] = make()
        return value


def _page_failure(result) -> tuple[str, str] | None:
    """(error_kind, message) when a fetched page cannot be read, else None."""
    if result.error_kind is not None:
        return result.error_kind, result.error or result.error_kind
    if result.status is None or result.status >= 400:
        return "http", f"HTTP {result.status}"
    if not _is_html(result):
        return "malformed", f"not an HTML page ({result.content_type or 'no content type'})"
    decoded = result.decoded
    if not decoded.clean:
        return "malformed", f"the page did not decode cleanly as {decoded.encoding} ({decoded.replaced} bad characters)"
    return None


def _is_html(result) -> bool:
    if not result.body_read:
        return False
    content_type = result.content_type
    if content_type:
        return content_type.startswith(HTML_TYPES)
    head = result.content[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<meta"))


class WebsiteChecker:
    platform = "website"

    def check(self, account: AccountSpec, ctx: CheckContext) -> list[Observation]:
        try:
            return _SiteCheck(account, ctx).run()
        except Exception as exc:  # noqa: BLE001 - a checker never raises
            log.exception("website check of %s failed", account.account_id)
            return [Observation.failed("homepage", "internal", f"{exc.__class__.__name__}: {exc}",
                                       target=account.url, traceback=traceback.format_exc(limit=5))]


class _SiteCheck:
    """One site's check: the crawl runs on the run's event loop (checkers/sitecrawl.py); the home
    page's and the columns' dates and title are read here, in the caller's thread."""

    def __init__(self, account: AccountSpec, ctx: CheckContext):
        self.account = account
        self.ctx = ctx
        self.config = ctx.config
        self.checker = LinkChecker.for_run(ctx)

    def run(self) -> list[Observation]:
        from mediawatch.checkers.sitecrawl import crawl_site

        account = self.account
        matcher = shared(self.ctx, "typo_matcher", lambda: TypoMatcher.from_config(self.config))
        run_loop = self.checker.run_loop
        reader = run_loop.page_reader(matcher, int(self.config.crawl.parse_processes))
        crawl = run_loop.run(crawl_site(self.checker, account, self.config, reader, matcher))
        observations = [self._homepage(crawl.home)]
        for column in account.columns:
            observations.append(self._guard("column", column.url, self._column, crawl.columns[column.url], column))
        observations.extend(self._guard_pair(crawl))
        return observations

    def _guard(self, kind: str, target: str | None, fn, *args) -> Observation:
        try:
            return fn(*args)
        except Exception as exc:  # noqa: BLE001
            log.exception("website %s check of %s failed", kind, self.account.account_id)
            return Observation.failed(kind, "internal", f"{exc.__class__.__name__}: {exc}", target=target)

    def _guard_pair(self, crawl) -> tuple[Observation, Observation]:
        try:
            return self._links(crawl)
        except Exception as exc:  # noqa: BLE001
            log.exception("website crawl of %s failed", self.account.account_id)
            message = f"{exc.__class__.__name__}: {exc}"
            return (Observation.failed("links", "internal", message, target=self.account.url),
                    Observation.failed("typos", "internal", message, target=self.account.url))

    def _homepage(self, home) -> Observation:
        url = self.account.url
        base = {"url": url, "final_url": home.final_url, "status": home.status}
        failure = _page_failure(home)
        if failure is not None:
            return Observation.failed("homepage", failure[0], failure[1], target=url, **base, title=None,
                                      items=None, dated_items=None, newest_date=None)
        summary = summarize(home.tree, self.ctx.now)
        return Observation("homepage", target=url, data={**base, "title": _title(home.tree), **summary.as_data()})

    def _column(self, result, column) -> Observation:
        base = {"column": column.column, "category": column.category, "url": column.url, "status": result.status}
        failure = _page_failure(result)
        if failure is not None:
            return Observation.failed("column", failure[0], failure[1], target=column.url, **base,
                                      items=None, dated_items=None, newest_date=None)
        summary = summarize(result.tree, self.ctx.now)
        return Observation("column", target=column.url, data={**base, **summary.as_data()})

    def _links(self, crawl) -> tuple[Observation, Observation]:
        url = self.account.url
        failure = _page_failure(crawl.home)
        if failure is not None:
            return (Observation.failed("links", failure[0], failure[1], target=url),
                    Observation.failed("typos", failure[0], failure[1], target=url))
        report = crawl.tally.report(self.checker.outcome)
        links_obs = Observation("links", target=url, data={
            "pages_crawled": crawl.pages_crawled, "links_checked": report.links_checked,
            "urls_checked": report.urls_checked,
            "broken": report.broken, "throttled": report.throttled, "skipped": report.skipped,
        })
        typos_obs = Observation("typos", target=url, data={"texts_scanned": crawl.pages_crawled, "hits": crawl.hits})
        return links_obs, typos_obs


def _title(html) -> str | None:
    from mediawatch.checkers.links import parse_html

    title = parse_html(html).find(".//title")
    if title is None:
        return None
    text = " ".join(title.text_content().split())
    return text[:200] or None
