"""The run's page-reading process: large crawls read their pages on the second core.

A website crawl is bound by one core when its pages are read in the checking thread: the event loop
(every request) and the reading (parsing, links, visible text, the scans) share the interpreter's lock.
For a crawl with many pages, checkers/website.py sends each fetched page's body here and gets plain
data back (checkers/crawl_read.py ``PageFacts``), in the order it sent them; the reading then runs
beside the requests instead of between them.

One process per run (``PageProcess.for_run(ctx)``, kept in ``ctx.extras["page_process"]``, closed
with the run), started only when a crawl first needs it, so small sites never pay for it. It is a
plain ``python -m mediawatch.checkers.page_process`` child speaking length-prefixed pickles over its
stdin and stdout (both ends are ours); it ends when its stdin closes, so it never outlives the
checker. If it cannot start or dies, the waiting pages fail with ``PageProcessError`` and the
crawl reads in its own thread from then on.
"""

from __future__ import annotations

import logging
import os
import pickle
import struct
import subprocess
import sys
import threading
import traceback
from concurrent.futures import Future

from mediawatch.checkers.base import CheckContext, shared
from mediawatch.checkers.crawl_read import CrawlReading, CrawlSettings, PageFacts, build_matchers

log = logging.getLogger(__name__)
_HEADER = struct.Struct("!I")


class PageProcessError(RuntimeError):
    pass


class PageProcess:
    def __init__(self):
        self._lock = threading.Lock()  # guards the tables below (never held while writing: see _send)
        self._write_lock = threading.Lock()  # one writer at a time
        self._pending: dict[tuple[int, int], Future] = {}
        self._crawls = 0
        self._closed = False
        self.broken: str | None = None
        # the child imports mediawatch from where this process did
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        self._child = subprocess.Popen([sys.executable, "-m", "mediawatch.checkers.page_process"],
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        self._out = self._child.stdin
        self._in = self._child.stdout
        self._receiver = threading.Thread(target=self._receive, name="page-process-reader", daemon=True)
        self._receiver.start()

    @classmethod
    def for_run(cls, ctx: CheckContext) -> "PageProcess | None":
        """The run's process, started on first use; None when it could not start (read in the thread)."""
        def make():
            try:
                return cls()
            except OSError as exc:
                log.warning("page-reading process unavailable, pages are read in the checking thread: %s", exc)
                return _Unavailable()

        process = shared(ctx, "page_process", make)
        return None if isinstance(process, _Unavailable) or process.broken else process

    # --- the crawl's side -----------------------------------------------------------------------

    def open_crawl(self, settings: CrawlSettings) -> int:
        with self._lock:
            self._crawls += 1
            crawl = self._crawls
        self._send(("crawl", crawl, settings))
        return crawl

    def read(self, crawl: int, seq: int, final_url: str, content: bytes, content_type: str | None) -> Future:
        future: Future = Future()
        with self._lock:
            if self.broken:
                future.set_exception(PageProcessError(self.broken))
                return future
            self._pending[(crawl, seq)] = future
        try:
            self._send(("page", crawl, seq, final_url, content, content_type))
        except PageProcessError:
            pass  # the future has failed with the rest
        return future

    def end_crawl(self, crawl: int) -> None:
        with self._lock:
            for key in [k for k in self._pending if k[0] == crawl]:
                self._pending.pop(key).cancel()
            broken = self.broken
        if not broken:
            try:
                self._send(("end", crawl))
            except PageProcessError:
                pass

    def abandon(self) -> None:
        """Given up on (it hangs or died): killed; what waits fails; later crawls read in their threads."""
        with self._lock:
            self._fail_locked("page-reading process given up")
        try:
            self._child.kill()
        except OSError:
            pass

    def close(self) -> None:
        with self._write_lock:
            if self._closed:
                return
            self._closed = True
            try:
                self._out.close()
            except OSError:
                pass
        try:
            self._child.wait(5)
        except subprocess.TimeoutExpired:
            self._child.kill()
            self._child.wait(5)
        self._receiver.join(5)
        self._in.close()

    # --- the pipe -------------------------------------------------------------------------------

    def _send(self, message: tuple) -> None:
        """Write one message. Never under ``_lock``: the child may be waiting for the receiver (which
        takes ``_lock``) to read its answers before it reads more. A dead child marks the process
        broken and fails what waits."""
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        with self._write_lock:
            if self._closed:
                raise PageProcessError("page-reading process closed")
            try:
                self._out.write(_HEADER.pack(len(data)) + data)
                self._out.flush()
            except (OSError, ValueError) as exc:
                error = exc
            else:
                return
        with self._lock:
            self._fail_locked(f"page-reading process gone: {error}")
            raise PageProcessError(self.broken)

    def _receive(self) -> None:
        try:
            while True:
                message = _read_message(self._in)
                if message is None:
                    break
                crawl, seq, facts, error = message
                with self._lock:
                    future = self._pending.pop((crawl, seq), None)
                if future is None or future.cancelled():
                    continue
                if error is not None:
                    future.set_exception(PageProcessError(error))
                else:
                    future.set_result(PageFacts.from_tuple(facts))
        except Exception as exc:  # noqa: BLE001 - a broken pipe fails the waiting pages below
            log.warning("page-reading process: %s", exc)
        with self._lock:
            self._fail_locked("page-reading process closed" if self._closed else "page-reading process ended")

    def _fail_locked(self, why: str) -> None:
        if not self._closed:
            self.broken = self.broken or why
        pending, self._pending = self._pending, {}
        for future in pending.values():
            if not future.done():
                future.set_exception(PageProcessError(why))


class _Unavailable:
    broken = "unavailable"

    def close(self) -> None:
        pass


def _read_exactly(stream, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = stream.read(left)
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _read_message(stream):
    header = _read_exactly(stream, _HEADER.size)
    if header is None:
        return None
    data = _read_exactly(stream, _HEADER.unpack(header)[0])
    return None if data is None else pickle.loads(data)


def serve(stdin, stdout) -> None:
    """The child: read pages until stdin closes."""
    crawls: dict[int, CrawlReading] = {}
    matchers: dict[tuple, tuple] = {}  # per configuration: built once for the run's crawls
    while True:
        message = _read_message(stdin)
        if message is None:
            return
        kind, crawl = message[0], message[1]
        if kind == "crawl":
            settings: CrawlSettings = message[2]
            key = (repr(settings.config_values), settings.config_path, settings.latest_year, settings.safety)
            try:
                if key not in matchers:
                    matchers[key] = build_matchers(settings)
                crawls[crawl] = CrawlReading(settings, matchers[key])
            except Exception as exc:  # noqa: BLE001 - each page of this crawl then says why
                crawls[crawl] = exc  # type: ignore[assignment]
        elif kind == "end":
            crawls.pop(crawl, None)
        else:
            _, _, seq, final_url, content, content_type = message
            reading = crawls.get(crawl)
            facts, error = None, None
            if isinstance(reading, CrawlReading):
                try:
                    facts = reading.read(final_url, content, content_type).as_tuple()
                except Exception as exc:  # noqa: BLE001 - the crawl fails as internal, never a warning
                    error = f"{exc.__class__.__name__}: {exc}\n{traceback.format_exc(limit=5)}"
            else:
                error = f"cannot read pages: {reading!r}"
            data = pickle.dumps((crawl, seq, facts, error), protocol=pickle.HIGHEST_PROTOCOL)
            stdout.write(_HEADER.pack(len(data)) + data)
            stdout.flush()


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
