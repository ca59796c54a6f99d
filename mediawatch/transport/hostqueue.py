"""Many jobs over many hosts on the run's event loop: at most N in flight per host, M in all.

``HostQueue(per_host, total)``: ``submit(host, step, urgent=False) -> asyncio.Future``, called on
the loop. ``step`` is a coroutine function; when it returns ``Later(delay)`` it runs again after
``delay`` seconds without holding its host's slot (a retry's backoff keeps nothing busy). Only
jobs in flight have a task: a queued job is a tuple, so a site of any size costs memory only for
its URLs. ``urgent`` jobs (pages, whose links feed the crawl) go before link checks.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict, deque
from typing import Any, Awaitable, Callable


class Later:
    """Returned by a step: run me again after ``delay`` seconds (a retry that holds no slot)."""

    __slots__ = ("delay",)

    def __init__(self, delay: float):
        self.delay = delay


Step = Callable[[], Awaitable[Any]]


class HostQueue:
    def __init__(self, per_host: int, total: int):
        self.per_host = max(1, per_host)
        self.total = max(1, total)
        self._queues: dict[str, tuple[deque, deque]] = defaultdict(lambda: (deque(), deque()))
        self._running: dict[str, int] = defaultdict(int)
        self._in_flight = 0
        self._waiting: deque[str] = deque()  # hosts with queued jobs held back by the total limit
        self._tasks: set[asyncio.Task] = set()

    def submit(self, host: str, step: Step, *, urgent: bool = False) -> asyncio.Future:
        future = asyncio.get_running_loop().create_future()
        self._queues[host][0 if urgent else 1].append((host, future, step, urgent))
        self._pump(host)
        return future

    def _pump(self, host: str) -> None:
        urgent, normal = self._queues[host]
        while (urgent or normal) and self._running[host] < self.per_host:
            if self._in_flight >= self.total:
                if host not in self._waiting:
                    self._waiting.append(host)
                return
            item = urgent.popleft() if urgent else normal.popleft()
            self._running[host] += 1
            self._in_flight += 1
            task = asyncio.get_running_loop().create_task(self._run(item))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        if not urgent and not normal:
            self._queues.pop(host, None)

    async def _run(self, item: tuple) -> None:
        host, future, step, urgent = item
        later = None
        try:
            if not future.done():
                try:
                    value = await step()
                    if isinstance(value, Later):
                        later = value
                    elif not future.done():
                        future.set_result(value)
                except asyncio.CancelledError:
                    if not future.done():
                        future.cancel()
                    raise
                except BaseException as exc:  # noqa: BLE001 - handed to whoever waits
                    if not future.done():
                        future.set_exception(exc)
        finally:
            self._running[host] -= 1
            self._in_flight -= 1
            if self._running[host] <= 0:
                self._running.pop(host, None)
            if later is not None:
                asyncio.get_running_loop().call_later(later.delay, self._requeue, item)
            self._pump(host)
            while self._waiting and self._in_flight < self.total:
                self._pump(self._waiting.popleft())

    def _requeue(self, item: tuple) -> None:
        host, _future, _step, urgent = item
        self._queues[host][0 if urgent else 1].append(item)
        self._pump(host)

    def cancel(self) -> None:
        for urgent, normal in self._queues.values():
            for _host, future, _step, _urgent in list(urgent) + list(normal):
                future.cancel()
        self._queues.clear()
        for task in list(self._tasks):
            task.cancel()
