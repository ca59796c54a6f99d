"""Availability probes: one GET of every active website's home page, stored as ``Probe`` rows.

A probe succeeds when the home page answers < 400 and arrives whole within
``http.timeout_seconds`` (19号: 15 s). It is one request, not retried: the ``unavailable`` rule
counts failed probes over a window, so a retry would hide exactly what it measures.

The canary (``canary.urls``) is fetched beside the probes; when it fails, our own network is suspect
and the probes are stored with ``network_ok=False`` (kept, never counted). Each probe run is also
recorded as a ``CheckRun`` of kind ``probe`` (status ``done``, or ``degraded`` when the canary failed).

The requests are made on one event loop with the crawl's client (transport/client.py: the same
address guard, size cap and per-host limit), at most ``crawl.link_workers`` in flight, the canary's
beside them: a probe run of 200 sites is 200 requests on one thread, not a pool of threads each
opening its own connection and loading the CA bundle again (issue 14: a normal run of the demo's
13 URLs 20 -> 12 ms).
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from sqlalchemy import insert, select

from mediawatch import clock
from mediawatch.canary import CANARY_FETCH, CanaryResult, canary_of
from mediawatch.store import Store
from mediawatch.store.models import Account, CheckRun, Probe


async def probe_one(client, url: str, timeout: float) -> dict:
    started = clock.monotonic()
    result = await client.fetch(url, retries=0, timeout=timeout)
    elapsed = clock.monotonic() - started
    error_kind = result.error_kind
    if error_kind is None and (result.status is None or result.status >= 400):
        error_kind = "http"
    if error_kind is None and elapsed > timeout:
        error_kind = "timeout"
    return {"ok": error_kind is None, "status": result.status, "elapsed_ms": round(elapsed * 1000, 1),
            "error_kind": error_kind,
            "error": result.error or (f"HTTP {result.status}" if error_kind == "http" else None)}


async def _probe_all(config, fetcher, urls: list[str], timeout: float, workers: int
                     ) -> tuple[CanaryResult, list[dict]]:
    """The canary's reference URLs and one probe per URL, on this loop; the client closed after."""
    from mediawatch.transport.client import AsyncClient

    client = AsyncClient(config, fetcher)
    slots = asyncio.Semaphore(workers)

    async def probe(url: str) -> dict:
        async with slots:
            return await probe_one(client, url, timeout)

    canary_urls = list(config.canary.urls)
    try:
        canary = asyncio.gather(*(client.fetch(url, **CANARY_FETCH) for url in canary_urls))
        outcomes = await asyncio.gather(*(probe(url) for url in urls))
        return canary_of(canary_urls, await canary), outcomes
    finally:
        await client.close()


def run_probes(store: Store, config, now: datetime, fetcher) -> dict:
    """Probe every active website once; returns a summary {probes, failed, network_ok, canary, run_id}."""
    with store.session() as session:
        sites = [(pk, account_id, url) for pk, account_id, url in session.execute(
            select(Account.id, Account.account_id, Account.url).where(
                Account.platform == "website", Account.active.is_(True), Account.status == "active")
            .order_by(Account.id)) if url]
        run = CheckRun(kind="probe", as_of=now, started_at=clock.now(), status="running",
                       scope={"accounts": [s[1] for s in sites]}, stats={})
        session.add(run)
        session.flush()
        run_id = run.id
    timeout = float(config.http.timeout_seconds)
    workers = max(1, int(config.crawl.link_workers))
    canary, outcomes = asyncio.run(_probe_all(config, fetcher, [url for _pk, _id, url in sites], timeout, workers))
    failed = sum(1 for o in outcomes if not o["ok"])
    with store.session() as session:
        if outcomes:  # one bulk INSERT, not an ORM object per probe
            session.execute(insert(Probe), [{"account_pk": pk, "at": now, "network_ok": canary.ok, **outcome}
                                            for (pk, _account_id, _url), outcome in zip(sites, outcomes)])
        run = session.get(CheckRun, run_id)
        run.status = "done" if canary.ok else "degraded"
        run.finished_at = clock.now()
        run.stats = {"probes": len(outcomes), "failed": failed, "network_ok": canary.ok}
        run.message = None if canary.ok else canary.describe()
    return {"run_id": run_id, "probes": len(outcomes), "failed": failed, "network_ok": canary.ok,
            "canary": canary.describe(),
            "results": [{"account_id": a, "url": u, **o} for (_pk, a, u), o in zip(sites, outcomes)]}
