"""The one HTTP client every checker uses: polite, bounded, and honest about what failed.

- per-host concurrency limit and delay between requests to one host;
- retries with exponential backoff on timeouts, resets and 5xx (429/503 honour Retry-After);
- redirects followed by hand, up to a limit, with loop detection and the address guard at each hop;
- no private, loopback or link-local address unless ``http.allow_private_addresses``;
- bodies streamed and cut at ``http.max_response_bytes`` (or less, when the caller asks);
- a failure is a ``FetchResult`` with ``error_kind`` (see checkers/base.py), never an exception.
"""

from __future__ import annotations

import ipaddress
import random
import socket
import ssl
import threading
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any, Mapping
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict

from mediawatch import clock
from mediawatch.config import Config

REDIRECT_STATUSES = (301, 302, 303, 307, 308)


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

    @property
    def ok(self) -> bool:
        return self.error_kind is None and self.status is not None and self.status < 400

    @property
    def text(self) -> str:
        from mediawatch.encoding import decode_body

        return decode_body(self.content, self.headers.get("content-type"))

    def json(self) -> Any:
        import json

        return json.loads(self.content.decode("utf-8-sig"))


class AddressNotAllowed(Exception):
    pass


def classify(exc: BaseException) -> str:
    """Map a requests/urllib3 exception to an error kind."""
    text = repr(exc)
    if isinstance(exc, AddressNotAllowed):
        return "private_address"
    if isinstance(exc, requests.exceptions.SSLError) or isinstance(exc, ssl.SSLError):
        return "tls"
    if isinstance(exc, (requests.exceptions.ConnectTimeout, requests.exceptions.ReadTimeout, socket.timeout,
                        TimeoutError)):
        return "timeout"
    if isinstance(exc, requests.exceptions.InvalidURL) or isinstance(exc, requests.exceptions.MissingSchema) \
            or isinstance(exc, requests.exceptions.InvalidSchema):
        return "invalid_url"
    if "NameResolutionError" in text or "Name or service not known" in text or "getaddrinfo failed" in text \
            or "nodename nor servname" in text or "Temporary failure in name resolution" in text:
        return "dns"
    if "ConnectionRefusedError" in text or "Connection refused" in text:
        return "refused"
    if "ConnectionResetError" in text or "Connection reset" in text or "RemoteDisconnected" in text \
            or "ProtocolError" in text or "IncompleteRead" in text or "ChunkedEncodingError" in text:
        return "reset"
    if "Network is unreachable" in text or "No route to host" in text:
        return "unreachable"
    if isinstance(exc, requests.exceptions.Timeout):
        return "timeout"
    if isinstance(exc, requests.exceptions.ConnectionError):
        return "network"
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
        self.allow_private = http.allow_private_addresses if allow_private is None else allow_private
        self.user_agent = http.user_agent
        self._local = threading.local()
        self._lock = threading.Lock()
        self._host_slots: dict[str, threading.BoundedSemaphore] = {}
        self._host_next: dict[str, float] = {}
        self._host_delay: dict[str, float] = {}
        self._resolved: dict[str, bool] = {}
        self.requests_made = 0

    # --- plumbing ---------------------------------------------------------------------------

    @property
    def session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            adapter = HTTPAdapter(pool_connections=64, pool_maxsize=max(8, self.per_host * 2), max_retries=0)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            session.headers["User-Agent"] = self.user_agent
            session.trust_env = False
            self._local.session = session
        return session

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
        if self.allow_private:
            return
        host = urlsplit(url).hostname or ""
        with self._lock:
            known = self._resolved.get(host)
        if known is None:
            known = _is_public_host(host)
            with self._lock:
                self._resolved[host] = known
        if not known:
            raise AddressNotAllowed(f"{host} resolves to a private, loopback or link-local address")

    # --- the one entry point ----------------------------------------------------------------

    def fetch(self, url: str, *, method: str = "GET", headers: Mapping[str, str] | None = None,
              max_bytes: int | None = None, follow_redirects: bool = True, retries: int | None = None,
              timeout: float | None = None, cookies: Mapping[str, str] | None = None,
              data: Any = None) -> FetchResult:
        """One request (with its redirects and retries). ``max_bytes=0`` reads no body."""
        result = FetchResult(url=url, final_url=url)
        limit = self.max_bytes if max_bytes is None else max_bytes
        tries = self.retries if retries is None else retries
        started = clock.monotonic()
        current = url
        seen = {url}
        attempt = 0
        while True:
            attempt += 1
            response = None
            try:
                self.check_address(current)
                host = urlsplit(current).netloc.lower()
                with self._slot(host):
                    self._wait_turn(host)
                    with self._lock:
                        self.requests_made += 1
                    response = self.session.request(
                        method, current, headers=dict(headers or {}), allow_redirects=False, stream=True,
                        timeout=timeout or self.timeout, cookies=dict(cookies or {}), data=data)
                    status = response.status_code
                    if follow_redirects and status in REDIRECT_STATUSES and response.headers.get("location"):
                        target = urljoin(current, response.headers["location"])
                        response.close()
                        result.redirects.append(target)
                        if target in seen:
                            return self._fail(result, "redirect_loop", f"redirect loop at {target}", started, attempt)
                        if len(result.redirects) > self.max_redirects:
                            return self._fail(result, "too_many_redirects",
                                              f"more than {self.max_redirects} redirects", started, attempt)
                        seen.add(target)
                        current = target
                        result.final_url = target
                        if status == 303:
                            method, data = "GET", None
                        continue
                    body, truncated = _read(response, limit if method != "HEAD" else 0)
            except Exception as exc:  # noqa: BLE001 - every failure becomes an error kind
                kind = classify(exc)
                if response is not None:
                    response.close()
                if kind in ("timeout", "reset", "network") and attempt <= tries:
                    clock.sleep(self.backoff * (2 ** (attempt - 1)))
                    continue
                return self._fail(result, kind, f"{exc.__class__.__name__}: {_short(exc)}", started, attempt)
            result.status, result.headers = status, response.headers
            result.content, result.truncated = body, truncated
            if attempt <= tries and (status >= 500 or status == 429):
                wait = _retry_after(response.headers.get("retry-after"))
                if status in (429, 503) and wait is None and status == 429:
                    wait = self.backoff * (2 ** (attempt - 1))
                if wait is None:
                    wait = self.backoff * (2 ** (attempt - 1))
                if wait <= 30:
                    clock.sleep(wait)
                    continue
            result.elapsed = clock.monotonic() - started
            result.attempts = attempt
            return result

    def get(self, url: str, **kwargs: Any) -> FetchResult:
        return self.fetch(url, **kwargs)

    @staticmethod
    def _fail(result: FetchResult, kind: str, message: str, started: float, attempt: int) -> FetchResult:
        result.error_kind, result.error = kind, message
        result.elapsed = clock.monotonic() - started
        result.attempts = attempt
        return result


def _read(response: requests.Response, limit: int) -> tuple[bytes, bool]:
    if limit == 0:
        response.close()
        return b"", False
    chunks, size = [], 0
    try:
        for chunk in response.iter_content(65536):
            chunks.append(chunk)
            size += len(chunk)
            if size >= limit:
                return b"".join(chunks)[:limit], True
    finally:
        response.close()
    return b"".join(chunks), False


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - clock.now()).total_seconds())


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) <= 300 else text[:300] + "…"


def _is_public_host(host: str) -> bool:
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return True  # let the request itself report the DNS failure
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if address.is_private or address.is_loopback or address.is_link_local or address.is_reserved \
                or address.is_multicast or address.is_unspecified:
            return False
    return True
