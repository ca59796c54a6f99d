"""The shared link checker: every platform's links (pages, posts) are checked here, the same way.

    checker = LinkChecker(fetcher, config)
    report = checker.check([Link(url, page=..., text=..., tag="a", post_id=..., post_url=...), ...])
    report.broken, report.throttled, report.skipped   # lists of dicts (keys below)
    report.links_checked                              # link occurrences looked at

How one URL is judged (each unique URL once per checker instance, fragment ignored):

1. ``HEAD``, following redirects (loops detected), with the fetcher's retries and backoff.
2. If that did not answer < 400, or failed in a way the method could explain (405, 403, 501,
   any other status >= 400, timeout, reset, redirect trouble), the verdict comes from a ``GET``
   whose body is never read (attachments are never downloaded). DNS failures, refused
   connections, TLS failures and invalid URLs do not depend on the method and are final.
3. Broken: a final status >= 400, or error kinds ``dns``, ``refused``, ``reset``, ``timeout``,
   ``tls``, ``redirect_loop``, ``too_many_redirects``, ``invalid_url``, ``network``,
   ``unreachable``. Throttled (``error_kind`` ``"throttled"``), not broken: 429, or 503 with
   ``Retry-After``, still so after the fetcher's retries. Skipped (``"private_address"``): a
   link to a private or loopback address when the config forbids fetching those; we cannot say.

Report entries (dicts): ``page, url, text, tag, status, error_kind, on_homepage, post_id,
post_url`` plus ``error`` (short message) and ``occurrences`` (pages/posts it was found on).
One entry per unique URL (per post, for links inside posts); the page shown is the home page
when the link is on it, else the first page it was found on.

``LinkChecker.for_run(ctx)`` gives the run's shared checker (one per ``CheckContext``).

Checks run on the run's event loop (transport/runloop.py, transport/client.py): at most
``http.per_host_concurrency`` requests to one host and ``crawl.link_workers`` in all in flight (a
slow host never holds up the others); a retry's backoff holds no slot.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Iterable
from urllib.parse import urlsplit

from mediawatch.pages.linkextract import Link
from mediawatch.pages.page import HTML_TYPES
from mediawatch.checkers.tally import LinkReport, LinkTally
from mediawatch.pages.urls import host_of, is_attachment, normalize_url
from mediawatch.transport.fetcher import FetchResult
from mediawatch.transport.hostqueue import HostQueue, Later
from mediawatch.transport.runloop import RunLoop
# error kinds that do not depend on the request method: no GET to confirm them
FINAL_ERRORS = frozenset({"dns", "refused", "tls", "invalid_url", "private_address"})
SKIPPED_ERRORS = frozenset({"private_address", "cancelled"})  # cancelled: cut by a stopping run, says nothing
_RUN_LOCK = threading.Lock()


@dataclass(slots=True)
class LinkOutcome:
    """The verdict on one URL."""

    url: str
    status: int | None = None
    error_kind: str | None = None  # None when healthy; "throttled" when the server asked us to wait
    error: str | None = None
    final_url: str | None = None
    method: str = "HEAD"
    # an attachment's Content-Length, ETag and Last-Modified as the check saw them: the privacy scan plans its
    # download from them instead of asking with a HEAD of its own (checkers/attachment_fetch.py)
    file_headers: tuple[str | None, str | None, str | None] | None = None

    @property
    def broken(self) -> bool:
        return self.error_kind is not None and self.error_kind not in ("throttled",) \
            and self.error_kind not in SKIPPED_ERRORS

    @property
    def throttled(self) -> bool:
        return self.error_kind == "throttled"

    @property
    def skipped(self) -> bool:
        return self.error_kind in SKIPPED_ERRORS


# --- checking -------------------------------------------------------------------------------

def outcome_of(url: str, result) -> LinkOutcome:
    """The verdict a fetch result gives (a page fetched for the crawl stands for its link check)."""
    outcome = LinkOutcome(url=url, status=result.status, final_url=result.final_url, method=result.method,
                          error=result.error)
    if is_attachment(url) and result.headers:
        headers = result.headers
        kept = (headers.get("content-length"), headers.get("etag"), headers.get("last-modified"))
        if any(kept):
            outcome.file_headers = kept
    if result.error_kind is not None:
        outcome.error_kind = result.error_kind
    elif result.throttled:
        outcome.error_kind = "throttled"
        outcome.error = f"HTTP {result.status}" + (
            f", Retry-After {result.retry_after:g}s" if result.retry_after is not None else "")
    elif result.status is not None and result.status >= 400:
        outcome.error_kind = "http"
        outcome.error = f"HTTP {result.status}"
    return outcome


class _Pending:
    """A URL being judged; ``future`` is made only when a thread waits for it."""

    __slots__ = ("future",)

    def __init__(self):
        self.future: Future | None = None


class LinkChecker:
    """Checks links, each unique URL once per instance, on the run's event loop (transport/):
    at most ``http.per_host_concurrency`` requests to one host and ``crawl.link_workers`` in all.
    Thread-safe: ``check``/``submit``/``outcome``/``report`` may be called from any thread;
    ``schedule``/``claim`` from coroutines on the run's loop. Close it (or use ``with``)."""

    def __init__(self, fetcher, config, run_loop=None):
        self.fetcher = fetcher
        self.config = config
        self.workers = int(config.crawl.link_workers)
        self.per_host = int(config.http.per_host_concurrency)
        self._lock = threading.Lock()
        # URL -> _Pending while judged, then its LinkOutcome (a Future only while a thread waits)
        self._outcomes: dict[str, "_Pending | LinkOutcome"] = {}
        self._run_loop = run_loop
        self._own_loop = run_loop is None
        self._queue = None

    @classmethod
    def for_run(cls, ctx) -> "LinkChecker":
        """The run's one checker (kept in ``ctx.extras["link_checker"]``): a URL linked from many
        accounts, on any platform, is then checked once per run."""
        with _RUN_LOCK:
            checker = ctx.extras.get("link_checker")
            if checker is None:
                checker = ctx.extras["link_checker"] = cls(ctx.fetcher, ctx.config, RunLoop.for_run(ctx))
            return checker

    # --- lifecycle --------------------------------------------------------------------------

    @property
    def run_loop(self):
        with self._lock:
            if self._run_loop is None:
                self._run_loop = RunLoop(self.config, self.fetcher)
            return self._run_loop

    @property
    def queue(self):
        """The jobs of this checker and of the crawls that use it (on the loop only)."""
        if self._queue is None:
            self._queue = HostQueue(self.per_host, self.workers)
        return self._queue

    def close(self) -> None:
        with self._lock:
            run_loop, self._run_loop = self._run_loop, None
        if run_loop is not None:
            if self._queue is not None:
                try:
                    run_loop.loop.call_soon_threadsafe(self._queue.cancel)
                except RuntimeError:
                    pass
            run_loop.close()
        with self._lock:
            for key, value in self._outcomes.items():
                if isinstance(value, _Pending):
                    self._outcomes[key] = LinkOutcome(url=key, error_kind="internal", error="link checker closed")
                    if value.future is not None and not value.future.done():
                        value.future.set_result(self._outcomes[key])

    def __enter__(self) -> "LinkChecker":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # --- the API ----------------------------------------------------------------------------

    def check(self, links: list[Link], *, homepage: str | None = None) -> LinkReport:
        """Judge every link (concurrently) and report the broken and throttled ones."""
        self.submit(links)
        return self.report(links, homepage=homepage)

    def submit(self, links: Iterable[Link]) -> None:
        """Start judging these links' URLs without waiting (from any thread)."""
        fresh = []
        with self._lock:
            for link in links:
                key = normalize_url(link.url)
                if key not in self._outcomes:
                    self._outcomes[key] = _Pending()
                    fresh.append(key)
        if fresh:
            self.run_loop.loop.call_soon_threadsafe(self._start_all, fresh)

    def schedule(self, key: str) -> None:
        """``submit`` for one URL already normalized (as ``extract_links`` gives them), from a
        coroutine on the run's loop."""
        if key in self._outcomes:  # a read without the lock: a miss is settled under it below
            return
        with self._lock:
            if key in self._outcomes:
                return
            self._outcomes[key] = _Pending()
        self._start(key)

    def judged(self, url: str) -> bool:
        """Whether ``url`` has been (or is being) judged in this run."""
        key = normalize_url(url)
        with self._lock:
            return key in self._outcomes

    def claim(self, url: str) -> bool:
        """Reserve ``url``'s verdict for a fetch already under way (a crawled page, fetched with
        GET): the caller then ``settle``s it with that fetch's ``outcome_of``. False when the URL
        was already being checked."""
        key = normalize_url(url)
        with self._lock:
            if key in self._outcomes:
                return False
            self._outcomes[key] = _Pending()
            return True

    def unclaim(self, url: str) -> None:
        """A claimed URL whose fetch will not happen (the crawl ended first): judged ``internal``, never
        broken, so nobody waits on it for ever."""
        key = normalize_url(url)
        self.settle(key, LinkOutcome(url=key, error_kind="internal", error="not fetched: the crawl ended first"))

    def settle(self, key: str, outcome: LinkOutcome) -> None:
        """The verdict on a URL being judged (kept as it is: a settled URL holds no Future)."""
        with self._lock:
            pending = self._outcomes.get(key)
            if not isinstance(pending, _Pending):
                return
            self._outcomes[key] = outcome
        if pending.future is not None:
            pending.future.set_result(outcome)

    def fetch_page(self, url: str, max_bytes: int, *, reserved: bool = False) -> Future:
        """The GET of a crawled page on the run's loop (urgent: pages feed the crawl), a retry
        scheduled without holding a slot; it also stands for the link check of its URL (``reserved``:
        the caller already ``claim``ed it). A ``concurrent.futures.Future`` of the ``FetchResult`` (a
        stopped run gives ``cancelled``)."""
        key = normalize_url(url)
        claimed = reserved or self.claim(key)
        run_loop = self.run_loop
        client = run_loop.client
        attempt = [0]

        async def step():
            attempt[0] += 1
            result = await client.fetch(key, max_bytes=max_bytes, body_types=HTML_TYPES, retries=0)
            wait = client.retry_wait(result, attempt[0])
            return Later(wait) if wait is not None else result

        async def page():
            try:
                return await self.queue.submit(host_of(key), step, urgent=True)
            except asyncio.CancelledError:
                return FetchResult(url=key, final_url=key, method="GET", error_kind="cancelled",
                                   error="the run is stopping")

        future = run_loop.submit(page())
        if claimed:
            def done(source: Future) -> None:
                try:
                    outcome = outcome_of(key, source.result())
                except BaseException as exc:  # noqa: BLE001 - a failed fetch is our fault, never a broken link
                    outcome = LinkOutcome(url=key, error_kind="internal", error=f"{exc.__class__.__name__}: {exc}")
                self.settle(key, outcome)

            future.add_done_callback(done)
        return future

    def settled(self, key: str) -> LinkOutcome | None:
        """The verdict on a normalized URL when it is known, else None; never waits (a dict read under
        the interpreter lock: a verdict, once set, never changes)."""
        value = self._outcomes.get(key)
        return value if value.__class__ is LinkOutcome else None

    def outcome(self, url: str) -> LinkOutcome:
        """The verdict on one URL (checked now if it was not yet)."""
        key = normalize_url(url)
        with self._lock:
            value = self._outcomes.get(key)
        if value is None:
            self.submit([Link(url=key, page="")])
        with self._lock:
            value = self._outcomes[key]
            if isinstance(value, LinkOutcome):
                return value
            if value.future is None:  # the first to wait makes the one Future others wait on too
                value.future = Future()
            future = value.future
        try:
            return future.result()
        except Exception as exc:  # noqa: BLE001 - a bug in a check never makes a link broken
            return LinkOutcome(url=key, error_kind="internal", error=f"{exc.__class__.__name__}: {exc}")

    def report(self, links: list[Link], *, homepage: str | None = None) -> LinkReport:
        """Wait for these links' verdicts and build the report."""
        tally = LinkTally(homepage)
        for link in links:
            tally.add_link(link)
        return tally.report(self.outcome)

    # --- one URL (on the loop) --------------------------------------------------------------

    def _start_all(self, keys: list[str]) -> None:
        for key in keys:
            self._start(key)

    def _start(self, key: str) -> None:
        job = self.queue.submit(host_of(key), self._judge(key))

        def done(source) -> None:
            if source.cancelled():
                outcome = LinkOutcome(url=key, error_kind="internal", error="link checker closed")
            elif source.exception() is not None:
                exc = source.exception()
                outcome = LinkOutcome(url=key, error_kind="internal", error=f"{exc.__class__.__name__}: {exc}")
            else:
                outcome = source.result()
            self.settle(key, outcome)

        job.add_done_callback(done)

    def _judge(self, url: str):
        """The steps that judge one URL: HEAD (retried without holding a slot), then, when HEAD did
        not settle it, one GET whose body is never read."""
        parts = urlsplit(url)
        state = {"method": "HEAD", "attempt": 0, "get_retries": None}
        client = self.run_loop.client

        async def step() -> LinkOutcome | Later:
            if parts.scheme not in ("http", "https") or not parts.hostname:
                return LinkOutcome(url=url, error_kind="invalid_url", error="not an http(s) URL with a host")
            state["attempt"] += 1
            result = await client.fetch(url, method=state["method"], max_bytes=0, retries=0)
            outcome = outcome_of(url, result)
            if state["method"] == "GET":
                wait = client.retry_wait(result, state["attempt"], state["get_retries"])
                return Later(wait) if wait is not None else outcome
            if outcome.error_kind is None or outcome.error_kind in FINAL_ERRORS:
                return outcome
            wait = client.retry_wait(result, state["attempt"])
            if wait is not None:
                return Later(wait)
            if outcome.throttled:
                return outcome
            # HEAD refused (405/403/501), or failed in a way GET might not: GET decides, body unread.
            # HEAD was already retried where retrying helps (timeouts, 5xx): GET confirms once.
            retried = result.error_kind is not None or (result.status or 0) >= 500
            state.update(method="GET", attempt=0, get_retries=0 if retried else None)
            return await step()

        return step
