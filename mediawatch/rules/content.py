"""``broken_links`` and ``severe_typo``: what the pages and posts we fetched contain."""

from __future__ import annotations

from mediawatch.rules.base import FAIL, PASS, RuleInput, Verdict, unseen

MAX_LISTED = 200


class BrokenLinks:
    """Websites: any broken home-page link, or inner-page broken links above the configured count.
    Weibo/WeChat: any broken link in the posts checked. Nothing new checked (no new posts): unknown.
    Throttled links (429/503 with Retry-After, still refused after retries) are never broken."""

    id = "broken_links"

    def evaluate(self, given: RuleInput) -> Verdict:
        links = given.one("links")
        blind = unseen(given, links, self.id, "links")
        if blind:
            return blind
        data = links.data
        broken = data.get("broken") or []
        evidence = {"count": len(broken), "pages_crawled": data.get("pages_crawled"),
                    "links_checked": data.get("links_checked"), "broken": broken[:MAX_LISTED]}
        if given.platform == "website":
            home = [b for b in broken if b.get("on_homepage")]
            inner = len(broken) - len(home)
            limit = given.config.crawl.max_inner_broken_links
            if home or inner > limit:
                return Verdict(self.id, FAIL, f"首页{len(home)}个、其他页面{inner}个链接不可用", evidence)
            return Verdict(self.id, PASS, "", evidence)
        if not data.get("links_checked"):
            return Verdict.unknown(self.id, "no new links in posts to check")
        if broken:
            return Verdict(self.id, FAIL, f"发布内容中{len(broken)}个链接不可用", evidence)
        return Verdict(self.id, PASS, "", evidence)


class SevereTypo:
    """Any hit of the severe-error dictionary in the text we fetched."""

    id = "severe_typo"

    def evaluate(self, given: RuleInput) -> Verdict:
        typos = given.one("typos")
        blind = unseen(given, typos, self.id, "typos")
        if blind:
            return blind
        hits = typos.data.get("hits") or []
        if hits:
            forms = "、".join(sorted({f"“{h.get('wrong')}”" for h in hits}))
            return Verdict(self.id, FAIL, f"发现{len(hits)}处严重表述错误：{forms}", {"hits": hits[:MAX_LISTED]})
        if given.platform != "website" and not typos.data.get("texts_scanned"):
            return Verdict.unknown(self.id, "no new text to scan")
        return Verdict(self.id, PASS, "", {"hits": []})
