"""临时报备: maintenance windows (rules answer unknown inside one), listed per scope; the office adds and ends
them with a reason, through ``mediawatch.maintenance``."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse
from starlette.routing import Route

from mediawatch import clock, maintenance
from mediawatch.console.app import render
from mediawatch.console.auth import ALL, Ctx, Forbidden, page
from mediawatch.store.models import Account, MaintenanceWindow

STATES = {"planned": "未开始", "active": "报备中", "over": "已结束", "ended": "提前结束"}


@page(*ALL)
def window_list(ctx: Ctx):
    viewer = ctx.viewer
    with ctx.mw.store.session() as session:
        rows = [r for r in maintenance.list_windows(session, now=clock.now()) if viewer.may_see(r["owner_unit"])]
    rows.reverse()  # newest first
    return render(ctx.request, "maintenance.html", viewer, rows=rows, states=STATES,
                  max_days=ctx.mw.config.maintenance.max_days)


@page("office", write=True)
def window_add(ctx: Ctx):
    account_id, reason = ctx.text("account_id"), ctx.text("reason")
    if not reason:
        raise HTTPException(400, "请填写报备原因。")
    starts = maintenance.parse_bound(ctx.text("from"), "from", end=False)
    ends = maintenance.parse_bound(ctx.text("to"), "to", end=True)
    with ctx.mw.store.session() as session:
        window = maintenance.add_window(session, account_id, starts, ends, reason, ctx.viewer.name, clock.now(),
                                        ctx.mw.config)
        ctx.audit(session, "maintenance.add", target=f"{account_id} window {window.id}", reason=reason,
                  data={"from": clock.iso(starts), "to": clock.iso(ends)})
    return RedirectResponse(ctx.request.url_for("maintenance"), status_code=303)


@page("office", write=True)
def window_end(ctx: Ctx, window_id: int):
    reason = ctx.text("reason")
    if not reason:
        raise HTTPException(400, "请填写提前结束的原因。")
    with ctx.mw.store.session() as session:
        window = session.get(MaintenanceWindow, window_id)
        if window is None:
            raise HTTPException(404, f"没有编号为 {window_id} 的报备")
        account = session.get(Account, window.account_pk)
        if not ctx.viewer.may_see(account.owner_unit):
            raise Forbidden()
        maintenance.end_window(session, window_id, ctx.viewer.name, clock.now())
        ctx.audit(session, "maintenance.end", target=f"{account.account_id} window {window_id}", reason=reason)
    return RedirectResponse(ctx.request.url_for("maintenance"), status_code=303)


ROUTES = [
    Route("/maintenance", window_list, name="maintenance"),
    Route("/maintenance/add", window_add, methods=["POST"], name="maintenance_add"),
    Route("/maintenance/{window_id:int}/end", window_end, methods=["POST"], name="maintenance_end"),
]
