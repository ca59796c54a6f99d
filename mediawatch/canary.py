"""Is our own network up? Reference URLs that must load for a run's failures to mean anything."""

from __future__ import annotations

from dataclasses import dataclass, field

from mediawatch.config import Config


@dataclass
class CanaryResult:
    ok: bool
    checked: int = 0
    failures: list[dict] = field(default_factory=list)

    def describe(self) -> str:
        if self.ok:
            return f"canary: {self.checked} reference URL(s) loaded"
        return "canary: reference URLs failed: " + "; ".join(f"{f['url']} ({f['error_kind']})" for f in self.failures)


def check_canary(config: Config, fetcher) -> CanaryResult:
    """All configured reference URLs must load (status < 500). No URLs configured: ok."""
    urls = list(config.canary.urls)
    failures = []
    for url in urls:
        result = fetcher.fetch(url, max_bytes=65536, retries=1)
        if result.error_kind is not None or (result.status or 0) >= 500:
            failures.append({"url": url, "error_kind": result.error_kind or f"http_{result.status}",
                             "error": result.error})
    return CanaryResult(ok=not failures, checked=len(urls), failures=failures)
