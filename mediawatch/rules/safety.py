"""``privacy_leak``, ``hidden_links`` and ``tamper_suspected`` (19号 安全).

``tamper_suspected`` compares the home page with the office's accepted baseline
(``given.baseline()``; the first check of a site records one and says unknown). A failing
verdict opens a warning *pending* the office's confirmation (``warnings confirm`` / ``dismiss``,
see mediawatch/findings.py): only a confirmed one counts.
"""

from __future__ import annotations

from mediawatch.checkers.privacy import KIND_TITLES
from mediawatch.checkers.tamper import compare
from mediawatch.rules.base import FAIL, PASS, RuleInput, Verdict, unseen

MAX_LISTED = 50


class PrivacyLeak:
    """Any unmasked ID number, mobile list or bank card in a page, post or attachment (evidence masked)."""

    id = "privacy_leak"

    def evaluate(self, given: RuleInput) -> Verdict:
        seen = given.one("privacy")
        blind = unseen(given, seen, self.id, "privacy")
        if blind:
            return blind
        data = seen.data
        hits = data.get("hits") or []
        skipped = data.get("attachments_skipped") or []
        evidence = {"count": len(hits), "hits": hits[:MAX_LISTED], "attachments_read": data.get("attachments_read"),
                    "attachments_skipped": skipped[:MAX_LISTED]}
        if hits:
            kinds = "、".join(KIND_TITLES[k] for k in ("id_card", "mobile", "bank_card")
                             if any(h.get("kind") == k for h in hits))
            places = len({(h.get("attachment") or h.get("page"), h.get("post_id")) for h in hits})
            return Verdict(self.id, FAIL, f"{places}处页面或附件公开了未脱敏的个人信息（{kinds}）", evidence)
        if given.platform != "website" and not data.get("texts_scanned"):
            return Verdict.unknown(self.id, "no new text to scan")
        unread = [s for s in skipped if s.get("error_kind") and s["error_kind"] != "http"]
        if unread:  # a file we could not download (timeout, reset ...) is never called clean
            return Verdict.unknown(self.id, f"{len(unread)} attachment(s) could not be downloaded")
        return Verdict(self.id, PASS, "", evidence)


class HiddenLinks:
    """A hidden off-site anchor, or an off-site link matching the illegal-site dictionary."""

    id = "hidden_links"

    def evaluate(self, given: RuleInput) -> Verdict:
        seen = given.one("hidden_links")
        blind = unseen(given, seen, self.id, "hidden_links")
        if blind:
            return blind
        hits = seen.data.get("hits") or []
        limit = int(given.config.hidden_links.max_listed)
        evidence = {"count": len(hits), "hits": hits[:limit], "review": (seen.data.get("review") or [])[:limit],
                    "pages_scanned": seen.data.get("pages_scanned")}
        if hits:
            illegal = sum(1 for h in hits if h.get("why") == "dictionary")
            return Verdict(self.id, FAIL, f"发现{len(hits)}个暗链或非法外链（其中{illegal}个指向赌博、色情等违法网站）",
                           evidence)
        return Verdict(self.id, PASS, "", evidence)


class TamperSuspected:
    id = "tamper_suspected"

    def evaluate(self, given: RuleInput) -> Verdict:
        seen = given.one("tamper")
        blind = unseen(given, seen, self.id, "tamper")
        if blind:
            return blind
        baseline = given.baseline()
        if baseline is None:
            return Verdict.unknown(self.id, "no accepted baseline yet: this check records one")
        settings = given.config.tamper
        found = compare(baseline, seen.data, ratio=float(settings.frame_change_ratio),
                        min_lines=int(settings.min_frame_lines))
        evidence = {**found, "url": seen.data.get("url") or seen.target,
                    "script_hosts": seen.data.get("script_hosts") or [],
                    "frame_lines": seen.data.get("frame_lines") or []}
        if found["new_hosts"] or found["wholesale"]:
            parts = []
            if found["new_hosts"]:
                parts.append(f"首页新出现外部脚本或框架来源：{'、'.join(found['new_hosts'])}")
            if found["wholesale"]:
                parts.append(f"首页框架文字变化{found['changed']:.0%}")
            return Verdict(self.id, FAIL, "疑似页面篡改（待确认）：" + "；".join(parts), evidence)
        return Verdict(self.id, PASS, "", {"new_hosts": [], "changed": found["changed"], "url": evidence["url"]})
