"""The synchronous HTTP client (requests) of the platform clients and the canary of a check run: polite, bounded, honest.

- per-host concurrency limit and delay between requests to one host (``set_host_delay`` for platforms);
- retries with exponential backoff on timeouts, resets, DNS hiccups and 5xx; 429 and 503 honour
  ``Retry-After`` up to ``http.max_retry_after_seconds`` (a longer wait is not waited: the result
  keeps its 429/503 and ``throttled`` is true);
- redirects followed by hand, up to ``http.max_redirects``, with loop detection (a cookie-setting
  redirect to the same URL, as anti-bot gateways do, may be revisited once) and the address guard
  at every hop;
- every URL read by the WHATWG rules before anything else (``transport/guard.py``); no private,
  loopback, link-local or otherwise non-global address unless ``http.allow_private_addresses``
  or the address lies in ``http.allowed_private_networks``: judged on every hop, after DNS, and
  the connection is made to the very address judged (``transport/pinned.py``: no DNS rebinding);
- bodies streamed and cut at ``http.max_response_bytes`` (or ``max_bytes``; 0 reads none);
  ``body_types`` reads a body only for those content types (an attachment answering a page
  request is never downloaded);
- ``timeout`` is a wall-clock deadline for each attempt, connect, headers and body together (a
  watchdog cuts the socket: a server dripping its headers one byte at a time is a timeout, as a
  person waiting for it would see it); ``http.fetch_deadline_seconds`` bounds one fetch with all
  its redirects, retries and waits; ``cancel()`` (a stopping run) makes every later fetch return
  ``cancelled`` at once;
- cookies: those a caller passes, plus those set during one fetch's own redirects (anti-bot
  gateways set one and redirect to the same URL); nothing carries over from one fetch to the next;
- a failure is a ``FetchResult`` with ``error_kind`` (see checkers/base.py), never an exception.
"""

from __future__ import annotations

import random
import socket
import ssl
import threading
from contextlib import ExitStack
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any, Mapping
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict

from mediawatch import clock
from mediawatch.config import Config
from mediawatch.transport import guard, pinned
from mediawatch.transport.guard import AddressNotAllowed, UnsafeURL, is_public_address  # noqa: F401 - re-exported
from mediawatch.transport.urlcache import url_cache

REDIRECT_STATUSES = (301, 302, 303, 307, 308)
RETRIED_ERRORS = ("timeout", "reset", "network", "dns")
NEVER_RETRIED = (501, 505)  # "not implemented": asking again changes nothing
CHUNK = 65536


@dataclass
class FetchResult:
    url: str
    final_url: str
    status: int | None = None
    headers: Mapping[str, str] = field(default_factory=CaseInsensitiveDict)
    content: bytes = b""
    truncated: bool = False
    elapsed: float = 0.0
    error_kind: str | None = None
    error: str | None = None
    redirects: list[str] = field(default_factory=list)
    attempts: int = 1
    method: str = "GET"
    body_read: bool = True  # False when the body was not wanted (HEAD, max_bytes=0, body_types)
    retry_after: float | None = None  # seconds the server last asked us to wait, if it did
    # what readers derive from the body (decoded text, parsed tree), cached by mediawatch/pages/page.py;
    # transport never fills it (it knows bytes and headers, not pages)
    views: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return self.error_kind is None and self.status is not None and self.status < 400

    @property
    def throttled(self) -> bool:
        """The server said "later" (429, or 503 with Retry-After) and still did after our retries."""
        return self.error_kind is None and (self.status == 429 or (self.status == 503 and self.retry_after is not None))

    @property
    def content_type(self) -> str:
        return (self.headers.get("content-type") or "").split(";")[0].strip().lower()

    def json(self) -> Any:
        import json

        return json.loads(self.content.decode("utf-8-sig"))


class AttemptTimeout(Exception):
    """The whole attempt (headers and body) took longer than the timeout."""


def classify(exc: BaseException) -> str:
    """Map a requests/urllib3 exception to an error kind."""
    text = repr(exc)
    if isinstance(exc, AddressNotAllowed):
        return "private_address"
    if isinstance(exc, UnsafeURL):
        return "invalid_url"
    if isinstance(exc, AttemptTimeout):
        return "timeout"
    if isinstance(exc, requests.exceptions.SSLError) or isinstance(exc, ssl.SSLError):
        return "tls"
    if isinstance(exc, (requests.exceptions.ConnectTimeout, requests.exceptions.ReadTimeout, socket.timeout,
                        TimeoutError)):
        return "timeout"
    if isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                        requests.exceptions.InvalidSchema, requests.exceptions.InvalidHeader, UnicodeError)):
        return "invalid_url"
    if "NameResolutionError" in text or "Name or service not known" in text or "getaddrinfo failed" in text \
            or "nodename nor servname" in text or "Temporary failure in name resolution" in text \
            or "No address associated with hostname" in text:
        return "dns"
    if "ConnectionRefusedError" in text or "Connection refused" in text:
        return "refused"
    if "ConnectionResetError" in text or "Connection reset" in text or "RemoteDisconnected" in text \
            or "ProtocolError" in text or "IncompleteRead" in text or "ChunkedEncodingError" in text \
            or "BrokenPipe" in text or "Connection aborted" in text:
        return "reset"
    if "Network is unreachable" in text or "No route to host" in text:
        return "unreachable"
    if "timed out" in text or isinstance(exc, requests.exceptions.Timeout):
        return "timeout"
    if "Exceeded" in text and "redirect" in text.lower():
        return "too_many_redirects"
    if isinstance(exc, ValueError) and ("URL" in text or "url" in text or "port" in text):
        return "invalid_url"
    return "network"


class Fetcher:
    """Thread-safe. One per run; shares connection pools and per-host limits across checkers."""

    def __init__(self, config: Config, *, allow_private: bool | None = None):
        http = config.http
        self.timeout = float(http.timeout_seconds)
        self.retries = int(http.retries)
        self.backoff = float(http.backoff_seconds)
        self.max_redirects = int(http.max_redirects)
        self.max_bytes = int(http.max_response_bytes)
        self.per_host = int(http.per_host_concurrency)
        self.delay = float(http.per_host_delay_seconds)
        self.max_retry_after = float(http.max_retry_after_seconds)
        self.allow_private = http.allow_private_addresses if allow_private is None else allow_private
        self.allowed_networks = tuple(http.allowed_private_networks)
        self.fetch_deadline = float(http.fetch_deadline_seconds)
        self.cancelled = threading.Event()
        self._active: set = set()  # attempts in flight (cut by ``cancel``)
        self.cancel_hooks: list = []  # weak methods called by ``cancel`` (the run's asyncio client)
        self.user_agent = http.user_agent
        self.verify = http.ca_file or True  # issue 16: a PEM bundle used instead of the default CAs
        self.headers = dict(requests.utils.default_headers(), **{
            "User-Agent": self.user_agent, "Accept-Language": "zh-CN,zh;q=0.9"})
        self._local = threading.local()
        self._lock = threading.Lock()
        self._host_slots: dict[str, threading.BoundedSemaphore] = {}
        self._host_next: dict[str, float] = {}
        self._host_delay: dict[str, float] = {}
        self.requests_made = 0

    # --- plumbing ---------------------------------------------------------------------------

    @property
    def adapter(self) -> HTTPAdapter:
        """This thread's connection pools. Requests go straight to the adapter, prepared by hand: a
        ``requests.Session`` merges settings, hooks and cookie jars on every call (a HEAD on loopback
        took ~400 µs of CPU through it, ~320 µs without; bench/RESULTS.md); the redirects, cookies and
        retries it would handle are handled here."""
        adapter = getattr(self._local, "adapter", None)
        if adapter is None:
            adapter = self._local.adapter = pinned.GuardedAdapter(
                pool_connections=64, pool_maxsize=max(8, self.per_host * 2), max_retries=0)
        return adapter

    def set_host_delay(self, host: str, seconds: float) -> None:
        """A platform-specific pause between requests to one host (e.g. Weibo's several seconds)."""
        with self._lock:
            self._host_delay[host] = seconds

    def _slot(self, host: str) -> threading.BoundedSemaphore:
        with self._lock:
            slot = self._host_slots.get(host)
            if slot is None:
                slot = self._host_slots[host] = threading.BoundedSemaphore(self.per_host)
            return slot

    def _wait_turn(self, host: str) -> None:
        delay = self._host_delay.get(host, self.delay)
        if delay <= 0:
            return
        with self._lock:
            start = max(clock.monotonic(), self._host_next.get(host, 0.0))
            jitter = random.uniform(0, delay * 0.3) if host in self._host_delay else 0.0
            self._host_next[host] = start + delay + jitter
        clock.sleep(start - clock.monotonic())

    def check_address(self, url: str) -> None:
        """Raise ``UnsafeURL``/``AddressNotAllowed`` for a URL no check may fetch (resolves the host)."""
        host, port = guard.host_and_port(guard.normalize(url))
        guard.check_host(host, port, allow_private=self.allow_private, allowed=self.allowed_networks)

    def cancel(self) -> None:
        """A stopping run: requests in flight are cut, and every later fetch returns ``cancelled``
        without a request."""
        self.cancelled.set()
        with self._lock:
            active = list(self._active)
        for watch in active:
            watch.expire()
        for hook in list(self.cancel_hooks):
            method = hook()
            if method is not None:
                method()

    def _untrack(self, watch) -> None:
        with self._lock:
            self._active.discard(watch)

    # --- the one entry point ----------------------------------------------------------------

    def fetch(self, url: str, *, method: str = "GET", headers: Mapping[str, str] | None = None,
              max_bytes: int | None = None, follow_redirects: bool = True, retries: int | None = None,
              timeout: float | None = None, cookies: Mapping[str, str] | None = None,
              data: Any = None, body_types: tuple[str, ...] | None = None) -> FetchResult:
        """One request (with its redirects and retries). ``max_bytes=0`` reads no body;
        ``body_types`` (content-type prefixes, e.g. ``("text/html",)``) reads one only for those."""
        result = FetchResult(url=url, final_url=url, method=method)
        limit = self.max_bytes if max_bytes is None else max_bytes
        tries = self.retries if retries is None else retries
        wait_limit = timeout or self.timeout
        started = clock.monotonic()
        fetch_deadline = started + self.fetch_deadline
        current = url
        visits = {url: 1}
        attempt = 0
        jar = requests.cookies.cookiejar_from_dict(dict(cookies)) if cookies else None
        while True:
            attempt += 1
            response = None
            watch = None
            try:
                if self.cancelled.is_set():
                    return self._fail(result, "cancelled", "the run is stopping", started, attempt)
                if clock.monotonic() >= fetch_deadline:
                    return self._fail(result, "timeout", f"no answer within {self.fetch_deadline:g} s "
                                      "(retries and redirects included)", started, attempt)
                current = guard.normalize(current)
                host = urlsplit(current).netloc.lower()
                with self._slot(host), ExitStack() as stack:
                    self._wait_turn(host)
                    watch = stack.enter_context(pinned.attempt(
                        max(0.05, min(wait_limit, fetch_deadline - clock.monotonic())),
                        allow_private=self.allow_private, allowed=self.allowed_networks))
                    with self._lock:
                        self._active.add(watch)
                    stack.callback(self._untrack, watch)
                    with self._lock:
                        self.requests_made += 1
                    deadline = watch.deadline
                    prepared = _prepare(method, current, {**self.headers, **(headers or {})}, data, jar)
                    response = self.adapter.send(prepared, stream=True, timeout=wait_limit, verify=self.verify)
                    if "set-cookie" in response.headers:  # kept for this fetch's redirects (anti-bot gates)
                        jar = jar if jar is not None else requests.cookies.RequestsCookieJar()
                        requests.cookies.extract_cookies_to_jar(jar, prepared, response.raw)
                    status = response.status_code
                    if follow_redirects and status in REDIRECT_STATUSES and response.headers.get("location"):
                        target = _redirect_target(current, response.headers["location"])  # UnsafeURL: invalid_url
                        sets_cookie = "set-cookie" in response.headers
                        response.close()
                        result.redirects.append(target)
                        seen = visits.get(target, 0)
                        if seen >= 2 or (seen == 1 and not sets_cookie):
                            return self._fail(result, "redirect_loop", f"redirect loop at {target}", started, attempt)
                        if len(result.redirects) > self.max_redirects:
                            return self._fail(result, "too_many_redirects",
                                              f"more than {self.max_redirects} redirects", started, attempt)
                        visits[target] = seen + 1
                        current = target
                        result.final_url = target
                        if status == 303 or (status in (301, 302) and method == "POST"):
                            method, data = ("HEAD" if method == "HEAD" else "GET"), None
                        attempt -= 1  # a redirect is not a retry
                        continue
                    wanted = method != "HEAD" and limit != 0 and _wanted(response, body_types)
                    body, truncated = _read(response, limit if wanted else 0, deadline)
                    if watch.expired:
                        raise AttemptTimeout("the response took longer than the timeout")
            except Exception as exc:  # noqa: BLE001 - every failure becomes an error kind
                kind = "timeout" if watch is not None and watch.expired else classify(exc)
                if self.cancelled.is_set():
                    kind, exc = "cancelled", AttemptTimeout("cut: the run is stopping")
                if kind == "timeout" and watch is not None and watch.expired:
                    exc = AttemptTimeout(f"no complete answer within {wait_limit:g} s (connect, headers and body)")
                if response is not None:
                    response.close()
                if kind in RETRIED_ERRORS and attempt <= tries \
                        and clock.monotonic() + self.backoff * (2 ** (attempt - 1)) < fetch_deadline:
                    clock.sleep(self.backoff * (2 ** (attempt - 1)))
                    continue
                return self._fail(result, kind, f"{exc.__class__.__name__}: {_short(exc)}", started, attempt)
            result.status, result.headers = status, response.headers
            result.content, result.truncated, result.body_read = body, truncated, wanted
            result.retry_after = _retry_after(response.headers.get("retry-after")) if status in (429, 503) else None
            wait = self.retry_wait(result, attempt, tries)
            if wait is not None and clock.monotonic() + wait < fetch_deadline:
                clock.sleep(wait)
                continue
            result.elapsed = clock.monotonic() - started
            result.attempts = attempt
            return result

    def retry_wait(self, result: FetchResult, attempt: int, retries: int | None = None) -> float | None:
        """Seconds to wait before trying again after ``attempt`` (1-based) gave ``result``; None: do
        not try again. The policy ``fetch`` applies itself, for callers that retry without blocking a
        thread (the link checker schedules the next attempt instead of sleeping)."""
        tries = self.retries if retries is None else retries
        if attempt > tries:
            return None
        if result.error_kind is not None:
            return self.backoff * (2 ** (attempt - 1)) if result.error_kind in RETRIED_ERRORS else None
        status = result.status or 0
        if status == 429 or (status >= 500 and status not in NEVER_RETRIED):
            wait = result.retry_after if result.retry_after is not None else self.backoff * (2 ** (attempt - 1))
            return wait if wait <= self.max_retry_after else None
        return None

    def get(self, url: str, **kwargs: Any) -> FetchResult:
        return self.fetch(url, **kwargs)

    @staticmethod
    def _fail(result: FetchResult, kind: str, message: str, started: float, attempt: int) -> FetchResult:
        result.error_kind, result.error = kind, message
        result.elapsed = clock.monotonic() - started
        result.attempts = attempt
        return result


def _prepare(method: str, url: str, headers: dict[str, str], data: Any, jar) -> requests.PreparedRequest:
    """``requests.Request(...).prepare()`` without its per-call costs: the URL's preparation (IDNA,
    requoting, validation) is cached, no auth or hooks are merged, a body only when there is one."""
    prepared = requests.PreparedRequest()
    prepared.method = method.upper()
    prepared.url = _prepared_url(url)
    prepared.prepare_headers(headers)
    if jar is not None:
        prepared.prepare_cookies(jar)
    if data is not None or prepared.method not in ("GET", "HEAD"):
        prepared.prepare_body(data, None)  # the form encoding and Content-Length requests would give
    return prepared


@url_cache
def _prepared_url(url: str) -> str:
    """The URL as requests sends it (raises requests' InvalidURL / MissingSchema as it would)."""
    prepared = requests.PreparedRequest()
    prepared.prepare_url(url, None)
    return prepared.url


def _redirect_target(current: str, location: str) -> str:
    target = guard.join(current, location)
    if "#" in target and "#" not in location:
        target = target.split("#", 1)[0]
    return target


def _wanted(response, body_types: tuple[str, ...] | None) -> bool:
    """Whether a response's body is read: any when ``body_types`` is None, else one of those types or
    none stated (both clients: requests' and aiohttp's headers are case-insensitive)."""
    if body_types is None:
        return True
    content_type = (response.headers.get("Content-Type") or "").lower().strip()
    return not content_type or content_type.startswith(tuple(t.lower() for t in body_types))


def _read(response: requests.Response, limit: int, deadline: float) -> tuple[bytes, bool]:
    """Up to ``limit`` bytes of the body, streamed; the rest is never read (the connection is
    dropped). Raises ``AttemptTimeout`` once ``deadline`` passes."""
    if limit == 0:
        if response.request is not None and response.request.method == "HEAD":
            response.raw.release_conn()  # no body follows a HEAD: keep the connection for the next request
        else:
            response.close()
        return b"", False
    chunks, size = [], 0
    raw = response.raw
    read1 = getattr(raw, "read1", None)
    try:
        while True:
            if clock.monotonic() > deadline:
                raise AttemptTimeout("the response took longer than the timeout")
            if read1 is not None:
                chunk = read1(min(CHUNK, limit - size), decode_content=True)
            else:  # urllib3 1.x
                chunk = raw.read(min(CHUNK, limit - size), decode_content=True)
            if not chunk:
                return b"".join(chunks), False
            chunks.append(chunk)
            size += len(chunk)
            if size >= limit:
                return b"".join(chunks)[:limit], True
    finally:
        response.close()


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, (when - clock.now()).total_seconds())


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) <= 300 else text[:300] + "…"


def is_public_host(host: str) -> bool:
    """True when every address ``host`` resolves to is a global unicast one (or it does not resolve)."""
    try:
        guard.check_host(host, 80, allow_private=False)
    except AddressNotAllowed:
        return False
    except (OSError, UnsafeURL, UnicodeError):
        return True  # let the request itself report the DNS failure or the invalid URL
    return True

