"""``name_mismatch``, ``not_verified`` and ``account_gone``: what the platform says about the account."""

from __future__ import annotations

import unicodedata

from mediawatch.rules.base import FAIL, PASS, RuleInput, Verdict, unseen


def normalise_name(name: str) -> str:
    """Full-width and half-width forms folded (NFKC), white space removed."""
    return "".join(unicodedata.normalize("NFKC", name or "").split())


GONE_REASONS = {"banned": "被封禁", "closed": "已注销", "missing": "不存在", "frozen": "被冻结", "migrated": "已迁移",
                "removed": "已被删除"}


def _profile(given: RuleInput, rule: str):
    profile = given.one("profile")
    return profile, unseen(given, profile, rule, "profile")


def _live_profile(given: RuleInput, rule: str):
    """The profile of an account that still exists, or the verdict that says why there is none to judge."""
    profile, blind = _profile(given, rule)
    if blind is None and profile.data.get("gone"):
        blind = Verdict.unknown(rule, "account gone: judged by account_gone")
    return profile, blind


class NameMismatch:
    id = "name_mismatch"

    def evaluate(self, given: RuleInput) -> Verdict:
        profile, blind = _live_profile(given, self.id)
        if blind:
            return blind
        reported = profile.data.get("screen_name")
        if not reported:
            return Verdict.unknown(self.id, "the platform reported no name")
        evidence = {"registered": given.name, "reported": reported}
        if normalise_name(reported) != normalise_name(given.name):
            return Verdict(self.id, FAIL, f"平台显示名称“{reported}”与登记名称“{given.name}”不一致", evidence)
        return Verdict(self.id, PASS, "", evidence)


class NotVerified:
    id = "not_verified"

    def evaluate(self, given: RuleInput) -> Verdict:
        profile, blind = _live_profile(given, self.id)
        if blind:
            return blind
        verified = profile.data.get("verified")
        evidence = {"screen_name": profile.data.get("screen_name"), "verified": verified}
        if verified is None:
            return Verdict.unknown(self.id, "the platform reported no verification status")
        if verified is False:
            return Verdict(self.id, FAIL, "账号未进行官方认证", evidence)
        return Verdict(self.id, PASS, "", evidence)


class AccountGone:
    id = "account_gone"

    def evaluate(self, given: RuleInput) -> Verdict:
        profile, blind = _profile(given, self.id)
        if blind:
            return blind
        if profile.data.get("gone"):
            reason = profile.data.get("gone_reason") or ""
            detail = profile.data.get("gone_detail")
            said = GONE_REASONS.get(reason, "被封禁、注销或不存在")
            message = f"平台显示账号{said}" + (f"：“{detail}”" if detail else "")
            return Verdict(self.id, FAIL, message, {"reason": reason, "detail": detail})
        return Verdict(self.id, PASS, "", {})
