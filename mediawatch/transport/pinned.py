"""The requests/urllib3 core's connections: judged, pinned, and cut at a wall-clock deadline.

- Every new connection asks ``guard.check_host`` for its addresses and connects to one of those
  addresses, never resolving the name again (no DNS rebinding between judging and connecting).
  TLS still verifies the certificate against the name (urllib3 does the handshake as usual).
- Every attempt runs inside ``attempt(...)``: a watchdog thread shuts the attempt's sockets down
  when its deadline passes, so a server that sends its headers one byte every two seconds is cut
  at the deadline (a per-read socket timeout would never fire). The request then fails and
  ``Attempt.expired`` tells the caller it was the deadline.
"""

from __future__ import annotations

import heapq
import itertools
import socket
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError

from mediawatch import clock
from mediawatch.transport import guard


@dataclass(eq=False)
class Attempt:
    """One request attempt: its guard policy, its deadline, the connections it used."""

    deadline: float
    allow_private: bool = False
    allowed: tuple[str, ...] = ()
    expired: bool = False
    connections: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def remaining(self) -> float:
        return max(0.001, self.deadline - clock.monotonic())

    def watch(self, conn) -> None:
        with self.lock:
            if conn not in self.connections:
                self.connections.append(conn)
            expired = self.expired
        if expired:
            _shutdown(conn)

    def expire(self) -> None:
        with self.lock:
            self.expired = True
            connections = list(self.connections)
        for conn in connections:
            _shutdown(conn)


def _shutdown(conn) -> None:
    sock = getattr(conn, "sock", None)
    if sock is None:
        return
    try:  # the plain socket's shutdown, also under TLS: wakes a read blocked in another thread
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass


@dataclass(eq=False)
class _Socket:
    sock: socket.socket


class _Watchdog:
    """One thread for the process while attempts are in flight: expires those whose deadline has
    passed, and ends when none is left (no thread lingers after a run)."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Attempt]] = []
        self._counter = itertools.count()
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._pending = 0

    def add(self, item: Attempt) -> None:
        with self._cond:
            heapq.heappush(self._heap, (item.deadline, next(self._counter), item))
            self._pending += 1
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="request-deadlines", daemon=True)
                self._thread.start()
            self._cond.notify()

    def done(self, item: Attempt) -> None:
        with self._cond:
            item.finished = True  # type: ignore[attr-defined]
            self._pending -= 1
            if self._pending == 0:
                self._heap.clear()
                self._cond.notify()

    def _loop(self) -> None:
        while True:
            with self._cond:
                while self._heap and getattr(self._heap[0][2], "finished", False):
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._thread = None
                    return
                deadline, _, item = self._heap[0]
                wait = deadline - clock.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                heapq.heappop(self._heap)
            if not getattr(item, "finished", False):
                item.expire()


_watchdog = _Watchdog()
_local = threading.local()


@contextmanager
def attempt(timeout: float, *, allow_private: bool, allowed: tuple[str, ...] = ()) -> Iterator[Attempt]:
    """The context one request attempt (connect, headers, body) runs in."""
    current = Attempt(deadline=clock.monotonic() + timeout, allow_private=allow_private, allowed=allowed)
    _watchdog.add(current)
    previous = getattr(_local, "attempt", None)
    _local.attempt = current
    try:
        yield current
    finally:
        _watchdog.done(current)
        _local.attempt = previous


def _current() -> Attempt:
    found = getattr(_local, "attempt", None)
    if found is None:  # a connection outside any attempt: the strictest policy, the default deadline
        found = Attempt(deadline=clock.monotonic() + 30.0)
    return found


class _Guarded:
    """Mixed into urllib3's connections: judged addresses only, and watched by the attempt."""

    def _new_conn(self) -> socket.socket:
        current = _current()
        try:
            addresses = guard.check_host(self._dns_host, self.port, allow_private=current.allow_private,
                                         allowed=current.allowed)
        except socket.gaierror as exc:
            raise NameResolutionError(self.host, self, exc) from exc
        error: OSError | None = None
        for address in addresses:
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            sock = socket.socket(family, socket.SOCK_STREAM)
            try:
                for option in self.socket_options or ():
                    sock.setsockopt(*option)
                timeout = self.timeout if isinstance(self.timeout, (int, float)) else None
                sock.settimeout(min(timeout, current.remaining()) if timeout else current.remaining())
                current.watch(_Socket(sock))  # watched from the connect on (a TLS handshake too)
                sock.connect((address, self.port))
                sys.audit("http.client.connect", self, self.host, self.port)
                return sock
            except TimeoutError as exc:
                sock.close()
                raise ConnectTimeoutError(self, f"Connection to {self.host} timed out") from exc
            except OSError as exc:
                sock.close()
                error = exc
        raise NewConnectionError(self, f"Failed to establish a new connection: {error}")

    def request(self, *args, **kwargs):  # every request on this connection, new or reused
        _current().watch(self)
        return super().request(*args, **kwargs)


class GuardedHTTPConnection(_Guarded, HTTPConnection):
    pass


class GuardedHTTPSConnection(_Guarded, HTTPSConnection):
    pass


class GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = GuardedHTTPConnection


class GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    """requests' adapter whose pools make only guarded, deadline-watched connections."""

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": GuardedHTTPPool, "https": GuardedHTTPSPool}
