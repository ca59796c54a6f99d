"""Is our own network up? Reference URLs that must load for a run's failures to mean anything."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from mediawatch.config import Config

# second-level labels under which the registrable domain has three labels (xx.gov.cn, xx.com.cn)
SECOND_LEVEL = frozenset({"gov", "com", "edu", "org", "net", "ac", "mil"})


@dataclass
class CanaryResult:
    ok: bool
    checked: int = 0
    failures: list[dict] = field(default_factory=list)

    def describe(self) -> str:
        if self.ok:
            return f"canary: {self.checked} reference URL(s) loaded"
        return "canary: reference URLs failed: " + "; ".join(f"{f['url']} ({f['error_kind']})" for f in self.failures)


# how a reference URL is fetched, by the blocking fetcher or on an event loop (probes.py)
CANARY_FETCH = {"max_bytes": 65536, "retries": 1}


def check_canary(config: Config, fetcher) -> CanaryResult:
    """All configured reference URLs must load (status < 500). No URLs configured: ok."""
    urls = list(config.canary.urls)
    return canary_of(urls, [fetcher.fetch(url, **CANARY_FETCH) for url in urls])


def canary_of(urls: list[str], results: list) -> CanaryResult:
    """The verdict on the reference URLs' fetch results, in the same order."""
    failures = [{"url": url, "error_kind": result.error_kind or f"http_{result.status}", "error": result.error}
                for url, result in zip(urls, results)
                if result.error_kind is not None or (result.status or 0) >= 500]
    return CanaryResult(ok=not failures, checked=len(urls), failures=failures)


def registrable(host: str) -> str:
    """The domain a host belongs to (``www.ouhai.gov.cn`` -> ``ouhai.gov.cn``): failures on many
    hosts of one domain are that domain's trouble, failures across many domains are ours."""
    labels = host.lower().rstrip(".").split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def _resolves(host: str) -> bool:
    try:
        return bool(socket.getaddrinfo(host, 443, type=socket.SOCK_STREAM))
    except (OSError, UnicodeError):
        return False


def dns_outage(config: Config, failed_urls: list[str]) -> tuple[bool, str]:
    """(degraded, message) for a run whose links failed name resolution on ``failed_urls``.

    Failures spanning at least ``canary.dns_failure_domains`` unrelated domains make us ask our
    resolver for the ``canary.dns_hosts``: when none of them resolves either (or the list is
    empty), it is our DNS that failed, not theirs, and the run is degraded."""
    domains = {registrable(urlsplit(url).hostname or "") for url in failed_urls}
    domains.discard("")
    if len(domains) < int(config.canary.dns_failure_domains):
        return False, ""
    names = list(config.canary.dns_hosts)
    if any(_resolves(name) for name in names):
        return False, ""
    checked = f"; the reference names {', '.join(names)} do not resolve either" if names else ""
    return True, (f"DEGRADED: name resolution failed for links on {len(domains)} unrelated domains{checked}: "
                  "our own DNS is suspect. No warning was opened or resolved. Run `mediawatch check` again with "
                  "the same --now once name resolution works.")
