"""What a rule sees and what it says.

A rule reads the stored observations of one account in one check run (and, for availability,
the stored probes) and returns a ``Verdict``: pass, fail (with evidence a person can verify) or
unknown (not enough data, or we could not see). Rules know nothing of HTTP or of warnings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable, Protocol

from mediawatch import clock
from mediawatch.config import Config

PASS, FAIL, UNKNOWN = "pass", "fail", "unknown"


@dataclass
class StoredObservation:
    kind: str
    ok: bool
    target: str | None = None
    error_kind: str | None = None
    error: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class ProbeRecord:
    at: datetime
    ok: bool
    status: int | None = None
    error_kind: str | None = None


@dataclass
class RuleInput:
    account_id: str
    platform: str
    name: str
    as_of: datetime
    config: Config
    observations: list[StoredObservation]
    # probes of this account between two times (network_ok ones only), loaded on demand
    probes: Callable[[datetime, datetime], list[ProbeRecord]] = lambda start, end: []
    # 报备 (issue 17): set to the window's description while the account is in an approved window
    maintenance: str | None = None
    # issue 16: URLs of the columns the office exempted for this day (``mediawatch columns exempt``)
    exempted_columns: frozenset[str] = frozenset()
    # the office's accepted home-page baseline (tamper_suspected), loaded on demand; None: none yet
    baseline: Callable[[], dict | None] = lambda: None

    def of_kind(self, kind: str) -> list[StoredObservation]:
        return [o for o in self.observations if o.kind == kind]

    def one(self, kind: str) -> StoredObservation | None:
        found = self.of_kind(kind)
        return found[0] if found else None

    @property
    def local_date(self) -> date:
        return clock.local(self.as_of).date()


@dataclass
class Verdict:
    rule: str
    outcome: str
    message: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def unknown(cls, rule: str, why: str) -> "Verdict":
        return cls(rule, UNKNOWN, why)


class Rule(Protocol):
    id: str

    def evaluate(self, given: RuleInput) -> Verdict: ...


def parse_day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def unseen(given: RuleInput, observation: StoredObservation | None, rule: str, kind: str) -> Verdict | None:
    """``unknown`` when the observation a rule needs is missing or failed, else None."""
    if observation is None:
        return Verdict.unknown(rule, f"no {kind} observation")
    if not observation.ok:
        return Verdict.unknown(rule, f"{kind} not observed: {observation.error_kind}: {observation.error or ''}".strip())
    return None
