"""Rules: small plug-ins that read stored observations and return pass, fail (with evidence) or unknown.

Registered explicitly under their rule id; a duplicate id fails loudly. Which rules apply to which
platform, and whether a failing rule raises a warning, is config (``[rules] platforms`` / ``warn``).
"""

from __future__ import annotations

from mediawatch.config import Config
from mediawatch.rules.availability import Unavailable
from mediawatch.rules.base import FAIL, PASS, UNKNOWN, Rule, RuleInput, Verdict
from mediawatch.rules.columns import BlankColumn, ColumnStale
from mediawatch.rules.content import BrokenLinks, SevereTypo
from mediawatch.rules.freshness import HomepageNotUpdated, NotUpdated
from mediawatch.rules.integrity import AccountGone, NameMismatch, NotVerified
from mediawatch.rules.interaction import InteractionUnanswered, InteractionUnavailable
from mediawatch.rules.safety import HiddenLinks, PrivacyLeak, TamperSuspected

RULES: dict[str, Rule] = {}


def register(rule: Rule) -> None:
    if rule.id in RULES:
        raise ValueError(f"rule {rule.id!r} registered twice")
    RULES[rule.id] = rule


for _rule in (NotUpdated(), HomepageNotUpdated(), ColumnStale(), BlankColumn(), Unavailable(), BrokenLinks(),
              SevereTypo(), NameMismatch(), NotVerified(), AccountGone(),
              # issue 15: 互动回应差 and 安全
              InteractionUnanswered(), InteractionUnavailable(), PrivacyLeak(), HiddenLinks(), TamperSuspected()):
    register(_rule)
from mediawatch.rules.site_profile import SITE_RULES  # noqa: E402 - issue 16: 国办发〔2017〕47号 site requirements

for _rule in SITE_RULES:
    register(_rule)


def rules_for(platform: str, config: Config) -> list[Rule]:
    applies = config.rules.platforms
    return [rule for rule_id, rule in RULES.items() if platform in applies.get(rule_id, [])]


def evaluate(given: RuleInput) -> list[Verdict]:
    """Every rule that applies to the account's platform; a rule that crashes is unknown, not fail."""
    verdicts = []
    if given.maintenance:  # 报备 window (issue 17): every rule of the account says unknown, nothing opens
        return [Verdict.unknown(rule.id, given.maintenance) for rule in rules_for(given.platform, given.config)]
    for rule in rules_for(given.platform, given.config):
        try:
            verdicts.append(rule.evaluate(given))
        except Exception as exc:  # noqa: BLE001 - a bug in one rule must never warn anyone
            verdicts.append(Verdict.unknown(rule.id, f"rule failed: {exc.__class__.__name__}: {exc}"))
    return verdicts


__all__ = ["RULES", "FAIL", "PASS", "UNKNOWN", "RuleInput", "Verdict", "evaluate", "rules_for", "register"]
