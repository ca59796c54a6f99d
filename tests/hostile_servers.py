"""Raw-socket servers that misbehave below HTTP: what an ``http.server`` handler cannot do.

- ``SlowHeaderServer``: answers every request with a status line and headers sent one byte every
  ``interval`` seconds, for ever (or until stopped): each socket read gets a byte in time, so only
  a wall-clock deadline on the whole request ends it.
- ``RawServer``: answers every request with the exact bytes given (a ``Location`` header with a
  backslash, a header no HTTP library would write), then closes.

Both bind any loopback address (``127.0.0.2`` stands for an internal host the guard must refuse
while ``127.0.0.1`` is allowed), count their connections, and are context managers. The tests
that use them speak to mediawatch only through what an office uses (checkers, CLI), so they hold
for any HTTP core.
"""

from __future__ import annotations

import socket
import threading
from typing import Callable


class _RawBase:
    def __init__(self, host: str = "127.0.0.1"):
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((host, 0))
        self._sock.listen(64)
        self._sock.settimeout(0.1)
        self.host, self.port = self._sock.getsockname()[:2]
        self.connections = 0
        self.requests: list[bytes] = []
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def url(self, path: str = "/") -> str:
        return f"http://{self.host}:{self.port}{path}"

    def start(self):
        thread = threading.Thread(target=self._accept, daemon=True, name=f"raw-{self.port}")
        thread.start()
        self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)
        self._sock.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            with self._lock:
                self.connections += 1
            thread = threading.Thread(target=self._serve_one, args=(conn,), daemon=True)
            thread.start()

    def _read_request(self, conn: socket.socket) -> bytes:
        conn.settimeout(5)
        data = b""
        try:
            while b"\r\n\r\n" not in data and len(data) < 65536:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                data += chunk
        except OSError:
            pass
        with self._lock:
            self.requests.append(data)
        return data

    def _serve_one(self, conn: socket.socket) -> None:
        try:
            self.serve(conn, self._read_request(conn))
        except OSError:
            pass
        finally:
            conn.close()

    def serve(self, conn: socket.socket, request: bytes) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class SlowHeaderServer(_RawBase):
    """Status line and headers one byte every ``interval`` seconds, never finishing; the paths in
    ``fast`` are answered at once with the bytes given (a home page linking to a slow inner page)."""

    def __init__(self, host: str = "127.0.0.1", interval: float = 2.0, fast: dict[str, bytes] | None = None):
        super().__init__(host)
        self.interval = interval
        self.fast = fast or {}

    def serve(self, conn: socket.socket, request: bytes) -> None:
        parts = request.split(b" ", 2)
        path = parts[1].decode("latin-1") if len(parts) > 2 else "/"
        if path in self.fast:
            conn.sendall(self.fast[path])
            return
        header = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Slow: " + b"a" * 1_000_000
        for i in range(len(header)):
            if self._stop.wait(self.interval if i else 0):
                return
            conn.sendall(header[i:i + 1])


class RawServer(_RawBase):
    """Every request answered with ``reply`` (bytes, or a function of the request's bytes)."""

    def __init__(self, reply: bytes | Callable[[bytes], bytes], host: str = "127.0.0.1"):
        super().__init__(host)
        self.reply = reply

    def serve(self, conn: socket.socket, request: bytes) -> None:
        conn.sendall(self.reply(request) if callable(self.reply) else self.reply)


def redirect(location: str) -> bytes:
    """A 302 whose ``Location`` is written byte for byte as given (backslashes included)."""
    return (b"HTTP/1.1 302 Found\r\nLocation: " + location.encode("latin-1")
            + b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


def page(html: str, status: int = 200) -> bytes:
    body = html.encode("utf-8")
    return (b"HTTP/1.1 %d OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n"
            b"Connection: close\r\n\r\n" % (status, len(body))) + body
