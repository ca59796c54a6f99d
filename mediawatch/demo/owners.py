"""The demo's office side of issue 17, and what the demo's summary says about it.

Each replayed day, after the 02:00 cycle (which computes reminders, escalations and IM notices
through ``outreach``) and the day's probes, at 20:30 the office:

- approves the 统计局's 报备 window (its site redesign, ``district.redesign_window``) five days
  before it starts;
- answers 教育局's 整改反馈 on its first 首页不更新 warning: the unit reports the day after the warning
  opens, the office returns it (退回) the next day, the unit reports again, the office verifies it.

``summary`` reads the database: reminders sent and which warnings they preceded, accounts that acted
on a reminder (no warning followed), the feedback story, the window and what was warned inside it,
the screenshots the notices link.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from mediawatch import clock, feedback, maintenance
from mediawatch.demo.district import redesign_window
from mediawatch.store.models import Account, Feedback, MaintenanceWindow, Reminder, Warning, WarningEvent

OFFICE_AT = time(20, 30)
ACTOR = "区府办（演示）"
WINDOW_ACCOUNT, WINDOW_REASON = "site-tjj", "网站改版：首页栏目迁移至新版集约化平台"
FEEDBACK_ACCOUNT, FEEDBACK_RULE = "site-jyj", "homepage_not_updated"
WARNED_RULES = ("not_updated", "homepage_not_updated", "column_stale")
LOOK_BACK_DAYS = 5


def _at(day, when: time) -> datetime:
    return datetime.combine(day, when, tzinfo=clock.SHANGHAI)


def office_day(app, district, index: int) -> None:
    """The office's actions on day ``index`` of the replay (the clock is set to that day's 20:30)."""
    day = district.day(index)
    now = _at(day, OFFICE_AT)
    clock.set_now(now)
    first, last = redesign_window(district.span)
    with app.store.session() as session:
        if index == max(0, first - 5):
            maintenance.add_window(session, WINDOW_ACCOUNT, clock.start_of_local_day(district.day(first)),
                                   clock.start_of_local_day(district.day(last) + timedelta(days=1)), WINDOW_REASON,
                                   ACTOR, now, app.config)
        _feedback_step(session, now)


def _feedback_step(session, now: datetime) -> None:
    warning = session.scalar(select(Warning).join(Account, Account.id == Warning.account_pk)
                             .where(Account.account_id == FEEDBACK_ACCOUNT, Warning.rule == FEEDBACK_RULE)
                             .order_by(Warning.id).limit(1))
    if warning is None or warning.status != "open" or now - warning.opened_at < timedelta(hours=12):
        return
    kinds = [f.kind for f in session.scalars(select(Feedback).where(Feedback.warning_id == warning.id)
                                             .order_by(Feedback.id))]
    unit = warning.account.owner_unit
    if not kinds:
        feedback.record_feedback(session, warning.id, "首页已恢复更新。", unit, now)
    elif kinds == ["feedback"]:
        feedback.return_feedback(session, warning.id, "复查发现首页仍无新信息，请核实整改后重新反馈。", ACTOR, now)
    elif kinds == ["feedback", "returned"]:
        feedback.record_feedback(session, warning.id, "已明确专人每日更新首页，并补发近期工作动态5条。", unit, now)
    elif kinds == ["feedback", "returned", "feedback"]:
        feedback.verify_feedback(session, warning.id, ACTOR, now, "经核实，整改措施已落实。")


def summary(app) -> list[str]:
    """The demo's lines about issue 17."""
    lines = []
    with app.store.session() as session:
        accounts = {a.id: a for a in session.scalars(select(Account))}
        by_id = {a.account_id: a for a in accounts.values()}
        reminders = list(session.scalars(select(Reminder).order_by(Reminder.day)))
        reminded: dict[str, list[str]] = {}  # account_id -> days with a silence or column reminder
        for r in reminders:
            for item in r.items:
                if item["kind"] in ("silence", "column"):
                    reminded.setdefault(item["account_id"], []).append(r.day)
        warned = list(session.scalars(select(Warning).where(Warning.rule.in_(WARNED_RULES))))
        preceded = 0
        for w in warned:
            days = reminded.get(accounts[w.account_pk].account_id, [])
            opened = clock.local(w.opened_at).date()
            if any(0 < (opened - _day(d)).days <= LOOK_BACK_DAYS for d in days):
                preceded += 1
        heeded = []
        for account_id, days in sorted(reminded.items()):
            pk = by_id[account_id].id
            after = [w for w in warned if w.account_pk == pk]
            episodes = _episodes(days)
            quiet = [e for e in episodes
                     if not any(0 <= (clock.local(w.opened_at).date() - e).days <= LOOK_BACK_DAYS for w in after)]
            if quiet:
                heeded.append(f"{account_id} ({len(quiet)} of {len(episodes)} times)")
        lines.append(f"reminders (预提醒): {len(reminders)} to {len({r.owner_unit for r in reminders})} units (one a day "
                     f"at most; written to the notices folders); "
                     f"{preceded} of {len(warned)} silence warnings came after a reminder")
        lines.append("  acted on a reminder, no warning followed: " + (", ".join(heeded) or "none"))
        story = session.scalar(select(Warning).join(Account, Account.id == Warning.account_pk)
                               .where(Account.account_id == FEEDBACK_ACCOUNT, Warning.rule == FEEDBACK_RULE)
                               .order_by(Warning.id).limit(1))
        if story is not None:
            states = [feedback.label(feedback.STATE_OF_KIND[f.kind]) for f in session.scalars(
                select(Feedback).where(Feedback.warning_id == story.id).order_by(Feedback.id))]
            lines.append(f"feedback (整改反馈) on warning #{story.id} ({FEEDBACK_ACCOUNT}): "
                         + (" -> ".join(states) or "none yet"))
        for window in session.scalars(select(MaintenanceWindow).order_by(MaintenanceWindow.id)):
            inside = session.scalar(select(Warning.id).where(
                Warning.account_pk == window.account_pk, Warning.opened_at >= window.starts_at,
                Warning.opened_at < maintenance.effective_end(window)).limit(1))
            lines.append(f"报备 window {window.id}: {accounts[window.account_pk].account_id} "
                         f"{clock.local(window.starts_at).date()} to "
                         f"{clock.local(maintenance.effective_end(window) - timedelta(seconds=1)).date()} "
                         f"({window.reason}): {'WARNED INSIDE IT' if inside else 'nothing warned inside it'}")
        shots = session.execute(select(WarningEvent.data).where(WarningEvent.kind == "screenshot")).scalars().all()
        taken = [d for d in shots if d.get("path")]
        escalated = session.scalar(select(WarningEvent.id).where(WarningEvent.kind == "escalated").limit(1))
        n_escalated = len(session.scalars(select(WarningEvent.id).where(WarningEvent.kind == "escalated")).all())
    lines.append(f"screenshots: {len(taken)} taken (reports/evidence/), {len(shots) - len(taken)} without one; "
                 "linked from the notices")
    lines.append(f"escalations (逾期督办): {n_escalated if escalated else 0} overdue warnings escalated once each to the "
                 "owner and the supervising unit (督办 files and 办公室督办汇总.txt in the notices folders)")
    return lines


def _day(text: str):
    from datetime import date

    return date.fromisoformat(text)


def _episodes(days: list[str]) -> list:
    """Runs of consecutive reminder days: one episode each, as its first day."""
    found = []
    previous = None
    for text in sorted(set(days)):
        day = _day(text)
        if previous is None or (day - previous).days > 1:
            found.append(day)
        previous = day
    return found
