"""``name_mismatch``, ``not_verified`` and ``account_gone``: what the platform says about the account."""

from __future__ import annotations

import unicodedata

from mediawatch.rules.base import FAIL, PASS, RuleInput, Verdict, unseen


def normalise_name(name: str) -> str:
    """Full-width and half-width forms folded (NFKC), white space removed."""
    return "".join(unicodedata.normalize("NFKC", name or "").split())


def _profile(given: RuleInput, rule: str):
    profile = given.one("profile")
    blind = unseen(given, profile, rule, "profile")
    return profile, blind


class NameMismatch:
    id = "name_mismatch"

    def evaluate(self, given: RuleInput) -> Verdict:
        profile, blind = _profile(given, self.id)
        if blind:
            return blind
        if profile.data.get("gone"):
            return Verdict.unknown(self.id, "account gone")
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
        profile, blind = _profile(given, self.id)
        if blind:
            return blind
        if profile.data.get("gone"):
            return Verdict.unknown(self.id, "account gone")
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
            return Verdict(self.id, FAIL, f"平台显示账号已被封禁、注销或不存在：{reason}".rstrip("："),
                           {"reason": reason, "detail": profile.data.get("gone_detail")})
        return Verdict(self.id, PASS, "", {})
