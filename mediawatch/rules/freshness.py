"""``not_updated`` (Weibo, WeChat) and ``homepage_not_updated`` (websites): 19号's two-week veto rules."""

from __future__ import annotations

from datetime import timedelta

from mediawatch import clock
from mediawatch.rules.base import FAIL, PASS, RuleInput, Verdict, parse_day, unseen


class NotUpdated:
    """Fails when no post (pinned posts excluded) was published in the N days before the check.

    A post exactly N days old still counts as within the window. An account the platform reports
    gone is judged by ``account_gone`` instead, so one incident is not warned twice.
    """

    id = "not_updated"

    def evaluate(self, given: RuleInput) -> Verdict:
        posts = given.one("posts")
        blind = unseen(given, posts, self.id, "posts")
        if blind:
            return blind
        profile = given.one("profile")
        if profile is not None and profile.ok and profile.data.get("gone"):
            return Verdict.unknown(self.id, "account gone: judged by account_gone")
        days = given.config.rules.new_media_max_silence_days
        data = posts.data
        latest = data.get("latest_post_at")
        evidence = {
            "latest_post_at": latest, "threshold_days": days, "source": data.get("source"),
            "count_7d": data.get("count_7d"), "count_14d": data.get("count_14d"), "count_30d": data.get("count_30d"),
            "no_posts": bool(data.get("no_posts")), "pinned_ignored": data.get("pinned") or [],
        }
        if latest is None:
            evidence["days_since"] = None
            return Verdict(self.id, FAIL, "账号无任何可计入的发布内容", evidence)
        at = clock.parse_datetime(latest)
        since = clock.days_between(at, given.as_of)
        evidence["days_since"] = max(0, int(since))
        if at < given.as_of - timedelta(days=days):
            day = clock.local(at).date().isoformat()
            return Verdict(self.id, FAIL, f"最近一次发布为{day}，已{int(since)}天未更新（要求{days}天内）", evidence)
        return Verdict(self.id, PASS, "", evidence)


class HomepageNotUpdated:
    """Fails when the newest dated item on the home page is older than N days (or there is none)."""

    id = "homepage_not_updated"

    def evaluate(self, given: RuleInput) -> Verdict:
        page = given.one("homepage")
        blind = unseen(given, page, self.id, "homepage")
        if blind:
            return blind
        if page.data.get("unknown_reason"):  # a way in that could not be followed, a list written by script
            return Verdict.unknown(self.id, page.data["unknown_reason"])
        days = given.config.rules.homepage_max_silence_days
        newest = parse_day(page.data.get("newest_date"))
        evidence = {"url": page.data.get("final_url") or page.data.get("url") or page.target,
                    "newest_date": newest.isoformat() if newest else None, "threshold_days": days,
                    "items": page.data.get("items"), "dated_items": page.data.get("dated_items")}
        for key in ("followed", "date_from", "columns_read"):  # how the page was reached and dated
            if page.data.get(key):
                evidence[key] = page.data[key]
        if newest is None:
            evidence["days_since"] = None
            return Verdict(self.id, FAIL, "首页未发现带日期的信息", evidence)
        since = (given.local_date - newest).days
        evidence["days_since"] = since
        if since > days:
            where = "首页无带日期的信息，其链接栏目" if page.data.get("date_from") == "columns" else "首页"
            return Verdict(self.id, FAIL, f"{where}最新信息日期为{newest.isoformat()}，已{since}天未更新（要求{days}天内）",
                           evidence)
        return Verdict(self.id, PASS, "", evidence)
