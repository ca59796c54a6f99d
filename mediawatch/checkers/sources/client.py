"""Polite access to one platform for one run: delay, one request at a time per host, a cap, a breaker.

Every request a source makes goes through ``PlatformClient.fetch`` (which uses the run's shared
``Fetcher``). Per run (one ``Fetcher`` is one run), and shared by all accounts of the run:

- each platform host gets the platform's delay with jitter (``Fetcher.set_host_delay``);
- at most ``<platform>.concurrency`` requests in flight per host (default 1: one at a time);
- at most ``<platform>.max_requests_per_run`` requests (0: no cap); past it a fetch answers
  ``error_kind="request_cap"`` without touching the network;
- after ``<platform>.stop_after_blocks`` blocked answers in a row from one host, later fetches to
  that host answer with the same error kind without asking again (the platform has made itself
  clear; asking harder only prolongs the block). Any good answer resets the count.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from mediawatch.checkers.base import CheckContext
from mediawatch.transport.fetcher import FetchResult

_EXTRAS_KEY = "mediawatch.checkers.sources.client"
_CREATE = threading.Lock()
_BY_FETCHER: "weakref.WeakKeyDictionary[Any, RunState]" = weakref.WeakKeyDictionary()


@dataclass
class _HostState:
    gate: threading.BoundedSemaphore
    blocks_in_a_row: int = 0
    last_block: tuple[str, str] | None = None


@dataclass
class RunState:
    """What one run shares across accounts (and threads)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    hosts: dict[str, _HostState] = field(default_factory=dict)
    delays: dict[str, float] = field(default_factory=dict)
    requests: dict[str, int] = field(default_factory=dict)  # platform -> requests made
    values: dict[str, Any] = field(default_factory=dict)  # per-platform session values (visitor cookie)


def run_state(ctx: CheckContext) -> RunState:
    """The run's shared state: kept with the run's ``Fetcher`` (one per run, shared by every account's
    context), or in ``ctx.extras`` when a caller gives a context without a weak-referenceable fetcher."""
    with _CREATE:
        state = ctx.extras.get(_EXTRAS_KEY)
        if state is not None:
            return state
        try:
            state = _BY_FETCHER.get(ctx.fetcher)
            if state is None:
                state = _BY_FETCHER[ctx.fetcher] = RunState()
        except TypeError:
            state = RunState()
        ctx.extras[_EXTRAS_KEY] = state
        return state


class PlatformClient:
    def __init__(self, ctx: CheckContext, platform: str):
        section = getattr(ctx.config, platform)
        self.platform = platform
        self.fetcher = ctx.fetcher
        self.state = run_state(ctx)
        self.delay = float(section.delay_seconds)
        self.concurrency = max(1, int(section.concurrency))
        self.cap = int(section.max_requests_per_run)
        self.stop_after = int(section.stop_after_blocks)
        self.made = 0  # requests made through this client (this account)

    # --- the one entry point ----------------------------------------------------------------

    def fetch(self, url: str, **kwargs: Any) -> FetchResult:
        host = urlsplit(url).netloc.lower()
        host_state = self._host(host)
        with self.state.lock:
            if self.stop_after > 0 and host_state.blocks_in_a_row >= self.stop_after and host_state.last_block:
                kind, reason = host_state.last_block
                return _not_tried(url, kind, f"not asked: {host} refused {host_state.blocks_in_a_row} times in a "
                                             f"row in this run (last: {reason})")
            used = self.state.requests.get(self.platform, 0)
            if self.cap > 0 and used >= self.cap:
                return _not_tried(url, "request_cap",
                                  f"not asked: the run's cap of {self.cap} {self.platform} requests is reached")
            self.state.requests[self.platform] = used + 1
        self.made += 1
        with host_state.gate:
            return self.fetcher.fetch(url, **kwargs)

    # --- what the sources tell us about the answers -----------------------------------------

    def note_blocked(self, url: str, kind: str, reason: str) -> None:
        host_state = self._host(urlsplit(url).netloc.lower())
        with self.state.lock:
            host_state.blocks_in_a_row += 1
            host_state.last_block = (kind, reason)

    def note_ok(self, url: str) -> None:
        host_state = self._host(urlsplit(url).netloc.lower())
        with self.state.lock:
            host_state.blocks_in_a_row = 0

    def session_value(self, key: str) -> Any:
        with self.state.lock:
            return self.state.values.get(f"{self.platform}.{key}")

    def set_session_value(self, key: str, value: Any) -> None:
        with self.state.lock:
            self.state.values[f"{self.platform}.{key}"] = value

    @property
    def session_lock(self) -> threading.Lock:
        """Serialises session set-up (one visitor-cookie flow at a time per run)."""
        return self.lock_for("__session__")

    def lock_for(self, name: str) -> threading.Lock:
        """A run-wide lock for ``name`` (one fetch of a shared document at a time)."""
        with self.state.lock:
            lock = self.state.values.get(f"{self.platform}.__lock__.{name}")
            if lock is None:
                lock = self.state.values[f"{self.platform}.__lock__.{name}"] = threading.Lock()
            return lock

    # --- plumbing ---------------------------------------------------------------------------

    def _host(self, host: str) -> _HostState:
        with self.state.lock:
            host_state = self.state.hosts.get(host)
            if host_state is None:
                host_state = self.state.hosts[host] = _HostState(threading.BoundedSemaphore(self.concurrency))
            # a host shared by two platforms (one feed bridge for both) gets the longer delay
            if self.state.delays.get(host, -1.0) < self.delay:
                self.state.delays[host] = self.delay
                self.fetcher.set_host_delay(host, self.delay)
            return host_state


def _not_tried(url: str, kind: str, message: str) -> FetchResult:
    return FetchResult(url=url, final_url=url, error_kind=kind, error=message, attempts=0)
