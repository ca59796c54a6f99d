"""The ``site_profile`` observation of a website's home page: the requirements of 国办发〔2017〕47号 a
machine can check. Called by the website checker with the home page it already fetched.

``data``:

    url, host
    https        {registered, final, loads}: the registered and final URLs are https; for an http site,
                 whether https://host/ answers (None: not tried or our network failed)
    certificate  None without https; else {checked, valid, error, not_after, days_left, subject, issuer}.
                 ``valid`` is the verified handshake (trusting ``[http] ca_file`` or the system's CAs):
                 False for an expired, untrusted or wrongly named certificate; ``days_left`` counts from
                 mediawatch's clock. checked=False (with error) when we could not connect at all.
    gov_domain   the host ends in .gov.cn
    identity     None when the home page could not be read; else site_page.identity() plus
                 sponsor_matches (against the registry's owner unit)
    ipv6         {aaaa, addresses, fetched, note}: aaaa is True/False from DNS (None: an address, not a
                 name, or DNS failed); fetched is True when the home page answered over IPv6, None when
                 it could not be tried or failed at the network level (this machine may lack IPv6)
    mobile, search, accessibility   site_page.mobile/search/accessibility(), None without a page

Nothing here fails the check: every item that could not be seen is None, and the rules say unknown.
"""

from __future__ import annotations

import socket
import ssl
from datetime import timezone
from typing import Any
from urllib.parse import urlsplit

from mediawatch import clock
from mediawatch.checkers import site_page
from mediawatch.checkers.base import AccountSpec, CheckContext, Observation
from mediawatch.pages.page import tree_of
from mediawatch.transport.guard import is_public_address


def observe(account: AccountSpec, home, ctx: CheckContext, page_readable: bool) -> Observation:
    url = account.url or ""
    parts = urlsplit(url)
    final = urlsplit(home.final_url or url)
    host = (final.hostname or parts.hostname or "").lower()
    config = ctx.config
    timeout = float(config.site_profile.timeout_seconds)
    https_url = url if parts.scheme == "https" else (home.final_url if final.scheme == "https" else None)
    https: dict[str, Any] = {"registered": parts.scheme == "https", "final": final.scheme == "https", "loads": None}
    if https_url is None and host:
        name = f"[{parts.hostname}]" if ":" in (parts.hostname or "") else parts.hostname
        probe = ctx.fetcher.fetch(f"https://{name}/", method="HEAD", retries=0, timeout=timeout)
        if probe.error_kind is None and probe.status is not None and probe.status < 400:
            https["loads"], https_url = True, probe.final_url
        elif probe.error_kind not in ("timeout", "network", "dns", "private_address", "unreachable") \
                and home.status is not None:  # the site answered over http: no https is a finding; else we cannot tell
            https["loads"] = False
    elif https_url is not None:
        https["loads"] = home.error_kind is None and home.status is not None and home.status < 400
    data: dict[str, Any] = {
        "url": url, "host": host, "https": https,
        "certificate": certificate(https_url, config, timeout) if https_url else None,
        "gov_domain": host.endswith(".gov.cn"),
        "ipv6": ipv6(url, config, timeout),
        "identity": None, "mobile": None, "search": None, "accessibility": None,
    }
    if page_readable:
        tree = tree_of(home)
        found = site_page.identity(tree)
        found["sponsor_matches"] = site_page.sponsor_matches(found["sponsor"], account.owner_unit)
        data.update(identity=found, mobile=site_page.mobile(tree), search=site_page.search(tree),
                    accessibility=site_page.accessibility(tree))
    return Observation("site_profile", target=url, data=data)


def _allowed(address: str, config) -> bool:
    return bool(config.http.allow_private_addresses) or is_public_address(address)


def certificate(url: str, config, timeout: float) -> dict[str, Any]:
    """The server certificate of ``url``: read without verification, then a verified handshake."""
    from cryptography import x509

    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port or 443
    found: dict[str, Any] = {"checked": False, "valid": None, "error": None, "not_after": None, "days_left": None,
                             "subject": None, "issuer": None}
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        if not all(_allowed(info[4][0], config) for info in infos):
            found["error"] = "private address (http.allow_private_addresses is off)"
            return found
        bare = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        bare.check_hostname, bare.verify_mode = False, ssl.CERT_NONE
        with socket.create_connection((host, port), timeout=timeout) as sock, \
                bare.wrap_socket(sock, server_hostname=host) as tls:
            der = tls.getpeercert(binary_form=True)
    except (OSError, UnicodeError) as exc:
        found["error"] = f"{exc.__class__.__name__}: {exc}"
        return found
    cert = x509.load_der_x509_certificate(der)
    not_after = cert.not_valid_after_utc.astimezone(timezone.utc)
    found.update(checked=True, not_after=clock.iso(not_after), subject=cert.subject.rfc4514_string(),
                 issuer=cert.issuer.rfc4514_string(),
                 days_left=int((not_after - clock.now()).total_seconds() // 86400))
    verified = ssl.create_default_context(cafile=config.http.ca_file or None)
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock, \
                verified.wrap_socket(sock, server_hostname=host):
            found["valid"] = True
    except ssl.SSLCertVerificationError as exc:
        found["valid"], found["error"] = False, exc.verify_message or str(exc)
    except (OSError, UnicodeError) as exc:  # the second connection failed: we cannot say
        found["error"] = f"{exc.__class__.__name__}: {exc}"
    if found["valid"] is not False and found["days_left"] is not None and found["days_left"] < 0:
        found["valid"], found["error"] = False, found["error"] or "certificate has expired"
    return found


def _is_address(host: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def ipv6(url: str, config, timeout: float) -> dict[str, Any]:
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    found: dict[str, Any] = {"aaaa": None, "addresses": [], "fetched": None, "note": None}
    if _is_address(host):
        found["note"] = "the site is registered by address, not by name"
        addresses = [host] if ":" in host else []
    else:
        try:
            infos = socket.getaddrinfo(host, port, socket.AF_INET6, socket.SOCK_STREAM)
            addresses = sorted({info[4][0] for info in infos})
            found["aaaa"] = bool(addresses)
        except socket.gaierror as exc:
            addresses = []
            if exc.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", -5), getattr(socket, "EAI_ADDRFAMILY", -9)):
                found["aaaa"] = False if _resolves(host, port) else None
                if found["aaaa"] is None:
                    found["note"] = "the name does not resolve at all"
            else:
                found["note"] = f"DNS: {exc}"
    found["addresses"] = addresses
    if addresses and config.site_profile.ipv6_fetch:
        found["fetched"] = _fetch_v6(addresses[0], host, port, parts.scheme == "https", config, timeout)
        if found["fetched"] is None:
            found["note"] = "not fetched over IPv6 (no IPv6 route here, or the connection failed): unknown"
    if ":" in host:
        found["aaaa"] = True if found["fetched"] else None
    return found


def _resolves(host: str, port: int) -> bool:
    try:
        return bool(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
    except (OSError, UnicodeError):
        return False


def _routable(address: str, port: int) -> bool:
    """This machine has a route to ``address`` (a UDP connect sends nothing): without one, fail at once
    instead of waiting for a TCP timeout."""
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as probe:
            probe.connect((address, port))
        return True
    except OSError:
        return False


def _fetch_v6(address: str, host: str, port: int, tls: bool, config, timeout: float) -> bool | None:
    """True when the home page answers over IPv6 with a status below 400; False for 400 and above;
    None when the connection itself failed (this machine may have no IPv6)."""
    if not _allowed(address, config) or not _routable(address, port):
        return None
    try:
        with socket.create_connection((address, port), timeout=timeout) as sock:
            stream = sock
            if tls:
                context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
                context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
                stream = context.wrap_socket(sock, server_hostname=None if ":" in host else host)
            name = f"[{host}]" if ":" in host else host
            stream.sendall(f"HEAD / HTTP/1.1\r\nHost: {name}:{port}\r\nConnection: close\r\n"
                           f"User-Agent: {config.http.user_agent}\r\n\r\n".encode("ascii", "replace"))
            line = stream.recv(64).split(b"\r\n", 1)[0].decode("latin-1")
    except OSError:
        return None
    try:
        return int(line.split()[1]) < 400
    except (IndexError, ValueError):
        return None
