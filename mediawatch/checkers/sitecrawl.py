"""The website crawl on the run's event loop: pages fetched concurrently, read in a worker process,
committed in breadth-first order.

``crawl_site(checker, account, config, reader, matcher)`` (a coroutine, run on the run's loop)
fetches the home page and the registered columns, then every inner page inside the site's own
hosts (the registered one and the one the home page redirects to) up to ``crawl.max_pages``,
each page once (GET, ``crawl.max_page_bytes`` at most, HTML only). Each page's fetch stands for
the link check of its URL. A page is read (decoded, parsed, links, typos) by ``pageread.read_page``
in ``reader`` (a process pool, or threads): its body and tree are released as soon as it is read,
and only its links are kept, until the page's turn comes. Pages are committed in the order the
breadth-first crawl discovers them, so the pages crawled, the ``crawl.max_pages`` cut and the
first page a broken link is shown on are those of a sequential crawl, whatever order the answers
come in. Links go to the run's ``LinkChecker`` (each unique URL judged once per run) and to a
``LinkTally`` (per unique URL only what the report shows).
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field

from mediawatch.checkers.links import (
    HTML_TYPES,
    LinkOutcome,
    host_of,
    is_attachment,
    normalize_url,
    outcome_of,
)
from mediawatch.checkers.pageread import PageRead, read_page
from mediawatch.checkers.tally import LinkTally
from mediawatch.transport.hostqueue import Later

CRAWLED_TAGS = frozenset({"a", "area", "iframe", "frame", "meta"})


@dataclass
class SiteCrawl:
    home: object  # FetchResult of the home page (kept: its dates and title are read by the caller)
    columns: dict[str, object] = field(default_factory=dict)  # column URL -> FetchResult
    pages_crawled: int = 0
    tally: LinkTally | None = None
    hits: list[dict] = field(default_factory=list)


def page_failure(result) -> tuple[str, str] | None:
    """(error_kind, message) when a fetched page cannot be read (before decoding), else None."""
    if result.error_kind is not None:
        return result.error_kind, result.error or result.error_kind
    if result.status is None or result.status >= 400:
        return "http", f"HTTP {result.status}"
    if not is_html(result):
        return "malformed", f"not an HTML page ({result.content_type or 'no content type'})"
    return None


def is_html(result) -> bool:
    if not result.body_read:
        return False
    content_type = result.content_type
    if content_type:
        return content_type.startswith(HTML_TYPES)
    head = result.content[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<meta"))


class _Crawl:
    def __init__(self, checker, account, config, reader, matcher):
        self.checker = checker
        self.client = checker.run_loop.client
        self.account = account
        self.page_bytes = int(config.crawl.max_page_bytes)
        self.max_pages = int(config.crawl.max_pages)
        self.external = bool(config.crawl.check_external_links)
        self.reader = reader
        self.matcher = matcher
        self.loop = asyncio.get_running_loop()
        self.fetches: dict[str, asyncio.Future] = {}  # home and columns: their results are kept
        self.reads: dict[str, asyncio.Future] = {}  # the columns' reads (the crawl may reach them too)
        self.site_hosts: set[str] = set()
        # inner pages fetched and not yet read are bounded: a reader slower than the network holds
        # back the fetches, instead of the bodies piling up in memory
        self.window = max(32, 2 * int(config.http.per_host_concurrency))
        self.in_window = 0
        self.waiting: deque[tuple] = deque()  # (key, answer, claim)

    def fetch(self, url: str, claim=False) -> asyncio.Future:
        """The GET of a page, started once (a retry is scheduled, holding no slot); it also stands
        for the link check of the page's URL."""
        key = normalize_url(url)
        future = self.fetches.get(key)
        if future is not None:
            return future
        if claim is False:
            claim = self.checker.claim(key)
        attempt = [0]

        async def step():
            attempt[0] += 1
            result = await self.client.fetch(key, max_bytes=self.page_bytes, body_types=HTML_TYPES, retries=0)
            wait = self.client.retry_wait(result, attempt[0])
            return Later(wait) if wait is not None else result

        future = self.checker.queue.submit(host_of(key), step, urgent=True)
        if claim:
            future.add_done_callback(lambda done: _settle(self.checker, key, done))
        return future

    def read(self, fetched: asyncio.Future, anywhere: bool = False) -> asyncio.Future:
        """The page read off the event loop once fetched: a future of (final key, PageRead)."""
        answer = self.loop.create_future()

        def fetched_done(done: asyncio.Future) -> None:
            if done.cancelled() or done.exception() is not None:
                _pass(answer, done)
                return
            result = done.result()
            final = normalize_url(result.final_url)
            failure = page_failure(result)
            if failure is None and not anywhere and host_of(final) not in self.site_hosts:
                failure = ("offsite", "outside the site")
            if failure is not None:
                answer.set_result((final, PageRead(failure=failure)))
                return
            if self.reader is not None:
                work = self.reader.read(result.content, result.headers.get("content-type"), result.final_url)
            else:
                work = self.loop.run_in_executor(None, read_page, result.content,
                                                 result.headers.get("content-type"), result.final_url, self.matcher)
            work.add_done_callback(lambda read: _pass(answer, read, final))

        fetched.add_done_callback(fetched_done)
        return answer

    def read_later(self, key: str) -> asyncio.Future:
        """An inner page's read, its fetch started when the window has room."""
        answer = self.loop.create_future()
        # claimed now: a link to this page found before its fetch starts is not checked again
        self.waiting.append((key, answer, self.checker.claim(key)))
        self._pump()
        return answer

    def _pump(self) -> None:
        while self.waiting and self.in_window < self.window:
            key, answer, claim = self.waiting.popleft()
            self.in_window += 1
            self.read(self.fetch(key, claim)).add_done_callback(lambda done, answer=answer: self._done(answer, done))

    def _done(self, answer: asyncio.Future, done: asyncio.Future) -> None:
        self.in_window -= 1
        _pass(answer, done)
        self._pump()

    async def run(self) -> SiteCrawl:
        account = self.account
        if self.reader is not None:
            await self.reader.start()
        home_future = self.fetches[normalize_url(account.url)] = self.fetch(account.url)
        for column in account.columns:
            self.fetches[normalize_url(column.url)] = self.fetch(column.url)
        home = await home_future
        self.site_hosts = {host_of(normalize_url(account.url)), host_of(home.final_url)}
        for column in account.columns:
            key = normalize_url(column.url)
            if key not in self.reads:
                self.reads[key] = self.read(self.fetches[key], anywhere=True)
        crawl = SiteCrawl(home=home, tally=LinkTally(home.final_url))
        if page_failure(home) is None:
            await self._crawl(home, home_future, crawl)
        for column in account.columns:
            crawl.columns[column.url] = await self.fetches[normalize_url(column.url)]
        return crawl

    async def _crawl(self, home, home_future, crawl: SiteCrawl) -> None:
        url = self.account.url
        planned = {normalize_url(url), normalize_url(home.final_url)}
        queue: deque[asyncio.Future] = deque([self.read(home_future)])
        parsed: set[str] = set()
        inner = 0
        tally = crawl.tally
        while queue:
            final, page = await queue.popleft()
            if final in parsed or page.failure is not None or host_of(final) not in self.site_hosts:
                continue
            parsed.add(final)
            for link_url, tag, _text in page.links:
                if inner >= self.max_pages:
                    break
                if tag in CRAWLED_TAGS and link_url not in planned and host_of(link_url) in self.site_hosts \
                        and not is_attachment(link_url):
                    planned.add(link_url)
                    inner += 1
                    queue.append(self.reads[link_url] if link_url in self.reads else self.read_later(link_url))
            links = page.links if self.external else [
                link for link in page.links if host_of(link[0]) in self.site_hosts]
            for link_url, _tag, _text in links:
                self.checker.schedule(link_url)
            tally.add_page(page_url_of(final, page), links)
            crawl.hits.extend(page.hits)
        # column pages the crawl did not reach are still read for typos
        for column in self.account.columns:
            key = normalize_url(column.url)
            final, page = await self.reads[key]
            if final not in parsed and page.failure is None:
                parsed.add(final)
                crawl.hits.extend(page.hits)
        crawl.pages_crawled = len(parsed)


def page_url_of(final: str, page: PageRead) -> str:
    return page.page_url or final


def _settle(checker, key: str, done: asyncio.Future) -> None:
    """The page's fetch stands for its link check (a failure of ours is "internal", never broken)."""
    if done.cancelled():
        outcome = LinkOutcome(url=key, error_kind="internal", error="link checker closed")
    elif done.exception() is not None:
        exc = done.exception()
        outcome = LinkOutcome(url=key, error_kind="internal", error=f"{exc.__class__.__name__}: {exc}")
    else:
        outcome = outcome_of(key, done.result())
    checker.settle(key, outcome)


def _pass(answer: asyncio.Future, source, final: str | None = None) -> None:
    if answer.done():
        return
    if source.cancelled():
        answer.cancel()
    elif source.exception() is not None:
        answer.set_exception(source.exception())
    else:
        answer.set_result(source.result() if final is None else (final, source.result()))


async def crawl_site(checker, account, config, reader, matcher) -> SiteCrawl:
    return await _Crawl(checker, account, config, reader, matcher).run()
