"""The site requirements of 国办发〔2017〕47号, one rule per item, read from the ``site_profile`` observation.

Each is a rule the office turns on or off (``[rules] platforms``: drop "website" from its list). By
default they are findings (``[rules] warn`` false: recorded, shown in the bulletin's 网站基本要求
table) except ``site_certificate``, whose failure (an expired certificate) opens a warning; none counts
toward the closure rule unless listed in ``[closure] counted_site_rules``. A certificate expiring
within ``[site_profile] certificate_warn_days`` passes with ``expiring`` in its evidence: the table
shows it as a finding. Whatever could not be seen is unknown, never fail.
"""

from __future__ import annotations

from mediawatch.rules.base import FAIL, PASS, RuleInput, Verdict, unseen

IDENTITY_TITLES = {"site_code": "网站标识码", "icp": "ICP备案号", "police_record": "公安机关备案号",
                   "dzjg_mark": "党政机关网站标识", "sponsor": "主办单位", "jiucuo": "我为政府网站找错入口"}


def _profile(given: RuleInput, rule: str):
    observation = given.one("site_profile")
    return observation, unseen(given, observation, rule, "site_profile")


class SiteHttps:
    id = "site_https"

    def evaluate(self, given: RuleInput) -> Verdict:
        o, blind = _profile(given, self.id)
        if blind:
            return blind
        https = o.data.get("https") or {}
        evidence = dict(https, url=o.data.get("url"))
        if https.get("registered") or https.get("final") or https.get("loads"):
            return Verdict(self.id, PASS, "", evidence)
        if https.get("loads") is None:
            return Verdict.unknown(self.id, "https not tried or our network failed")
        return Verdict(self.id, FAIL, "网站未启用HTTPS安全访问", evidence)


class SiteCertificate:
    id = "site_certificate"

    def evaluate(self, given: RuleInput) -> Verdict:
        o, blind = _profile(given, self.id)
        if blind:
            return blind
        cert = o.data.get("certificate")
        if not cert:
            return Verdict.unknown(self.id, "no https: no certificate to judge")
        warn_days = given.config.site_profile.certificate_warn_days
        evidence = dict(cert, url=o.data.get("url"), warn_days=warn_days)
        if not cert.get("checked"):
            return Verdict.unknown(self.id, f"certificate not read: {cert.get('error')}")
        days = cert.get("days_left")
        if days is not None and days < 0:
            return Verdict(self.id, FAIL, f"网站SSL证书已于{(cert.get('not_after') or '')[:10]}过期", evidence)
        if cert.get("valid") is False:
            # not expired, yet not verified here: an untrusted issuer, a wrong name, or (often) a server that does
            # not send its intermediate certificate, which browsers fetch and Python does not. We cannot tell
            # these apart well enough to warn an owner: shown in the 网站基本要求 table, never a warning
            return Verdict.unknown(self.id, f"certificate not verified here (not expired): {cert.get('error')}")
        if cert.get("valid") is None:
            return Verdict.unknown(self.id, f"certificate not verified: {cert.get('error')}")
        evidence["expiring"] = days is not None and days < warn_days
        return Verdict(self.id, PASS, f"证书{days}天后到期" if evidence["expiring"] else "", evidence)


class SiteGovDomain:
    id = "site_gov_domain"

    def evaluate(self, given: RuleInput) -> Verdict:
        o, blind = _profile(given, self.id)
        if blind:
            return blind
        evidence = {"host": o.data.get("host")}
        if o.data.get("gov_domain"):
            return Verdict(self.id, PASS, "", evidence)
        return Verdict(self.id, FAIL, f"网站域名{o.data.get('host')}未使用gov.cn", evidence)


class SiteIdentity:
    id = "site_identity"

    def evaluate(self, given: RuleInput) -> Verdict:
        o, blind = _profile(given, self.id)
        if blind:
            return blind
        found = o.data.get("identity")
        if found is None:
            return Verdict.unknown(self.id, "home page not read")
        required = given.config.site_profile.identity_items
        missing = [item for item in required if not found.get(item)]
        mismatch = "sponsor" in required and found.get("sponsor") and found.get("sponsor_matches") is False
        evidence = dict(found, missing=missing, sponsor_mismatch=bool(mismatch))
        if missing or mismatch:
            parts = []
            if missing:
                parts.append("缺少" + "、".join(IDENTITY_TITLES.get(m, m) for m in missing))
            if mismatch:
                parts.append(f"主办单位“{found.get('sponsor')}”与登记的主办单位不一致")
            return Verdict(self.id, FAIL, "网站底部标识信息：" + "；".join(parts), evidence)
        return Verdict(self.id, PASS, "", evidence)


class SiteIpv6:
    id = "site_ipv6"

    def evaluate(self, given: RuleInput) -> Verdict:
        o, blind = _profile(given, self.id)
        if blind:
            return blind
        v6 = o.data.get("ipv6") or {}
        if v6.get("aaaa") is True:
            return Verdict(self.id, PASS, "", v6)
        if v6.get("aaaa") is False:
            return Verdict(self.id, FAIL, "网站域名无IPv6地址（AAAA记录）", v6)
        return Verdict.unknown(self.id, v6.get("note") or "IPv6 not judged")


class _PageItem:
    id = ""
    key = ""
    message = ""

    def evaluate(self, given: RuleInput) -> Verdict:
        o, blind = _profile(given, self.id)
        if blind:
            return blind
        found = o.data.get(self.key)
        if found is None:
            return Verdict.unknown(self.id, "home page not read")
        if self.passes(found, given):
            return Verdict(self.id, PASS, "", found)
        return Verdict(self.id, FAIL, self.message.format(**found), found)

    def passes(self, found: dict, given: RuleInput) -> bool:
        raise NotImplementedError


class SiteMobile(_PageItem):
    id, key, message = "site_mobile", "mobile", "首页未设置移动端适配（viewport）"

    def passes(self, found, given):
        return bool(found.get("viewport"))


class SiteSearch(_PageItem):
    id, key, message = "site_search", "search", "首页未提供搜索功能"

    def passes(self, found, given):
        return bool(found.get("found"))


class SiteAccessibility(_PageItem):
    id, key, message = "site_accessibility", "accessibility", "适老化/无障碍基本要求得分{score}分"

    def passes(self, found, given):
        return int(found.get("score") or 0) >= int(given.config.site_profile.accessibility_min_score)


SITE_RULES = (SiteHttps(), SiteCertificate(), SiteGovDomain(), SiteIdentity(), SiteIpv6(), SiteMobile(), SiteSearch(),
              SiteAccessibility())
