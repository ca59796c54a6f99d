"""Reading one fetched page, in a worker process: decode, parse, links, visible text, typos.

``read_page(content, content_type, page_url)`` returns a ``PageRead`` (picklable, small): the
failure (``"malformed"`` when the page does not decode cleanly) or its links as
``(url, tag, text)`` tuples and its typo hits. The page's body and tree live only inside the call:
they are freed as soon as it returns, and the crawl keeps only the links.

``reader(matcher, processes)`` gives what the crawl reads pages with: a ``PageReader`` of
``crawl.parse_processes`` worker processes (the second core; forked, so the typo dictionary is
built once and inherited), or ``None`` (0: the event loop's default threads, off the loop all the same).
"""

from __future__ import annotations

from dataclasses import dataclass, field

_MATCHER = None  # the typo matcher of this process (set in the parent before the workers fork)


@dataclass
class PageRead:
    failure: tuple[str, str] | None = None
    links: list[tuple[str, str, str]] = field(default_factory=list)
    hits: list[dict] = field(default_factory=list)
    page_url: str = ""  # the URL the page was read at (its final URL, as fetched)


def set_matcher(matcher) -> None:
    global _MATCHER
    _MATCHER = matcher


def read_page(content: bytes, content_type: str | None, page_url: str, matcher=None) -> PageRead:
    from mediawatch.checkers.links import extract_links, parse_html
    from mediawatch.checkers.typos import visible_text
    from mediawatch.encoding import decode_page

    decoded = decode_page(content, content_type)
    if not decoded.clean:
        return PageRead(failure=("malformed", f"the page did not decode cleanly as {decoded.encoding} "
                                              f"({decoded.replaced} bad characters)"))
    tree = parse_html(decoded.text)
    links = [(link.url, link.tag, link.text) for link in extract_links(tree, page_url)]
    matcher = matcher if matcher is not None else _MATCHER
    hits = matcher.find(visible_text(tree), page=page_url) if matcher is not None else []
    return PageRead(links=links, hits=hits, page_url=page_url)


class PageReader:
    """Worker processes that read pages, spoken to over socket pairs from the event loop itself.

    No helper thread in the checking process (a ``ProcessPoolExecutor`` adds two, and their
    fight for the GIL with the event loop cost more than the reading saved, measured). Requests
    and answers are length-prefixed pickles; ``read`` returns an ``asyncio.Future`` of a
    ``PageRead``. Workers are forked, so they inherit the typo matcher; a worker that dies fails
    the reads it held (the crawl reports an internal error), never hangs them."""

    def __init__(self, matcher, processes: int):
        import os
        import socket

        set_matcher(matcher)
        self._workers: list[tuple[int, socket.socket]] = []
        for _ in range(processes):
            parent, child = socket.socketpair()
            pid = os.fork()
            if pid == 0:  # the worker
                code = 0
                try:
                    parent.close()
                    for _pid, other in self._workers:  # the earlier workers' ends: they must see EOF
                        other.close()
                    _serve(child)
                except BaseException:  # noqa: BLE001 - a worker never returns into the parent's code
                    code = 1
                finally:
                    os._exit(code)
            child.close()
            self._workers.append((pid, parent))
        self._channels: list[_Channel] = []
        self._starting = None
        self._next = 0

    async def start(self) -> None:
        """Connect the workers' sockets to the running loop, once (sites crawled at the same time
        share the reader: the second waits for the first's connection, never makes its own)."""
        if self._starting is None:
            self._starting = _asyncio.ensure_future(self._connect())
        await _asyncio.shield(self._starting)

    async def _connect(self) -> None:
        loop = _asyncio.get_running_loop()
        channels = []
        for _pid, sock in self._workers:
            _, channel = await loop.create_connection(_Channel, sock=sock)
            channels.append(channel)
        self._channels = channels

    def read(self, content: bytes, content_type: str | None, page_url: str):
        channel = self._channels[self._next % len(self._channels)]
        self._next += 1
        return channel.request((content, content_type, page_url))

    def close(self) -> None:
        import os

        for channel in self._channels:
            channel.close()
        for pid, sock in self._workers:
            sock.close()
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
        self._workers = []


import asyncio as _asyncio  # noqa: E402 - the channel below is an asyncio protocol
import pickle as _pickle  # noqa: E402
import struct as _struct  # noqa: E402

_HEADER = _struct.Struct("!II")  # request id, payload length


class _Channel(_asyncio.Protocol):
    def __init__(self):
        self.transport = None
        self.pending: dict[int, _asyncio.Future] = {}
        self.buffer = bytearray()
        self.ids = 0

    def connection_made(self, transport):
        self.transport = transport

    def request(self, payload) -> _asyncio.Future:
        future = _asyncio.get_running_loop().create_future()
        if self.transport is None or self.transport.is_closing():
            future.set_exception(RuntimeError("the page reader is closed"))
            return future
        self.ids += 1
        self.pending[self.ids] = future
        data = _pickle.dumps(payload, protocol=_pickle.HIGHEST_PROTOCOL)
        self.transport.write(_HEADER.pack(self.ids, len(data)) + data)
        return future

    def data_received(self, data):
        buffer = self.buffer
        buffer.extend(data)
        while len(buffer) >= _HEADER.size:
            ident, size = _HEADER.unpack_from(buffer)
            if len(buffer) < _HEADER.size + size:
                break
            answer = _pickle.loads(bytes(buffer[_HEADER.size:_HEADER.size + size]))
            del buffer[:_HEADER.size + size]
            future = self.pending.pop(ident, None)
            if future is not None and not future.done():
                if isinstance(answer, BaseException):
                    future.set_exception(answer)
                else:
                    future.set_result(answer)

    def connection_lost(self, exc):
        for future in self.pending.values():
            if not future.done():
                future.set_exception(RuntimeError("the page reader stopped"))
        self.pending.clear()

    def close(self):
        if self.transport is not None:
            self.transport.close()


def _serve(sock) -> None:
    """The worker's loop: read a request, answer it, until the parent closes the socket."""
    stream = sock.makefile("rb")
    while True:
        header = stream.read(_HEADER.size)
        if len(header) < _HEADER.size:
            return
        ident, size = _HEADER.unpack(header)
        content, content_type, page_url = _pickle.loads(stream.read(size))
        try:
            answer = read_page(content, content_type, page_url)
        except Exception as exc:  # noqa: BLE001 - handed back to the crawl
            answer = RuntimeError(f"reading {page_url} failed: {exc.__class__.__name__}: {exc}")
        data = _pickle.dumps(answer, protocol=_pickle.HIGHEST_PROTOCOL)
        sock.sendall(_HEADER.pack(ident, len(data)) + data)


def reader(matcher, processes: int) -> PageReader | None:
    """The page reader with ``processes`` workers that know ``matcher``, or None for 0."""
    return PageReader(matcher, processes) if processes > 0 else None
