"""Scheduling many requests over many hosts with threads (superseded by transport/hostqueue.py on the run's event loop; no longer used by the crawl or the link checker).

``HostPool(workers, per_host)``: ``submit(host, fn, *args, urgent=False) -> Future``. A task that
returns ``Later(delay)`` runs again after ``delay`` seconds, its future still pending. Used by the
link checker and the website crawl (checkers/links.py, checkers/website.py).
"""

from __future__ import annotations

import heapq
import threading
from collections import defaultdict, deque
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable

from mediawatch import clock


class Later:
    """Returned by a pool task: run me again after ``delay`` seconds (a retry that holds no thread)."""

    __slots__ = ("delay",)

    def __init__(self, delay: float):
        self.delay = delay


class HostPool:
    """A thread pool that runs at most ``per_host`` tasks for one host at once, so tasks queued for
    a slow host never occupy the workers other hosts could use. ``urgent`` tasks go first. A task
    that returns ``Later(delay)`` is queued again after that delay, its future still pending: a
    retry's backoff never keeps a worker (or a host's slot) asleep."""

    def __init__(self, workers: int, per_host: int):
        self.per_host = max(1, per_host)
        self._executor = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="links")
        self._lock = threading.Lock()
        self._queues: dict[str, tuple[deque, deque]] = defaultdict(lambda: (deque(), deque()))
        self._running: dict[str, int] = defaultdict(int)
        self._delayed: list[tuple[float, int, tuple]] = []  # heap of (due, seq, item)
        self._seq = 0
        self._wake = threading.Condition(self._lock)
        self._timer: threading.Thread | None = None
        self._closed = False

    def submit(self, host: str, fn: Callable[..., Any], *args: Any, urgent: bool = False) -> Future:
        future: Future = Future()
        with self._lock:
            self._queues[host][0 if urgent else 1].append((host, future, fn, args, urgent))
            self._pump(host)
        return future

    def _pump(self, host: str) -> None:
        urgent, normal = self._queues[host]
        while self._running[host] < self.per_host and (urgent or normal) and not self._closed:
            item = urgent.popleft() if urgent else normal.popleft()
            self._running[host] += 1
            self._executor.submit(self._run, item)

    def _run(self, item: tuple) -> None:
        host, future, fn, args, urgent = item
        later = None
        try:
            if future.set_running_or_notify_cancel() if not future.running() else True:
                try:
                    value = fn(*args)
                    if isinstance(value, Later):
                        later = value
                    else:
                        future.set_result(value)
                except BaseException as exc:  # noqa: BLE001 - handed to whoever waits
                    future.set_exception(exc)
        finally:
            with self._lock:
                self._running[host] -= 1
                if later is not None:
                    self._schedule(clock.monotonic() + later.delay, item)
                self._pump(host)

    def _schedule(self, due: float, item: tuple) -> None:
        self._seq += 1
        heapq.heappush(self._delayed, (due, self._seq, item))
        if self._timer is None:
            self._timer = threading.Thread(target=self._timer_loop, name="links-timer", daemon=True)
            self._timer.start()
        self._wake.notify()

    def _timer_loop(self) -> None:
        with self._lock:
            while not self._closed:
                now = clock.monotonic()
                while self._delayed and self._delayed[0][0] <= now:
                    _, _, item = heapq.heappop(self._delayed)
                    host, _future, _fn, _args, urgent = item
                    self._queues[host][0 if urgent else 1].append(item)
                    self._pump(host)
                timeout = self._delayed[0][0] - now if self._delayed else None
                self._wake.wait(timeout)

    def shutdown(self, wait: bool = True) -> None:
        with self._lock:
            self._closed = True
            pending = [item for _, _, item in self._delayed]
            for urgent, normal in self._queues.values():
                pending.extend(urgent)
                pending.extend(normal)
                urgent.clear()
                normal.clear()
            self._delayed.clear()
            self._wake.notify_all()
        for item in pending:
            item[1].cancel() or (not item[1].done() and item[1].set_exception(RuntimeError("link checker closed")))
        self._executor.shutdown(wait=wait, cancel_futures=True)
