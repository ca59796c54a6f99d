"""The address guard: which URLs are web URLs, and which addresses a check may connect to.

Pure functions, no HTTP library: every HTTP core (the requests-based one, the asyncio one) asks
these the same questions and connects only to the addresses ``check_host`` returned.

- ``normalize`` parses a URL by the WHATWG URL Standard (the rules browsers follow, through
  ada-url): tabs and newlines anywhere and C0 controls/spaces at either end are dropped, ``\\``
  is a ``/`` in http(s) URLs, the host is percent-decoded, lower-cased and IDNA-encoded, and
  IPv4 written as ``0x7f.1``, ``2130706433`` or ``0177.0.0.1`` becomes ``127.0.0.1``. So the
  host judged is the host any browser or HTTP stack connects to
  (``http://169.254.169.254\\@example.com/`` is 169.254.169.254, not example.com).
- ``is_public_address`` refuses everything that is not global unicast, and judges IPv6 forms
  that carry an IPv4 address (mapped, compatible, NAT64, 6to4, Teredo) by that IPv4 address.
- ``check_host`` resolves a host and refuses it when any of its addresses is not public: the
  caller connects to the returned addresses, never resolving again (DNS rebinding).
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Iterable

import ada_url

WEB_SCHEMES = ("http", "https")
MAX_URL_CHARS = 8192  # longer "URLs" are not web addresses a page or a registry gives

IPv4_NOT_PUBLIC = tuple(ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
    "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4", "255.255.255.255/32",
))
IPv6_NOT_PUBLIC = tuple(ipaddress.ip_network(n) for n in (
    "::/128", "::1/128", "100::/64", "2001:db8::/32", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
    "64:ff9b:1::/48",  # local-use NAT64 (RFC 8215): never a public destination
))
NAT64 = ipaddress.ip_network("64:ff9b::/96")
IPv4_COMPATIBLE = ipaddress.ip_network("::/96")
IPv4_TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")  # RFC 2765 (SIIT)


class UnsafeURL(ValueError):
    """Not a web URL a check may fetch (wrong scheme, no host, unparsable)."""


class AddressNotAllowed(UnsafeURL):
    """The host is, or resolves to, an address that is not public."""


def normalize(url: str) -> str:
    """The URL as the WHATWG URL Standard reads it; ``UnsafeURL`` when it is not an http(s) URL
    with a host."""
    if not isinstance(url, str) or len(url) > MAX_URL_CHARS:
        raise UnsafeURL("not a URL of a reasonable length")
    try:
        parsed = ada_url.URL(url)
    except ValueError as exc:
        raise UnsafeURL(f"not a valid URL: {url[:200]!r}") from exc
    scheme = parsed.protocol.rstrip(":")
    if scheme not in WEB_SCHEMES:
        raise UnsafeURL(f"not an http(s) URL: {url[:200]!r}")
    if not parsed.hostname:
        raise UnsafeURL(f"no host in {url[:200]!r}")
    return parsed.href


def join(base: str, reference: str) -> str:
    """``reference`` (a link or a Location header) resolved against ``base``, then normalised."""
    try:
        return normalize(ada_url.join_url(base, reference))
    except ValueError as exc:
        if isinstance(exc, UnsafeURL):
            raise
        raise UnsafeURL(f"not a valid URL: {reference[:200]!r}") from exc


def host_and_port(url: str) -> tuple[str, int]:
    """The host (IPv6 without brackets) and port a normalised URL connects to."""
    parsed = ada_url.URL(url)
    port = int(parsed.port) if parsed.port else (443 if parsed.protocol == "https:" else 80)
    return parsed.hostname.strip("[]"), port


def _embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    found = []
    if address.ipv4_mapped is not None:
        found.append(address.ipv4_mapped)
    if address in NAT64 or address in IPv4_TRANSLATED or (address in IPv4_COMPATIBLE and int(address) > 1):
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    if address.sixtofour is not None:
        found.append(address.sixtofour)
    if address.teredo is not None:
        found.extend(address.teredo)
    return found


def is_public_address(ip: str) -> bool:
    """True only for a global unicast address; an IPv6 form carrying an IPv4 address is judged
    by that IPv4 address (all of them, for Teredo's server and client)."""
    try:
        address = ipaddress.ip_address(ip.strip("[]").split("%")[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded:
            return all(is_public_address(str(v4)) for v4 in embedded)
        if any(address in net for net in IPv6_NOT_PUBLIC):
            return False
    elif any(address in net for net in IPv4_NOT_PUBLIC):
        return False
    return address.is_global and not address.is_multicast and not address.is_reserved


def _allowed(ip: str, allowed: Iterable[str]) -> bool:
    address = ipaddress.ip_address(ip.split("%")[0])
    for network in allowed:
        try:
            if address in ipaddress.ip_network(network, strict=False):
                return True
        except ValueError:
            continue
    return False


def check_host(host: str, port: int, *, allow_private: bool, allowed: Iterable[str] = ()) -> list[str]:
    """The addresses to connect to for ``host``: resolved once (``getaddrinfo``; ``OSError``
    when the name does not resolve). ``AddressNotAllowed`` when any of them is not public,
    unless ``allow_private`` or the address lies in one of the ``allowed`` networks (an
    intranet site the office registered on purpose)."""
    host = host.strip("[]")
    if not host:
        raise UnsafeURL("no host")
    try:
        literal = ipaddress.ip_address(host.split("%")[0])
        addresses = [str(literal)]
    except ValueError:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not allow_private:
        allowed = tuple(allowed)
        refused = [a for a in addresses if not is_public_address(a) and not _allowed(a, allowed)]
        if refused:
            raise AddressNotAllowed(f"{host} is or resolves to a non-public address ({', '.join(refused[:3])})")
    return addresses
