"""The attachments of one website check, fetched on the run's event loop (transport/), not one by one.

    plans = fetch_heads(checker, items, known)       # the link check's verdicts: [(url, page, head, plan)]
    for (url, page, head, plan), body in downloads(checker, plans, cap, window): ...

The requests go through the link checker's host queue, as the crawl's do: the same address guard,
size cap and limits (``http.per_host_concurrency`` to one host, ``crawl.link_workers`` in all); a
retry's backoff holds no slot. ``plan_for`` decides from the HEAD what to do (one rule for the loop
and the reader): ``gone`` (404/410), ``unchanged`` (the validator read last time), ``too_large``
(announced over the cap), else ``get``. The downloads held at once (in flight or waiting to be read)
weigh at most ``window`` x the cap, each counted at its announced length, so memory stays at that
bound while small files download together, and the next ones download while the checking thread
reads the last.
"""

from __future__ import annotations

import asyncio
from collections import deque
from concurrent.futures import Future
from typing import Iterable, Iterator

from requests.structures import CaseInsensitiveDict

from mediawatch.pages.urls import host_of
from mediawatch.transport.fetcher import FetchResult
from mediawatch.transport.hostqueue import Later

GONE_STATUSES = (404, 410)


def validator_of(head: FetchResult) -> str | None:
    """What says a file is unchanged: its ETag or Last-Modified, with its length (None: nothing to go by)."""
    if head.error_kind is not None or head.status is None or head.status >= 400:
        return None
    etag, modified = head.headers.get("etag"), head.headers.get("last-modified")
    if not etag and not modified:
        return None
    return f"{head.headers.get('content-length') or ''}|{etag or ''}|{modified or ''}"


def length_of(result: FetchResult) -> int | None:
    try:
        return int(result.headers.get("content-length"))
    except (TypeError, ValueError):
        return None


def plan_for(head: FetchResult, known: dict | None, cap: int) -> str:
    if head.error_kind is None and head.status in GONE_STATUSES:
        return "gone"  # nothing to download
    validator = validator_of(head)
    if validator and known and known.get("validator") == validator:
        return "unchanged"  # read before: its findings stand
    size = length_of(head)
    if head.error_kind is None and head.status is not None and head.status < 400 and size is not None and size > cap:
        return "too_large"
    return "get"


def _fetch(checker, url: str, **options) -> Future:
    """One fetch of ``url`` through the checker's host queue, retried as the fetcher would (without
    holding a slot): a ``concurrent.futures.Future`` of its ``FetchResult``; never raises."""
    run_loop = checker.run_loop
    client = run_loop.client
    retries = options.pop("retries", None)
    attempt = [0]

    async def step():
        attempt[0] += 1
        result = await client.fetch(url, retries=0, **options)
        wait = client.retry_wait(result, attempt[0], retries)
        return Later(wait) if wait is not None else result

    async def job():
        try:
            return await checker.queue.submit(host_of(url), step)
        except asyncio.CancelledError:
            return FetchResult(url=url, final_url=url, method=options.get("method", "GET"), error_kind="cancelled",
                               error="the run is stopping")

    return run_loop.submit(job())


def fetch_heads(checker, items: Iterable[tuple[str, str]], known: dict, cap: int) -> list[tuple]:
    """``(url, page, head, plan)`` for every attachment. A file the link check judged (or is judging) is
    planned from that verdict (its status, length and validators, kept for attachments): no second HEAD of
    it. Any other (a link to another host when ``crawl.check_external_links`` is off) gets a HEAD of its
    own, all of them at once."""
    items = list(items)
    heads = [None if checker.judged(url) else _fetch(checker, url, method="HEAD", retries=0) for url, _page in items]
    results = [head.result() if head is not None else head_of(url, checker.outcome(url))
               for (url, _page), head in zip(items, heads)]
    return [(url, page, head, plan_for(head, known.get(url), cap)) for (url, page), head in zip(items, results)]


def head_of(url: str, outcome) -> FetchResult:
    """A link verdict as the HEAD it stands for: an HTTP error is a status (``plan_for`` reads 404/410 as
    gone), a failure to connect stays a failure; the file's length and validators as headers."""
    length, etag, modified = outcome.file_headers or (None, None, None)
    headers = CaseInsensitiveDict({k: v for k, v in (("content-length", length), ("etag", etag),
                                                       ("last-modified", modified)) if v is not None})
    failed = outcome.error_kind not in (None, "http", "throttled")
    return FetchResult(url=url, final_url=outcome.final_url or url, status=outcome.status, headers=headers,
                       method=outcome.method, body_read=False, error_kind=outcome.error_kind if failed else None,
                       error=outcome.error if failed else None)


def downloads(checker, plans: list[tuple], cap: int, window: int) -> Iterator[tuple[tuple, FetchResult | None]]:
    """Each plan with its download (None when its plan is not ``get``), in order. The downloads started
    and not yet handed out weigh at most ``window`` x ``cap`` bytes, each counted at the length its HEAD
    announced (the cap when it announced none): ``window`` files of the largest size at once, many more
    of the small ones a site usually links (a 50 ms host's twenty 20 KB files took 0.6 s two at a time).
    One download always goes, whatever its weight."""
    pending: deque = deque()
    queued = deque(plans)
    budget = max(1, window) * cap
    held = 0

    def weight(plan) -> int:
        size = length_of(plan[2])
        return size if size is not None and 0 <= size <= cap else cap

    def top_up() -> None:
        nonlocal held
        while queued:
            plan = queued[0]
            if plan[3] != "get":
                pending.append((queued.popleft(), None, 0))
                continue
            w = weight(plan)
            if held and held + w > budget:
                return
            queued.popleft()
            pending.append((plan, _fetch(checker, plan[0], max_bytes=cap + 1), w))
            held += w

    top_up()
    while pending:
        plan, body, w = pending.popleft()
        result = body.result() if body is not None else None
        yield plan, result  # read while the next downloads
        result = body = None
        held -= w
        top_up()
