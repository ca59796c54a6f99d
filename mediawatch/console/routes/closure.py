"""关停整改: the closure candidates (``closure.candidates``, scoped) and the office's decision with a reason."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse
from starlette.routing import Route

from mediawatch import clock
from mediawatch import closure as closure_mod
from mediawatch.console import queries
from mediawatch.console.app import render
from mediawatch.console.auth import ALL, Ctx, page

DECISION_TITLES = {"closed": "关停", "rectify": "限期整改", "exempt": "不予关停"}


@page(*ALL)
def closure_list(ctx: Ctx):
    mw, viewer = ctx.mw, ctx.viewer
    size = mw.config.console.page_size
    number = queries.page_number(ctx.request.query_params.get("page"))
    with mw.store.session() as session:
        found, total = closure_mod.candidates_page(session, mw.config, clock.now(), owner_unit=viewer.unit,
                                                   offset=(number - 1) * size, limit=size)
    return render(ctx.request, "closure.html", viewer, candidates=found, decisions=DECISION_TITLES,
                  pager=queries.Pager(number, size, total), max_warnings=mw.config.closure.max_warnings,
                  window_days=mw.config.closure.window_days)


@page("office", write=True)
def closure_decide(ctx: Ctx, account_id: str):
    decision, reason = ctx.text("decision"), ctx.text("reason")
    if decision not in closure_mod.DECISIONS:
        raise HTTPException(400, "请选择处理决定。")
    if not reason:
        raise HTTPException(400, "请填写原因。")
    with ctx.mw.store.session() as session:
        closure_mod.decide(session, account_id, decision, reason, ctx.viewer.name, clock.now())
        ctx.audit(session, "closure.decide", target=account_id, reason=reason, data={"decision": decision})
    return RedirectResponse(ctx.request.url_for("closure"), status_code=303)


ROUTES = [
    Route("/closure", closure_list, name="closure"),
    Route("/closure/{account_id:str}/decide", closure_decide, methods=["POST"], name="closure_decide"),
]
