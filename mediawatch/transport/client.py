"""The asyncio HTTP client of the crawl and the link check (aiohttp), with the fetch policy of
``transport/fetcher.py`` kept in one place: the same ``FetchResult``, error kinds, retry and
Retry-After rule (``Fetcher.retry_wait``), redirect handling and size cap.

- one ``aiohttp.ClientSession`` per run, on the run's event loop; a semaphore per host
  (``http.per_host_concurrency``) and the per-host delay (``http.per_host_delay_seconds``, or a
  platform's own from ``Fetcher.set_host_delay``);
- a wall-clock deadline per attempt (``asyncio.timeout`` around connect, headers and body): a
  server that drips one byte at a time cannot hold a request past ``http.timeout_seconds``;
- every URL, the first and each redirect's, read as browsers read it (``guard.normalize``, WHATWG);
- the address guard (transport/guard.py) on every redirect hop and on the address actually
  connected to: the connector's resolver returns only the addresses ``check_host`` approved
  (resolved once, so a rebinding DNS answer is never connected to), IP literals are judged
  before connecting, and the socket's peer is judged again once connected;
- redirects followed by hand (``http.max_redirects``, loops detected as in ``fetcher.py``),
  cookies set during one fetch's redirects sent on the next hops and nothing kept across fetches;
- ``http.allowed_private_networks``, ``http.ca_file`` and ``http.fetch_deadline_seconds`` (one
  fetch with its redirects, retries and waits) as ``Fetcher`` reads them; the fetcher's
  ``cancel()`` (a stopping run) cuts the requests in flight here too and every later fetch
  returns ``cancelled`` at once.
"""

from __future__ import annotations

import asyncio
import random
import socket
import ssl
import threading
import weakref
from http.cookies import SimpleCookie
from typing import Any, Mapping

import aiohttp
from aiohttp.abc import AbstractResolver

from mediawatch import clock
from mediawatch.transport.fetcher import (CHUNK, REDIRECT_STATUSES, FetchResult, _redirect_target, _retry_after, _short,
                                          _wanted)
from mediawatch.transport.guard import AddressNotAllowed, UnsafeURL, _allowed, check_host, is_public_address, normalize


class GuardResolver(AbstractResolver):
    """Resolves through ``guard.check_host``: a host with any non-public address is refused
    (unless allowed); the connector then connects only to the addresses returned here."""

    def __init__(self, allow_private: bool, allowed: tuple[str, ...] = ()):
        self.allow_private = allow_private
        self.allowed = allowed

    async def resolve(self, host: str, port: int = 0, family: int = socket.AF_INET) -> list[dict[str, Any]]:
        loop = asyncio.get_running_loop()
        addresses = await loop.run_in_executor(None, _check, host, port, self.allow_private, self.allowed)
        return [{"hostname": host, "host": address, "port": port,
                 "family": socket.AF_INET6 if ":" in address else socket.AF_INET, "proto": 0,
                 "flags": socket.AI_NUMERICHOST} for address in addresses]

    async def close(self) -> None:
        return None


def _check(host: str, port: int, allow_private: bool, allowed: tuple[str, ...] = ()) -> list[str]:
    try:
        return check_host(host, port, allow_private=allow_private, allowed=allowed)
    except AddressNotAllowed:
        raise
    except UnsafeURL as exc:
        raise socket.gaierror(socket.EAI_NONAME, str(exc)) from exc


def classify(exc: BaseException) -> str:
    """An aiohttp/asyncio exception as an error kind (the kinds of ``net.classify``)."""
    seen: BaseException | None = exc
    for _ in range(8):  # aiohttp wraps the resolver's refusal; look down the chain
        if seen is None:
            break
        if isinstance(seen, AddressNotAllowed):
            return "private_address"
        seen = seen.__cause__ or seen.__context__
    if isinstance(exc, (asyncio.TimeoutError, TimeoutError, aiohttp.ServerTimeoutError)):
        return "timeout"
    if isinstance(exc, (aiohttp.ClientConnectorCertificateError, aiohttp.ClientSSLError)):
        return "tls"
    if isinstance(exc, (aiohttp.InvalidURL, UnsafeURL, UnicodeError)):
        return "invalid_url"
    if isinstance(exc, getattr(aiohttp, "ClientConnectorDNSError", ())) or isinstance(exc, socket.gaierror):
        return "dns"
    if isinstance(exc, aiohttp.ClientConnectorError):
        os_error = exc.os_error
        if isinstance(os_error, socket.gaierror):
            return "dns"
        if isinstance(os_error, ConnectionRefusedError):
            return "refused"
        if getattr(os_error, "errno", None) in (101, 113):  # ENETUNREACH, EHOSTUNREACH
            return "unreachable"
        if isinstance(os_error, (TimeoutError, asyncio.TimeoutError)):
            return "timeout"
        return "network"
    if isinstance(exc, (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError, ConnectionResetError,
                        BrokenPipeError, aiohttp.ClientResponseError)):
        return "reset"
    if isinstance(exc, aiohttp.ClientOSError):
        return "reset" if getattr(exc, "errno", None) in (104, 32) else "network"
    if isinstance(exc, ValueError) and ("URL" in str(exc) or "url" in str(exc) or "port" in str(exc)):
        return "invalid_url"
    return "network"


class AsyncClient:
    """One per run, used on the run's event loop only. ``fetch`` mirrors ``Fetcher.fetch``."""

    def __init__(self, config, fetcher=None, *, allow_private: bool | None = None):
        from mediawatch.transport.fetcher import Fetcher

        http = config.http
        # the policy (timeouts, retries, limits, the address guard's switch) is the fetcher's, read once there
        policy = self.policy = fetcher if fetcher is not None else Fetcher(config, allow_private=allow_private)
        self.timeout, self.retries, self.backoff = policy.timeout, policy.retries, policy.backoff
        self.max_redirects, self.max_bytes = policy.max_redirects, policy.max_bytes
        self.per_host, self.delay = policy.per_host, policy.delay
        self.allow_private = policy.allow_private if allow_private is None else allow_private
        self.allowed = tuple(http.allowed_private_networks)
        self.fetch_deadline = float(http.fetch_deadline_seconds)
        self.ca_file = http.ca_file or None
        # the fetcher's cancel (a stopping run) is this client's too
        self.cancelled = getattr(self.policy, "cancelled", None) or threading.Event()
        hooks = getattr(self.policy, "cancel_hooks", None)
        if hooks is not None:
            hooks.append(weakref.WeakMethod(self.cancel_in_flight))
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: set[asyncio.Task] = set()
        self.headers = {"User-Agent": http.user_agent, "Accept-Language": "zh-CN,zh;q=0.9",
                        "Accept": "*/*", "Accept-Encoding": "gzip, deflate"}
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._host_next: dict[str, float] = {}
        self._session: aiohttp.ClientSession | None = None
        self.requests_made = 0

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            connector = aiohttp.TCPConnector(limit=0, limit_per_host=0, resolver=GuardResolver(self.allow_private, self.allowed),
                                             ttl_dns_cache=300, enable_cleanup_closed=False,
                                             ssl=ssl.create_default_context(cafile=self.ca_file) if self.ca_file else True)
            self._session = aiohttp.ClientSession(
                connector=connector, cookie_jar=aiohttp.DummyCookieJar(), auto_decompress=True,
                timeout=aiohttp.ClientTimeout(total=None, sock_connect=self.timeout), trust_env=False,
                skip_auto_headers=("User-Agent",))
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()

    def cancel_in_flight(self) -> None:
        """From any thread (``Fetcher.cancel``): cut the requests in flight on the loop."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            loop.call_soon_threadsafe(self._cancel_tasks)
        except RuntimeError:
            pass

    def _cancel_tasks(self) -> None:
        for task in list(self._tasks):
            task.cancel()

    def _slot(self, host: str) -> asyncio.Semaphore:
        slot = self._slots.get(host)
        if slot is None:
            slot = self._slots[host] = asyncio.Semaphore(self.per_host)
        return slot

    async def _wait_turn(self, host: str) -> None:
        delays = getattr(self.policy, "_host_delay", {})
        delay = delays.get(host, self.delay)
        if delay <= 0:
            return
        start = max(clock.monotonic(), self._host_next.get(host, 0.0))
        jitter = random.uniform(0, delay * 0.3) if host in delays else 0.0
        self._host_next[host] = start + delay + jitter
        wait = start - clock.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)

    def retry_wait(self, result: FetchResult, attempt: int, retries: int | None = None) -> float | None:
        return self.policy.retry_wait(result, attempt, retries)

    # --- the one entry point ----------------------------------------------------------------

    async def fetch(self, url: str, *, method: str = "GET", headers: Mapping[str, str] | None = None,
                    max_bytes: int | None = None, follow_redirects: bool = True, retries: int | None = None,
                    timeout: float | None = None, cookies: Mapping[str, str] | None = None,
                    body_types: tuple[str, ...] | None = None) -> FetchResult:
        """One request with its redirects and retries; never raises (a failure is an error kind)."""
        started = clock.monotonic()
        deadline = started + self.fetch_deadline
        tries = self.retries if retries is None else retries
        attempt = 0
        self._loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        self._tasks.add(task)
        result = FetchResult(url=url, final_url=url, method=method)
        try:
            while True:
                attempt += 1
                result = await self._attempt(url, method, headers, max_bytes, follow_redirects, timeout, cookies,
                                             body_types, started, deadline)
                result.attempts = attempt
                wait = self.retry_wait(result, attempt, tries)
                if wait is None or clock.monotonic() + wait >= deadline or self.cancelled.is_set():
                    result.elapsed = clock.monotonic() - started
                    return result
                await asyncio.sleep(wait)
        except asyncio.CancelledError:
            if not self.cancelled.is_set():
                raise
            task.uncancel()  # our own cut (the run is stopping): an answer, not a cancelled task
            result = FetchResult(url=url, final_url=result.final_url, method=method)
            return _fail(result, "cancelled", "AttemptTimeout: cut: the run is stopping", started)
        finally:
            self._tasks.discard(task)

    async def _attempt(self, url, method, headers, max_bytes, follow_redirects, timeout, cookies, body_types,
                       started, deadline) -> FetchResult:
        result = FetchResult(url=url, final_url=url, method=method)
        limit = self.max_bytes if max_bytes is None else max_bytes
        wait_limit = timeout or self.timeout
        jar: dict[str, dict[str, str]] = {}  # host -> cookies set during this fetch's redirects
        current, visits = url, {url: 1}
        send_headers = {**self.headers, **(headers or {})}
        while True:
            if self.cancelled.is_set():
                return _fail(result, "cancelled", "the run is stopping", started)
            if clock.monotonic() >= deadline:
                return _fail(result, "timeout", f"no answer within {self.fetch_deadline:g} s "
                             "(retries and redirects included)", started)
            expired = False
            try:
                if not isinstance(current, str):
                    raise UnsafeURL(f"not an http(s) URL: {current!r:.200}")
                target = normalize(current)  # as browsers read it (WHATWG): the host judged is the one connected to
                host = _host(target)
                if not self.allow_private:
                    _literal_guard(target, self.allowed)
                async with self._slot(host):
                    await self._wait_turn(host)
                    self.requests_made += 1
                    expired = True  # until the attempt's block ends in time
                    async with asyncio.timeout(max(0.05, min(wait_limit, deadline - clock.monotonic()))):
                        hop_headers = send_headers
                        cookie = _cookie_header(cookies, jar.get(host))
                        if cookie:
                            hop_headers = {**send_headers, "Cookie": cookie}
                        response = await self.session.request(method, target, headers=hop_headers,
                                                              allow_redirects=False, compress=None)
                        try:
                            if not self.allow_private:
                                _peer_guard(response, self.allowed)
                            status = response.status
                            set_cookie = response.headers.getall("Set-Cookie", [])
                            if set_cookie:
                                jar.setdefault(host, {}).update(_parse_cookies(set_cookie))
                            location = response.headers.get("Location")
                            if follow_redirects and status in REDIRECT_STATUSES and location:
                                response.close()
                                expired = False
                                target = _redirect_target(current, location)
                                result.redirects.append(target)
                                seen = visits.get(target, 0)
                                if seen >= 2 or (seen == 1 and not set_cookie):
                                    return _fail(result, "redirect_loop", f"redirect loop at {target}", started)
                                if len(result.redirects) > self.max_redirects:
                                    return _fail(result, "too_many_redirects",
                                                 f"more than {self.max_redirects} redirects", started)
                                visits[target] = seen + 1
                                current = result.final_url = target
                                if status == 303 or (status in (301, 302) and method == "POST"):
                                    method = "HEAD" if method == "HEAD" else "GET"
                                continue
                            wanted = method != "HEAD" and limit != 0 and _wanted(response, body_types)
                            body, truncated = await _read(response, limit if wanted else 0)
                        finally:
                            response.close()  # after a full read it is back in the pool: a no-op
                    expired = False
            except Exception as exc:  # noqa: BLE001 - every failure becomes an error kind
                kind = classify(exc)
                if kind == "timeout" and expired:
                    return _fail(result, kind, f"AttemptTimeout: no complete answer within {wait_limit:g} s "
                                 "(connect, headers and body)", started)
                return _fail(result, kind, f"{exc.__class__.__name__}: {_short(exc) or kind}", started)
            result.status, result.headers = status, response.headers
            result.content, result.truncated, result.body_read = body, truncated, wanted
            result.retry_after = _retry_after(response.headers.get("Retry-After")) if status in (429, 503) else None
            return result


def _fail(result: FetchResult, kind: str, message: str, started: float) -> FetchResult:
    result.error_kind, result.error = kind, message
    result.elapsed = clock.monotonic() - started
    return result


def _host(url: str) -> str:
    """The per-host key, as ``Fetcher`` and ``pages.urls.host_of`` use it (netloc, lower case)."""
    rest = url.split("://", 1)[-1]
    for stop in "/?#":
        rest = rest.split(stop, 1)[0]
    return rest.lower()


def _literal_guard(url: str, allowed: tuple[str, ...] = ()) -> None:
    """An IP literal never reaches the resolver: judge it here."""
    import ipaddress
    from urllib.parse import urlsplit

    hostname = urlsplit(url).hostname or ""
    try:
        ipaddress.ip_address(hostname.split("%")[0])
    except ValueError:
        return  # a name: the resolver judges the addresses it resolves to
    if not is_public_address(hostname) and not _allowed(hostname, allowed):
        raise AddressNotAllowed(f"{hostname} is not a public address")


def _peer_guard(response: aiohttp.ClientResponse, allowed: tuple[str, ...] = ()) -> None:
    """The address actually connected to is judged too (belt and braces behind the resolver)."""
    connection = response.connection
    transport = connection.transport if connection is not None else None
    peer = transport.get_extra_info("peername") if transport is not None else None
    if peer and not is_public_address(str(peer[0])) and not _allowed(str(peer[0]), allowed):
        raise AddressNotAllowed(f"connected to {peer[0]}, not a public address")


def _cookie_header(given: Mapping[str, str] | None, set_here: dict[str, str] | None) -> str:
    values = {**(given or {}), **(set_here or {})}
    return "; ".join(f"{name}={value}" for name, value in values.items())


def _parse_cookies(headers: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for header in headers:
        jar = SimpleCookie()
        try:
            jar.load(header)
        except Exception:  # noqa: BLE001 - a malformed cookie is ignored, as browsers do
            continue
        for name, morsel in jar.items():
            found[name] = morsel.value
    return found


async def _read(response: aiohttp.ClientResponse, limit: int) -> tuple[bytes, bool]:
    """Up to ``limit`` bytes of the body; the rest is never read (the connection is dropped)."""
    if limit == 0:
        if response.method == "HEAD":
            response.release()  # no body follows a HEAD: the connection serves the next request
        else:
            response.close()
        return b"", False
    length = response.content_length
    if length is not None and length <= limit and not response.headers.get("Content-Encoding"):
        body = await response.read()
        return body, False
    chunks, size = [], 0
    while True:
        chunk = await response.content.read(min(CHUNK, limit - size))
        if not chunk:
            response.release()
            return b"".join(chunks), False
        chunks.append(chunk)
        size += len(chunk)
        if size >= limit:
            response.close()
            return b"".join(chunks)[:limit], True

