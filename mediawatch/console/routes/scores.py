"""19号评分: each website's 19号 verdict and 扣分指标 score for a month (``score19.month_table``, scoped),
and the office's deductions — recorded and withdrawn with a reason, through ``mediawatch.deductions``."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse
from starlette.routing import Route

from mediawatch import clock, deductions, score19
from mediawatch.bulletin.period import month_of, parse_month
from mediawatch.console.app import render
from mediawatch.console.auth import ALL, Ctx, Forbidden, page
from mediawatch.errors import BadInput
from mediawatch.store.models import Account, ScoreDeduction


def _month(text: str | None):
    try:
        return parse_month(text) if text else month_of(clock.now())
    except BadInput:
        raise HTTPException(400, f"月份格式应为 YYYY-MM：{text}") from None


@page(*ALL)
def score_list(ctx: Ctx):
    viewer, config = ctx.viewer, ctx.mw.config
    month = _month(ctx.request.query_params.get("month"))
    with ctx.mw.store.session() as session:
        rows = [r for r in score19.month_table(session, config, month) if viewer.may_see(r["owner_unit"])]
    return render(ctx.request, "scores.html", viewer, rows=rows, month=month, fail_below=config.score19.fail_below,
                  indicators=deductions.indicator_caps(config))


@page("office", write=True)
def score_deduct(ctx: Ctx):
    values = {name: ctx.text(name) for name in deductions.COLUMNS}
    with ctx.mw.store.session() as session:
        found = deductions.add(session, ctx.mw.config, values, ctx.viewer.name)
        ctx.audit(session, "score.deduct", target=f"{found.account_id} {found.month} deduction {found.id}",
                  reason=found.reason, data={"indicator": found.indicator, "item": found.item, "points": found.points})
    return RedirectResponse(str(ctx.request.url_for("scores")) + f"?month={found.month}", status_code=303)


@page("office", write=True)
def score_withdraw(ctx: Ctx, deduction_id: int):
    reason = ctx.text("reason")
    if not reason:
        raise HTTPException(400, "请填写撤销原因。")
    with ctx.mw.store.session() as session:
        row = session.get(ScoreDeduction, deduction_id)
        if row is None:
            raise HTTPException(404, f"没有编号为 {deduction_id} 的扣分")
        account = session.get(Account, row.account_pk)
        if not ctx.viewer.may_see(account.owner_unit):
            raise Forbidden()
        month = row.month
        deductions.withdraw(session, deduction_id, reason)
        ctx.audit(session, "score.withdraw", target=f"{account.account_id} {month} deduction {deduction_id}",
                  reason=reason)
    return RedirectResponse(str(ctx.request.url_for("scores")) + f"?month={month}", status_code=303)


ROUTES = [
    Route("/scores", score_list, name="scores"),
    Route("/scores/deduct", score_deduct, methods=["POST"], name="score_deduct"),
    Route("/scores/{deduction_id:int}/withdraw", score_withdraw, methods=["POST"], name="score_withdraw"),
]
