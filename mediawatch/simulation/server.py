"""A real HTTP server on 127.0.0.1 with routes and faults, run in a thread.

Routes map a path (exact, or a prefix ending in ``*``) to a ``Reply`` or to a function
``(request) -> Reply``. Faults are real: a ``Reply(fault="reset")`` closes the socket with an RST,
``fault="hang"`` sleeps past the client's timeout, ``fault="drop"`` closes without answering.

    with LocalServer() as server:
        server.route("/", Reply(body="<html>…</html>".encode("gbk"), content_type="text/html; charset=gbk"))
        server.route("/down", Reply(status=503))
        server.url("/")      # -> "http://127.0.0.1:PORT/"

Every request is logged in ``server.requests`` (method, path, headers, and ``sent_bytes``: body
bytes actually written to the socket) for assertions.

More faults and knobs: ``fault="drip"`` sends the body one byte every ``drip_interval`` seconds;
``Reply(chunked=True)`` uses chunked transfer encoding; ``server.latency`` delays every answer
(a simulated network); ``LocalServer(log_requests=False)`` keeps no request log (benchmarks).
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable
from urllib.parse import parse_qs, urlsplit


@dataclass
class Reply:
    status: int = 200
    body: bytes | str = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    fault: str | None = None  # reset | hang | drop | drip
    delay: float = 0.0  # seconds before answering
    hang_seconds: float = 30.0
    # for large bodies: send this many bytes of filler after ``body`` without building them in memory
    filler_bytes: int = 0
    chunked: bool = False
    drip_interval: float = 0.2


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    sent_bytes: int = 0

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default


Handler = Callable[[Request], Reply]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request, client_address) -> None:
        import sys

        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return  # a client that hung up (a link checker dropping a body it does not need)
        super().handle_error(request, client_address)


class LocalServer:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, log_requests: bool = True):
        self.log_requests = log_requests
        self.latency = 0.0  # seconds added before every answer
        self.routes: dict[str, Reply | Handler] = {}
        self.prefixes: list[tuple[str, Reply | Handler]] = []
        self.requests: list[Request] = []
        self.connections = 0  # TCP connections accepted (keep-alive reuse shows as fewer connections than requests)
        self.fallback: Reply | Handler = Reply(status=404, body=b"not found", content_type="text/plain")
        self._lock = threading.Lock()
        self._httpd = _Server((host, port), self._handler_class())
        self.host, self.port = self._httpd.server_address[:2]
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    # --- configuration ----------------------------------------------------------------------

    def route(self, path: str, reply: Reply | Handler) -> None:
        with self._lock:
            if path.endswith("*"):
                self.prefixes = [(p, r) for p, r in self.prefixes if p != path[:-1]]
                self.prefixes.append((path[:-1], reply))
                self.prefixes.sort(key=lambda item: -len(item[0]))
            else:
                self.routes[path] = reply

    def url(self, path: str = "/") -> str:
        return f"http://{self.host}:{self.port}{path}"

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def count(self, path: str) -> int:
        with self._lock:
            return sum(1 for r in self.requests if r.path == path)

    # --- lifecycle --------------------------------------------------------------------------

    def start(self) -> "LocalServer":
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"local-server-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> "LocalServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- serving ----------------------------------------------------------------------------

    def _resolve(self, path: str) -> Reply | Handler:
        with self._lock:
            if path in self.routes:
                return self.routes[path]
            for prefix, reply in self.prefixes:
                if path.startswith(prefix):
                    return reply
            return self.fallback

    def _handler_class(self):
        server = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet
                pass

            def setup(self) -> None:
                super().setup()
                with server._lock:
                    server.connections += 1
                # headers and body go out in separate writes: without this, Nagle's algorithm and the
                # client's delayed ACK add ~40 ms to every response with a body
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                request = Request(self.command, parts.path, parse_qs(parts.query), dict(self.headers.items()), body)
                if server.log_requests:
                    with server._lock:
                        server.requests.append(request)
                target = server._resolve(parts.path)
                reply = target(request) if callable(target) else target
                if reply.delay or server.latency:
                    time.sleep(reply.delay + server.latency)
                if reply.fault == "reset":
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.connection.close()
                    self.close_connection = True
                    return
                if reply.fault == "drop":
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
                if reply.fault == "hang":
                    server._stopping.wait(reply.hang_seconds)
                    self.close_connection = True
                    return
                payload = reply.body.encode("utf-8") if isinstance(reply.body, str) else reply.body
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                if reply.chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                else:
                    self.send_header("Content-Length", str(len(payload) + reply.filler_bytes))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if self.command == "HEAD":
                    return
                try:
                    self._write_body(reply, payload, request)
                except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
                    self.close_connection = True

            def _send(self, data: bytes, request: Request, chunked: bool) -> None:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data) if chunked else data)
                request.sent_bytes += len(data)

            def _write_body(self, reply: Reply, payload: bytes, request: Request) -> None:
                if reply.fault == "drip":
                    for i in range(len(payload)):
                        if server._stopping.wait(reply.drip_interval):
                            return
                        self._send(payload[i:i + 1], request, reply.chunked)
                        self.wfile.flush()
                else:
                    for start in range(0, len(payload), 65536):
                        self._send(payload[start:start + 65536], request, reply.chunked)
                remaining = reply.filler_bytes
                block = b"\0" * 65536
                while remaining > 0 and not server._stopping.is_set():
                    chunk = block[:min(remaining, len(block))]
                    self._send(chunk, request, reply.chunked)
                    remaining -= len(chunk)
                if reply.chunked:
                    self.wfile.write(b"0\r\n\r\n")

            do_GET = do_HEAD = do_POST = _serve

        return RequestHandler
