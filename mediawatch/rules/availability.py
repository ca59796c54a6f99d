"""``unavailable``: the share of failed home-page probes over a rolling window (19号 veto)."""

from __future__ import annotations

from datetime import timedelta

from mediawatch import clock
from mediawatch.rules.base import FAIL, PASS, RuleInput, Verdict


class Unavailable:
    """Fails when failed probes are at least ``unavailable_failure_ratio`` of the window's probes.

    Probes taken while our own network was down (canary failed) are not counted. Fewer probes
    than ``unavailable_min_probes`` is not enough data: unknown, neither pass nor fail.
    """

    id = "unavailable"

    def evaluate(self, given: RuleInput) -> Verdict:
        rules = given.config.rules
        start = given.as_of - timedelta(days=rules.unavailable_window_days)
        probes = given.probes(start, given.as_of)
        n = len(probes)
        if n < rules.unavailable_min_probes:
            return Verdict.unknown(self.id, f"{n} probes in {rules.unavailable_window_days} days "
                                            f"(at least {rules.unavailable_min_probes} needed)")
        failed = [p for p in probes if not p.ok]
        ratio = len(failed) / n
        evidence = {
            "window_days": rules.unavailable_window_days, "probes": n, "failed": len(failed),
            "ratio": round(ratio, 4), "threshold": rules.unavailable_failure_ratio,
            "failures": [{"at": clock.iso(p.at), "status": p.status, "error_kind": p.error_kind}
                         for p in sorted(failed, key=lambda p: p.at)[-20:]],
        }
        if ratio >= rules.unavailable_failure_ratio:
            return Verdict(self.id, FAIL, f"近{rules.unavailable_window_days}天{n}次监测中{len(failed)}次无法访问"
                                          f"（{ratio:.1%}，标准为低于{rules.unavailable_failure_ratio:.0%}）", evidence)
        return Verdict(self.id, PASS, "", evidence)
