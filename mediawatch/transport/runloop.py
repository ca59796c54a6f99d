"""The run's event loop, in a thread of its own, for checkers that are called synchronously.

    loop = RunLoop.for_run(ctx)          # one per run (kept in ctx.extras["run_loop"])
    future = loop.submit(coroutine)      # a concurrent.futures.Future, from any thread
    result = loop.run(coroutine)         # submit and wait
    loop.client                          # the run's AsyncClient (used on the loop only)
    loop.close()                         # the runner closes it when the run ends

Each account's check runs in the runner's threads as before; every HTTP request of the crawl and
the link check is made on this one loop, so the per-host limit, the connection pool and the DNS
answers are shared by the whole run.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from concurrent.futures import Future
from typing import Any, Coroutine

_LOCK = threading.Lock()


class RunLoop:
    def __init__(self, config, fetcher=None):
        from mediawatch.transport.client import AsyncClient

        self.config = config
        self.loop = asyncio.new_event_loop()
        self.client = AsyncClient(config, fetcher)
        # the thread holds the loop, not this object: a context dropped without close() lets it be
        # collected, and the finalizer below stops the thread
        self._thread = threading.Thread(target=_serve, args=(self.loop,), name="run-loop", daemon=True)
        self._thread.start()
        self._closed = False
        # a run's context dropped without close() (tests, one-off checks): its loop and connections
        # are still freed
        self._finalizer = weakref.finalize(self, _stop, self.loop, self._thread, self.client)

    @classmethod
    def for_run(cls, ctx) -> "RunLoop":
        with _LOCK:
            loop = ctx.extras.get("run_loop")
            if loop is None:
                loop = ctx.extras["run_loop"] = cls(ctx.config, ctx.fetcher)
            return loop

    def submit(self, coroutine: Coroutine[Any, Any, Any]) -> Future:
        if self._closed:
            coroutine.close()
            raise RuntimeError("the run's event loop is closed")
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop)

    def run(self, coroutine: Coroutine[Any, Any, Any]) -> Any:
        return self.submit(coroutine).result()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._finalizer()


def _serve(loop: asyncio.AbstractEventLoop) -> None:
    asyncio.set_event_loop(loop)
    loop.run_forever()


def _stop(loop: asyncio.AbstractEventLoop, thread: threading.Thread, client) -> None:
    if loop.is_closed():
        return
    try:
        future = asyncio.run_coroutine_threadsafe(client.close(), loop)
        if thread is not threading.current_thread():
            future.result(timeout=10)
    except Exception:  # noqa: BLE001 - closing never fails a run
        pass
    loop.call_soon_threadsafe(loop.stop)
    if thread is not threading.current_thread():
        thread.join(timeout=10)
    if not loop.is_running():
        loop.close()
