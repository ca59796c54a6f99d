"""The website checker: home page and column freshness, links (home page and a crawl sample), severe typos.

One ``check(account, ctx)`` gives, in this order (shapes in checkers/base.py):

- ``homepage``: the home page's items, dated items and newest date, read by pages/pagereader.py
  (ways in followed, challenges, lists written by script, the column fallback; entries in
  pages/entries.py);
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
that fetch also stands for the link check of the page's URL. Every request of the crawl and the
link check is made on the run's event loop (transport/: aiohttp, a semaphore per host, the guard on
every hop). The home page and the columns are read here, in the checking thread (the way-in reader
needs them parsed); every crawled page is read into plain facts (checkers/crawl_read.py: links with
their text, typos, the safety scans' findings), here for a small crawl and in the run's page-reading
process (checkers/page_process.py, the second core) once a crawl has planned more than
``crawl.reading_process_pages`` pages; the crawl consumes the facts in its own order either way. One
link checker serves the whole run (``ctx.extras["link_checker"]``), so a URL linked from many sites
is checked once.
"""

from __future__ import annotations

import logging
import traceback
from sys import intern
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, wait

from mediawatch.checkers.base import AccountSpec, CheckContext, Observation, shared
from mediawatch.checkers.crawl_read import CrawlReading, CrawlSettings, PageFacts
from mediawatch.checkers.page_process import PageProcess, PageProcessError
from mediawatch.checkers.links import LinkChecker
from mediawatch.checkers.tally import LinkTally
from mediawatch.checkers.typos import TypoMatcher
from mediawatch.pages.linkextract import Link
from mediawatch.pages.page import fetch_failure, page_failure, release, tree_of, visible_text_of
from mediawatch.pages.html import parse_html
from mediawatch.pages.pagereader import PageReader
from mediawatch.pages.urls import host_of, is_attachment, normalize_url

from mediawatch.checkers import safety  # issue 15: 安全 (privacy, hidden links, tampering)
from mediawatch.checkers.interaction import observe_column  # issue 15: 互动回应差

log = logging.getLogger(__name__)

CRAWLED_TAGS = frozenset({"a", "area", "iframe", "frame", "meta"})


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
    def __init__(self, account: AccountSpec, ctx: CheckContext):
        self.account = account
        self.ctx = ctx
        self.config = ctx.config
        self.fetcher = ctx.fetcher
        self.checker = LinkChecker.for_run(ctx)
        self.page_bytes = int(self.config.crawl.max_page_bytes)
        self.pages: dict[str, Future] = {}
        self.reader = PageReader(lambda url: self.page(url).result(), self._fetch_any, self.config, ctx.now)
        self.home_final = None  # the page finally read as the home page (after a way in)
        self.home_reading = None  # how the home page was read (explain shows it)
        self.home_links: list[Link] = []  # the links of that page
        self.safety = safety.SafetyScan(self)  # issue 15

    def _fetch_any(self, url: str):
        """A list's JS or JSON source (any content type)."""
        return self.fetcher.fetch(url, max_bytes=self.page_bytes, retries=0)

    # --- pages ------------------------------------------------------------------------------

    def page(self, url: str, reserved: bool = False) -> Future:
        """The GET of a page, started once; it also stands for the link check of its URL (``reserved``:
        its check was claimed for this fetch when the crawl planned it)."""
        key = normalize_url(url)
        future = self.pages.get(key)
        if future is None:  # on the run's event loop
            future = self.pages[key] = self.checker.fetch_page(key, self.page_bytes, reserved=reserved)
        return future

    # --- the check --------------------------------------------------------------------------

    def run(self) -> list[Observation]:
        account = self.account
        home_future = self.page(account.url)
        for column in account.columns:
            self.page(column.url)
        home = home_future.result()
        observations = [self._homepage(home)]
        for column in account.columns:
            observations.append(self._guard("column", column.url, self._column, column))
        # --- issue 16: the site requirements of 国办发〔2017〕47号 (checkers/site_profile.py) ---
        if account.url and home.error_kind != "invalid_url":
            observations.append(self._guard("site_profile", account.url, _site_profile, account, home, self.ctx))
        # --- end issue 16 ---
        links, typos = self._guard_pair(home)
        # issue 15: interaction columns; privacy, hidden_links and tamper from the pages read above
        # (listed before links and typos, which stay last)
        observations.extend(self._guard("interaction", column.url, observe_column, self, column, self.ctx,
                                        dict(column.selectors))
                            for column in account.columns if column.category == "interaction")
        read_home = self.home_final or home  # the real home page behind a way in
        observations.extend(self.safety.finish(read_home, page_failure(read_home)))
        observations.extend([links, typos])
        return observations

    def _guard(self, kind: str, target: str | None, fn, *args) -> Observation:
        try:
            return fn(*args)
        except Exception as exc:  # noqa: BLE001
            log.exception("website %s check of %s failed", kind, self.account.account_id)
            return Observation.failed(kind, "internal", f"{exc.__class__.__name__}: {exc}", target=target)

    def _guard_pair(self, home) -> tuple[Observation, Observation]:
        try:
            return self._crawl(home)
        except Exception as exc:  # noqa: BLE001
            log.exception("website crawl of %s failed", self.account.account_id)
            message = f"{exc.__class__.__name__}: {exc}"
            return (Observation.failed("links", "internal", message, target=self.account.url),
                    Observation.failed("typos", "internal", message, target=self.account.url))

    def _homepage(self, home) -> Observation:
        url = self.account.url
        base = {"url": url, "final_url": home.final_url, "status": home.status}
        reading = self.home_reading = self.reader.read(home)
        failure = reading.failure
        if failure is None and reading.challenge is not None:
            failure = ("anti_crawl", f"{reading.challenge}（HTTP {home.status}）：不是网站本身的内容")
        if failure is not None:
            return Observation.failed("homepage", failure[0], failure[1], target=url, **base, title=None,
                                      items=None, dated_items=None, newest_date=None)
        final = reading.result
        self.home_final = final
        base["final_url"] = final.final_url
        return Observation("homepage", target=url, data={**base, "title": _title(tree_of(final)), **reading.as_data()})

    def _column(self, column) -> Observation:
        result = self.page(column.url).result()
        base = {"column": column.column, "category": column.category, "url": column.url, "status": result.status}
        reading = self.reader.read(result, home=False)
        failure = reading.failure
        if failure is None and reading.challenge is not None:
            failure = ("anti_crawl", f"{reading.challenge}（HTTP {result.status}）：不是网站本身的内容")
        if failure is not None:
            return Observation.failed("column", failure[0], failure[1], target=column.url, **base,
                                      items=None, dated_items=None, newest_date=None)
        return Observation("column", target=column.url, data={**base, **reading.as_data()})

    def _crawl(self, home) -> tuple[Observation, Observation]:
        url = self.account.url
        failure = page_failure(home)
        if failure is None and self.home_reading is not None and self.home_reading.challenge is not None:
            failure = ("anti_crawl", f"{self.home_reading.challenge}：不是网站本身的内容")  # never judge its links
        if failure is not None:
            return (Observation.failed("links", failure[0], failure[1], target=url),
                    Observation.failed("typos", failure[0], failure[1], target=url))
        matcher = shared(self.ctx, "typo_matcher", lambda: TypoMatcher.from_config(self.config))
        max_pages = int(self.config.crawl.max_pages)
        external = bool(self.config.crawl.check_external_links)
        site_hosts = {host_of(normalize_url(url)), host_of(home.final_url)}
        planned = {normalize_url(url), normalize_url(home.final_url)}
        queue = deque([home])
        if self.home_final is not None and self.home_final is not home:  # the real home page behind a way in
            site_hosts.add(host_of(self.home_final.final_url))
            planned.add(normalize_url(self.home_final.final_url))
            queue.append(self.home_final)
        parsed: set[str] = set()
        # the report gathered page by page from each page's facts (links with their text, findings): no
        # tree outlives its reading, so a crawl's memory does not grow with its pages
        tally = LinkTally(homepage=(self.home_final or home).final_url, settled=self.checker.settled)
        hits: list[dict] = []
        inner = 0
        max_links = int(self.config.crawl.max_links_per_page)
        capped: list[str] = []  # pages with more links than crawl.max_links_per_page
        # pages read again after the crawl (home, columns) keep their bodies; any other page is let go once
        # read (a later reader, e.g. the interaction check, fetches it again): memory does not grow with the site
        kept = {normalize_url(url), *(normalize_url(c.url) for c in self.account.columns)}

        def let_go(result) -> None:
            if result is not home and result is not self.home_final and normalize_url(result.url) not in kept:
                self.pages.pop(normalize_url(result.url), None)

        # pages are started a window ahead of their reading, not all at once: fetched and unread pages (and
        # their requests waiting on the loop) stay bounded however large the site. The window is wide (a small
        # one keeps both threads contending for the GIL page by page: ~20 % more CPU on a 5,000-page site).
        # A planned page's link check is claimed at once for its GET: the link checker never asks it with a HEAD.
        ahead = max(PAGES_AHEAD, 8 * int(self.config.http.per_host_concurrency))
        waiting: deque[tuple[str, bool]] = deque()
        # pages handed to the reader (this thread, or the run's page-reading process for a large crawl) in
        # the crawl's order, their facts consumed in that same order: (fetch result, its key, facts or Future)
        reading: deque = deque()
        reader = _CrawlReader(self, matcher, max_links)
        try:
            while queue or waiting or reading:
                while waiting and len(queue) < ahead:
                    page_url, reserved = waiting.popleft()
                    queue.append(self.page(page_url, reserved))
                # hand every fetched page at the head of the queue to the reader (waiting for a fetch only
                # when nothing is being read)
                while queue and len(reading) < READ_AHEAD and (not reading or _done(queue[0])):
                    item = queue.popleft()
                    result = item.result() if isinstance(item, Future) else item
                    final = normalize_url(result.final_url)
                    if final in parsed or host_of(final) not in site_hosts or fetch_failure(result) is not None:
                        let_go(result)
                        continue
                    parsed.add(final)
                    reading.append((result, final, reader.start(result, home_pages=(home, self.home_final),
                                                                 planned=inner)))
                if not reading:
                    continue
                result, final, facts = reading[0]
                if isinstance(facts, Future) and not facts.done() and queue and len(reading) < READ_AHEAD \
                        and isinstance(queue[0], Future):
                    wait((facts, queue[0]), return_when=FIRST_COMPLETED)  # whichever comes first
                    continue
                reading.popleft()
                facts = reader.finish(result, facts)
                if facts.failure is not None:  # did not decode cleanly: never read (no typo from mojibake)
                    parsed.discard(final)
                    let_go(result)
                    continue
                page = result.final_url
                links = _links(page, facts)
                if facts.capped:
                    capped.append(page)
                    log.warning("%s: more than %d links on %s; only the first %d are checked",
                                self.account.account_id, max_links, page, max_links)
                if result is (self.home_final or home):
                    self.home_links = links
                for link in links:
                    if inner >= max_pages:
                        break
                    if link.tag in CRAWLED_TAGS and link.url not in planned and host_of(link.url) in site_hosts \
                            and not is_attachment(link.url):
                        planned.add(link.url)
                        inner += 1
                        waiting.append((link.url, self.checker.claim(link.url)))
                self.safety.add_facts(page, links, facts)  # issue 15
                if not external:
                    links = [link for link in links if host_of(link.url) in site_hosts]
                self.checker.submit(links)
                tally.add_page_links(links)
                hits.extend(facts.typos)
                del links
                if result is not home and result is not self.home_final:
                    release(result)
                    let_go(result)
        finally:
            for page_url, reserved in waiting:  # a crawl that ended early: nobody waits on these for ever
                if reserved:
                    self.checker.unclaim(page_url)
            reader.close()
        # column pages the crawl did not reach are still read for typos (and the safety scans), here
        for column in self.account.columns:
            result = self.page(column.url).result()
            final = normalize_url(result.final_url)
            if final not in parsed and page_failure(result) is None:
                parsed.add(final)
                facts = reader.read_here(result)
                hits.extend(facts.typos)
                self.safety.add_facts(result.final_url, _links(result.final_url, facts), facts)  # issue 15
        report = tally.report(self.checker.outcome)
        links_obs = Observation("links", target=url, data={
            "pages_crawled": len(parsed), "links_checked": report.links_checked, "urls_checked": report.urls_checked,
            "broken": report.broken, "throttled": report.throttled, "skipped": report.skipped,
            "links_capped": {"limit": max_links, "pages": capped} if capped else None,
        })
        typos_obs = Observation("typos", target=url, data={"texts_scanned": len(parsed), "hits": hits})
        return links_obs, typos_obs


PAGES_AHEAD = 1024  # crawled pages started ahead of their reading at most (memory: their bodies, ~10 MB)
READ_AHEAD = 256  # pages handed to the reading process ahead of the crawl's use of their facts
READ_TIMEOUT = 120.0  # seconds a page's facts may take in the reading process before it is given up


def _links(page: str, facts: PageFacts) -> list[Link]:
    """A page's links from its facts. The URLs arrive normalized (extract_links), as normalize_url's interned
    strings are: interned too, a URL kept by the crawl's sets, the tally and the verdicts is one string."""
    return [Link(url=intern(url), page=page, tag=tag, text=text) for url, tag, text in facts.links]


def _done(item) -> bool:
    return not isinstance(item, Future) or item.done()


class _CrawlReader:
    """Reads a crawl's pages into ``PageFacts`` (checkers/crawl_read.py): the home page and small crawls
    in this thread; once the crawl has planned more than ``crawl.reading_process_pages`` pages, the
    rest in the run's page-reading process (checkers/page_process.py; ``crawl.reading_process = false``:
    never), which gives the same facts."""

    def __init__(self, site: "_SiteCheck", matcher, max_links: int):
        self.site = site
        self.matcher = matcher
        self.max_links = max_links
        self.threshold = int(site.config.crawl.reading_process_pages) if site.config.crawl.reading_process else -1
        self.here: CrawlReading | None = None
        self.process = None
        self.crawl: int | None = None
        self.sent = 0

    def _settings(self) -> CrawlSettings:
        safety = self.site.safety
        config = self.site.config
        return CrawlSettings(config_values=config.as_dict(), config_path=str(config.path) if config.path else None,
                             latest_year=self.site.ctx.now.year, max_links=self.max_links,
                             safety_hosts=sorted(safety.site_hosts), own_numbers=sorted(safety.own_numbers),
                             safety=safety.error is None)

    def start(self, result, *, home_pages, planned: int):
        """The page's facts, or a Future of them from the reading process."""
        if any(result is page for page in home_pages) or self.threshold < 0 or planned <= self.threshold:
            return self.read_here(result)
        if self.crawl is None:  # the first page past the threshold
            self.crawl = self._open()
        if self.process is None:
            return self.read_here(result)
        self.sent += 1
        future = self.process.read(self.crawl, self.sent, result.final_url, result.content,
                                   result.headers.get("content-type"))
        release(result)  # nothing here parses it: its views (if any) go now
        return future

    def _open(self) -> int:
        """This crawl's number in the run's reading process (``self.process``), or -1 (read here) when
        there is none."""
        self.process = PageProcess.for_run(self.site.ctx)
        if self.process is None:
            return -1
        try:
            return self.process.open_crawl(self._settings())
        except PageProcessError as exc:
            log.warning("page-reading process: %s; reading in the checking thread", exc)
            self.process = None
            return -1

    def finish(self, result, facts) -> PageFacts:
        if not isinstance(facts, Future):
            return facts
        try:
            return facts.result(timeout=READ_TIMEOUT)
        except (PageProcessError, TimeoutError) as exc:  # it died or hangs: this page and the rest are read here
            log.warning("page-reading process: %s; reading in the checking thread", exc or "no answer")
            if self.process is not None:
                self.process.abandon()
            self.process = None
            return self.read_here(result)

    def read_here(self, result) -> PageFacts:
        failure = page_failure(result)
        if failure is not None:
            return PageFacts(failure=failure)
        safety = self.site.safety
        safety.first_page(result)
        if self.here is None:
            self.here = CrawlReading(self._settings(), (self.matcher, getattr(safety, "finder", None),
                                                        getattr(safety, "matcher", None), self.site.config))
        return self.here.read_tree(result.final_url, tree_of(result), visible_text_of(result))

    def close(self) -> None:
        if self.process is not None and self.crawl is not None and self.crawl >= 0:
            self.process.end_crawl(self.crawl)


def _site_profile(account: AccountSpec, home, ctx: CheckContext) -> Observation:  # issue 16
    from mediawatch.checkers import site_profile

    return site_profile.observe(account, home, ctx, page_readable=page_failure(home) is None)


def _title(html) -> str | None:
    title = parse_html(html).find(".//title")
    if title is None:
        return None
    text = " ".join(title.text_content().split())
    return text[:200] or None
