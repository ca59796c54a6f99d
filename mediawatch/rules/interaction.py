"""``interaction_unanswered`` and ``interaction_unavailable`` (互动回应差): the ``interaction`` observations.

Days are counted in Asia/Shanghai calendar days from the day a message was asked. A message whose
answer we could not read (no day on the list, its page not opened or unreadable) is neither late nor
on time: it is counted under ``unresolved`` and never makes a failure.
"""

from __future__ import annotations

from datetime import timedelta

from mediawatch.rules.base import FAIL, PASS, RuleInput, Verdict, parse_day

NETWORK_OR_OURS = frozenset({"dns", "refused", "timeout", "reset", "tls", "network", "unreachable", "private_address",
                             "internal", "malformed", "blocked", "invalid_url"})


def late_messages(data: dict, given: RuleInput) -> tuple[list[dict], int, int]:
    """(messages asked within the window that were answered late or are still unanswered too long,
    messages judged, messages that could not be judged)."""
    settings = given.config.interaction
    limit = int(settings.max_answer_days)
    today = given.local_date
    since = today - timedelta(days=int(settings.lookback_days))
    late, judged, unknown = [], 0, 0
    for message in data.get("messages") or []:
        asked = parse_day(message.get("asked"))
        if asked is None or asked < since:
            continue
        answered = parse_day(message.get("answered"))
        if answered is not None:
            judged += 1
            days = (answered - asked).days
            if days > limit:
                late.append(dict(_listed(message, data), days=days, state="answered_late"))
        elif message.get("status") == "pending":
            judged += 1
            days = (today - asked).days
            if days > limit:
                late.append(dict(_listed(message, data), days=days, state="unanswered"))
        else:
            unknown += 1
    return late, judged, unknown


def _listed(message: dict, data: dict) -> dict:
    return {"column": data.get("column"), "title": message.get("title"), "url": message.get("url"),
            "asked": message.get("asked"), "answered": message.get("answered")}


class InteractionUnanswered:
    """Fails when a message asked within the past year waited more than 90 days (answered late, or not yet)."""

    id = "interaction_unanswered"

    def evaluate(self, given: RuleInput) -> Verdict:
        columns = given.of_kind("interaction")
        if not columns:
            return Verdict.unknown(self.id, "no interaction columns registered")
        late, judged, unresolved, unchecked = [], 0, 0, []
        for o in columns:
            if not o.ok:
                unchecked.append({"column": o.data.get("column"), "url": o.target, "error_kind": o.error_kind})
                continue
            found, n, u = late_messages(o.data, given)
            late.extend(found)
            judged += n
            unresolved += u
        limit = int(given.config.interaction.max_answer_days)
        evidence = {"threshold_days": limit, "judged": judged, "unresolved": unresolved,
                    "messages": sorted(late, key=lambda m: m["asked"] or "")[:int(given.config.interaction.max_listed)],
                    "count": len(late), "unchecked": unchecked}
        if late:
            waiting = sum(1 for m in late if m["state"] == "unanswered")
            return Verdict(self.id, FAIL, f"{len(late)}条群众留言超过{limit}天未回复或逾期回复（其中{waiting}条仍未回复）",
                           evidence)
        if unchecked:
            return Verdict.unknown(self.id, f"{len(unchecked)} interaction column(s) not loaded")
        if unresolved:  # a message whose answer we could not read may be the late one: never called on time
            return Verdict.unknown(self.id, f"{unresolved} message(s) within the window could not be judged")
        if not judged:
            return Verdict.unknown(self.id, "no message within the window could be judged")
        return Verdict(self.id, PASS, "", evidence)


class InteractionUnavailable:
    """Fails when an interaction column cannot be reached (HTTP error: the owner's page is gone), or its
    list shows no message asked within the past year. Network-level failures and pages we could not
    read are ours to doubt: unknown. A list where no message was recognised at all is unknown too
    (set the column's selectors); ``blank_column`` judges an empty list page."""

    id = "interaction_unavailable"

    def evaluate(self, given: RuleInput) -> Verdict:
        columns = given.of_kind("interaction")
        if not columns:
            return Verdict.unknown(self.id, "no interaction columns registered")
        window = int(given.config.interaction.lookback_days)
        since = given.local_date - timedelta(days=window)
        failing, unknown = [], []
        for o in columns:
            entry = {"column": o.data.get("column"), "url": o.data.get("url") or o.target}
            if not o.ok:
                if o.error_kind == "http":
                    failing.append(dict(entry, reason="unreachable", status=o.data.get("status")))
                else:
                    unknown.append(dict(entry, error_kind=o.error_kind))
                continue
            if not o.data.get("recognised"):
                unknown.append(dict(entry, error_kind="no_messages_recognised"))
                continue
            newest = parse_day(o.data.get("newest_asked"))
            if newest is None or newest < since:
                failing.append(dict(entry, reason="no_messages", newest_asked=o.data.get("newest_asked"),
                                    window_days=window))
        if failing:
            parts = "、".join(f"{c['column'] or c['url']}（{'无法访问' if c['reason'] == 'unreachable' else f'{window}天内无留言'}）"
                             for c in failing)
            return Verdict(self.id, FAIL, f"互动栏目不可用：{parts}", {"columns": failing, "unchecked": unknown})
        if unknown:
            return Verdict.unknown(self.id, f"{len(unknown)} interaction column(s) could not be judged")
        return Verdict(self.id, PASS, "", {"columns": []})
