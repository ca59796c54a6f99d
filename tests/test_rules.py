"""Every rule's edges, driven by tests/data/rules/cases.json (inputs and expected verdicts)."""

import json
from datetime import timedelta
from pathlib import Path

import pytest

from mediawatch import clock
from mediawatch.config import defaults
from mediawatch.rules import RULES
from mediawatch.rules.base import ProbeRecord, RuleInput, StoredObservation

CASES = [case for path in sorted((Path(__file__).parent / "data" / "rules").glob("cases*.json"))
         for case in json.loads(path.read_text(encoding="utf-8"))]  # cases-safety.json: issue 15


def _probes(spec: dict, as_of):
    if not spec:
        return lambda start, end: []
    records = []
    for i in range(spec.get("ok", 0)):
        records.append(ProbeRecord(as_of - timedelta(hours=1 + i), True, 200))
    for i in range(spec.get("failed", 0)):
        records.append(ProbeRecord(as_of - timedelta(hours=2 + i, minutes=30), False, None, "timeout"))
    for i in range(spec.get("old_failed", 0)):
        records.append(ProbeRecord(as_of - timedelta(days=8, hours=i), False, 503, "http"))
    return lambda start, end: [p for p in records if start < p.at <= end]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_rule_case(case):
    config = defaults().with_overrides(case.get("config", {}))
    as_of = clock.parse_datetime(case["as_of"])
    observations = [StoredObservation(o["kind"], o.get("ok", True), o.get("target"), o.get("error_kind"),
                                      o.get("error"), o.get("data", {})) for o in case["observations"]] \
        if "observations" in case else []
    given = RuleInput(account_id="a", platform=case["platform"], name=case.get("registered_name", "XX发布"),
                      as_of=as_of, config=config, observations=observations, probes=_probes(case.get("probes"), as_of),
                      baseline=lambda: case.get("baseline"))
    verdict = RULES[case["rule"]].evaluate(given)
    assert verdict.outcome == case["expect"], verdict
    for key, value in case.get("evidence", {}).items():
        assert verdict.evidence.get(key) == value, (key, verdict.evidence)
    if verdict.outcome == "fail":
        assert verdict.message, "a failing verdict explains itself"


def test_every_rule_has_cases():
    assert {c["rule"] for c in CASES} == set(RULES)
