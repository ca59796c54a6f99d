"""The attachments of one website check, fetched on the run's event loop (transport/), not one by one.

    plans = fetch_heads(checker, items, known)       # every HEAD at once: [(url, page, head, plan)]
    for (url, page, head, plan), body in downloads(checker, plans, cap, window): ...

The requests go through the link checker's host queue, as the crawl's do: the same address guard,
size cap and limits (``http.per_host_concurrency`` to one host, ``crawl.link_workers`` in all); a
retry's backoff holds no slot. ``plan_for`` decides from the HEAD what to do (one rule for the loop
and the reader): ``gone`` (404/410), ``unchanged`` (the validator read last time), ``too_large``
(announced over the cap), else ``get``. At most ``window`` downloads are held at once (in flight or
waiting to be read), so memory stays at ``window`` x the cap, and the next one downloads while the
checking thread reads the last.
"""

from __future__ import annotations

import asyncio
from collections import deque
from concurrent.futures import Future
from typing import Iterable, Iterator

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
    """``(url, page, head, plan)`` for every attachment, their HEADs made at once."""
    items = list(items)
    heads = [_fetch(checker, url, method="HEAD", retries=0) for url, _page in items]
    return [(url, page, head.result(), plan_for(head.result(), known.get(url), cap))
            for (url, page), head in zip(items, heads)]


def downloads(checker, plans: list[tuple], cap: int, window: int) -> Iterator[tuple[tuple, FetchResult | None]]:
    """Each plan with its download (None when its plan is not ``get``), in order; at most ``window``
    downloads started and not yet handed out."""
    pending: deque = deque()
    queued = iter(plans)
    started = 0

    def top_up() -> None:
        nonlocal started
        while started < window:
            plan = next(queued, None)
            if plan is None:
                return
            body = _fetch(checker, plan[0], max_bytes=cap + 1) if plan[3] == "get" else None
            pending.append((plan, body))
            if body is not None:
                started += 1

    top_up()
    while pending:
        plan, body = pending.popleft()
        result = body.result() if body is not None else None
        yield plan, result  # read while the next downloads
        result = body = None
        if plan[3] == "get":
            started -= 1
        top_up()
