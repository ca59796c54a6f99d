"""检查说明 (``mediawatch explain``) in the console: how the website check reads a registered website's page.

Only registered website accounts the viewer may see can be explained, and a URL given with one must be on
the host of the account's home page or of one of its columns: the console never fetches an address of the
user's choosing (no way to make the server reach other hosts). The report is ``explain.explain``'s, shown
as ``explain.render_text`` writes it, with the verdicts as a table.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import select
from starlette.exceptions import HTTPException
from starlette.routing import Route

from mediawatch import clock
from mediawatch.console.app import render
from mediawatch.console.auth import Ctx, Forbidden, page, scope
from mediawatch.store.models import Account, Column

VERDICTS = {"pass": "通过", "fail": "不通过", "unknown": "无法判断"}


def _host(url: str | None) -> str | None:
    try:
        return (urlsplit(url or "").hostname or "").lower() or None
    except ValueError:
        return None


@page("office", "unit")
def explain_page(ctx: Ctx):
    from mediawatch import explain

    account_id, url = ctx.text("account_id"), ctx.text("url")
    with ctx.mw.store.session() as session:
        websites = list(session.scalars(scope(select(Account.account_id), ctx.viewer)
                                        .where(Account.platform == "website", Account.active.is_(True))
                                        .order_by(Account.account_id).limit(500))) if ctx.viewer.unit else []
        report = text = None
        if ctx.request.method == "POST":
            account = session.scalar(select(Account).where(Account.account_id == account_id))
            if account is None or account.platform != "website":
                raise HTTPException(400, f"登记表中没有网站账号 {account_id}")
            if not ctx.viewer.may_see(account.owner_unit):
                raise Forbidden("该账号不属于您的单位。")
            hosts = {_host(account.url)} | {_host(u) for u in session.scalars(
                select(Column.url).where(Column.account_pk == account.id))}
            if url and _host(url) not in hosts - {None}:
                raise HTTPException(400, "只能说明该网站（首页或登记栏目所在域名）上的页面。")
    if ctx.request.method == "POST":
        spec = explain.account_spec(ctx.mw, account_id)
        report = explain.explain(url or None, ctx.mw.config, clock.now(), spec)
        text = explain.render_text(report)
    return render(ctx.request, "explain.html", ctx.viewer, websites=websites, account_id=account_id, page_url=url,
                  report=report, text=text, verdicts=VERDICTS)


ROUTES = [Route("/explain", explain_page, methods=["GET", "POST"], name="explain")]
