"""今日概况: the last runs, degraded runs, accounts whose check failed, new and overdue warnings, 整改反馈
awaiting the office's answer, and the reminders (预提醒) the daily cycle sent today (``mediawatch.reminders``)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from starlette.routing import Route

from mediawatch import clock, feedback
from mediawatch.console import queries
from mediawatch.console.app import render
from mediawatch.console.auth import ALL, Ctx, page, scope
from mediawatch.store.models import Account, AccountCheck, CheckRun, Feedback, Reminder, Warning

RECENT_RUNS = 7
DEGRADED_DAYS = 30
FAILED_SHOWN = 100


@page(*ALL)
def today(ctx: Ctx):
    mw, viewer, now = ctx.mw, ctx.viewer, clock.now()
    cfg = mw.config.console
    with mw.store.session() as session:
        runs = list(session.scalars(select(CheckRun).where(CheckRun.kind == "check")
                                    .order_by(CheckRun.as_of.desc(), CheckRun.id.desc()).limit(RECENT_RUNS)))
        degraded = list(session.scalars(select(CheckRun).where(
            CheckRun.kind == "check", CheckRun.status == "degraded", CheckRun.as_of > now - timedelta(days=DEGRADED_DAYS))
            .order_by(CheckRun.as_of.desc()).limit(RECENT_RUNS)))
        last = next((r for r in runs if r.status != "running"), None)
        failed, failed_total = [], 0
        if last is not None:
            failed_query = scope(
                select(Account.account_id, Account.name, Account.owner_unit, Account.platform, AccountCheck.failure,
                       AccountCheck.network_failure)
                .join(Account, Account.id == AccountCheck.account_pk)
                .where(AccountCheck.run_id == last.id, AccountCheck.outcome == "check_failed"), viewer)
            failed = session.execute(failed_query.order_by(Account.account_id).limit(FAILED_SHOWN)).all()
            failed_total = queries.count(session, failed_query)
        new_query = queries.warning_query(viewer).where(
            Warning.opened_at > now - timedelta(hours=cfg.new_warning_hours))
        overdue_query = queries.warning_query(viewer).where(*queries.overdue_filter(now))
        new = queries.warning_rows(session, new_query.order_by(Warning.opened_at.desc(), Warning.id.desc())
                                   .limit(cfg.page_size), now)
        overdue = queries.warning_rows(session, overdue_query.order_by(Warning.deadline, Warning.id)
                                       .limit(cfg.page_size), now)
        due = select(Reminder).where(Reminder.day == clock.local(now).date().isoformat())
        if viewer.unit is not None:
            due = due.where(Reminder.owner_unit == viewer.unit)
        reminders = list(session.scalars(due.order_by(Reminder.owner_unit).limit(cfg.page_size)))
        reported = queries.warning_query(viewer).where(
            Warning.status == "open", Warning.id.in_(select(Feedback.warning_id).where(Feedback.kind == "feedback")))
        awaiting = queries.warning_rows(session, reported.order_by(Warning.deadline, Warning.id).limit(cfg.page_size * 4),
                                        now)
        states = feedback.states(session, [r["id"] for r in awaiting])
        awaiting = [r for r in awaiting if states[r["id"]] == "submitted"][:cfg.page_size]
        totals = {"new": queries.count(session, new_query), "overdue": queries.count(session, overdue_query),
                  "open": queries.count(session, queries.warning_query(viewer).where(Warning.status == "open"))}
    return render(ctx.request, "today.html", viewer, runs=runs, degraded=degraded, last=last, failed=failed,
                  new=new, overdue=overdue, totals=dict(totals, failed=failed_total), new_hours=cfg.new_warning_hours,
                  reminders=reminders, awaiting=awaiting)


ROUTES = [Route("/", today, name="today")]
