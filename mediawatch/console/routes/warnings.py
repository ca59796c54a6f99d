"""预警: the list (filters by unit, platform, rule, status), one warning with evidence and history,
and the office's actions with a reason (revoke, resolve), each through ``mediawatch.warnings``."""

from __future__ import annotations

from pathlib import PurePath
from types import SimpleNamespace

from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse
from starlette.routing import Route

from mediawatch import clock, evidence, feedback
from mediawatch import warnings as warnings_mod
from mediawatch.config import PLATFORMS
from mediawatch.console import queries
from mediawatch.console.app import render
from mediawatch.console.auth import ALL, Ctx, Forbidden, page
from mediawatch.rules.catalog import RULE_TITLES, rule_title
from mediawatch.store.models import Account, Warning

STATUSES = ("open", "resolved", "revoked", "overdue", "all")


@page(*ALL)
def warning_list(ctx: Ctx):
    mw, viewer, now = ctx.mw, ctx.viewer, clock.now()
    params = ctx.request.query_params
    filters = {name: params.get(name, "") for name in ("unit", "platform", "rule", "status", "account")}
    filters["status"] = filters["status"] if filters["status"] in STATUSES else "open"
    query = queries.warning_query(viewer)
    if filters["unit"] and viewer.unit is None:
        query = query.where(Account.owner_unit == filters["unit"])
    if filters["platform"] in PLATFORMS:
        query = query.where(Account.platform == filters["platform"])
    if filters["rule"] in RULE_TITLES:
        query = query.where(Warning.rule == filters["rule"])
    if filters["account"]:
        query = query.where(Account.account_id == filters["account"])
    if filters["status"] == "overdue":
        query = query.where(*queries.overdue_filter(now))
    elif filters["status"] != "all":
        query = query.where(Warning.status == filters["status"])
    size = mw.config.console.page_size
    with mw.store.session() as session:
        pager = queries.Pager(queries.page_number(params.get("page")), size, queries.count(session, query))
        rows = queries.warning_rows(session, query.order_by(Warning.opened_at.desc(), Warning.id.desc())
                                    .offset(pager.offset).limit(size), now)
        units = queries.units(session, viewer)
    return render(ctx.request, "warnings.html", viewer, rows=rows, pager=pager, filters=filters, units=units,
                  platforms=PLATFORMS, rules=RULE_TITLES, statuses=STATUSES)


def _visible(session, viewer, warning_id: int):
    warning = session.get(Warning, warning_id)
    if warning is None:
        raise HTTPException(404, f"没有编号为 {warning_id} 的预警")
    if not viewer.may_see(warning.account.owner_unit):
        raise Forbidden("该预警不属于您的单位。")
    return warning


@page(*ALL)
def warning_detail(ctx: Ctx, warning_id: int):
    mw, viewer, now = ctx.mw, ctx.viewer, clock.now()
    with mw.store.session() as session:
        warning = _visible(session, viewer, warning_id)
        account = warning.account
        record = warnings_mod.to_json(warning, account, now)
        events = warnings_mod.history(warning)
        item = SimpleNamespace(
            warning_id=warning.id, rule=warning.rule, rule_title=rule_title(warning.rule),
            source=None if warning.source == warnings_mod.SYSTEM else warning.source,
            external_id=warning.external_id, message=warning.message, evidence=warning.evidence or {},
            account_id=account.account_id, account_name=account.name, url=account.url)
        info = {"account_id": account.account_id, "name": account.name, "owner_unit": account.owner_unit,
                "platform": account.platform, "url": account.url}
        reports = feedback.history(session, warning.id)
        state = feedback.state(session, warning.id)
        shot = evidence.screenshot_of(session, warning.id)
    for report in reports:
        report["names"] = [PurePath(f).name for f in report["files"]]
    return render(ctx.request, "warning.html", viewer, w=record, item=item, account=info, events=events,
                  feedback=reports, feedback_state=state, feedback_label=feedback.label(state), screenshot=shot)


def _action(kind: str):
    @page("office", write=True)
    def act(ctx: Ctx, warning_id: int):
        reason = ctx.text("reason")
        mw, viewer = ctx.mw, ctx.viewer
        if not reason:
            raise HTTPException(400, "请填写原因。")
        with mw.store.session() as session:
            _visible(session, viewer, warning_id)
            change = warnings_mod.revoke if kind == "revoke" else warnings_mod.resolve
            change(session, warning_id, reason, viewer.name, clock.now())
            ctx.audit(session, f"warning.{kind}", target=f"warning {warning_id}", reason=reason)
        return RedirectResponse(ctx.request.url_for("warning", warning_id=warning_id), status_code=303)
    act.__name__ = f"warning_{kind}"
    return act


ROUTES = [
    Route("/warnings", warning_list, name="warnings"),
    Route("/warnings/{warning_id:int}", warning_detail, name="warning"),
    Route("/warnings/{warning_id:int}/revoke", _action("revoke"), methods=["POST"], name="warning_revoke"),
    Route("/warnings/{warning_id:int}/resolve", _action("resolve"), methods=["POST"], name="warning_resolve"),
]
