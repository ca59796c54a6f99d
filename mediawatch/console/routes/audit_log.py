"""操作日志: the audit log, newest first (office only)."""

from __future__ import annotations

from starlette.routing import Route

from mediawatch.console import audit, queries
from mediawatch.console.app import render
from mediawatch.console.auth import Ctx, page

ACTIONS = {"warning.revoke": "撤销预警", "warning.resolve": "确认整改", "closure.decide": "关停整改决定",
           "accounts.import": "导入登记表", "login": "登录", "login.failed": "登录失败", "user.add": "新增用户",
           "user.disable": "停用用户", "user.passwd": "修改密码", "feedback.submit": "整改反馈", "feedback.verify": "核实反馈",
           "feedback.return": "退回反馈", "maintenance.add": "登记报备", "maintenance.end": "提前结束报备"}


@page("office")
def audit_page(ctx: Ctx):
    params = ctx.request.query_params
    size = ctx.mw.config.console.page_size
    number = queries.page_number(params.get("page"))
    with ctx.mw.store.session() as session:
        entries, total = audit.page(session, offset=(number - 1) * size, limit=size,
                                    actor=params.get("actor") or None, action=params.get("action") or None)
    return render(ctx.request, "audit.html", ctx.viewer, entries=entries, pager=queries.Pager(number, size, total),
                  actions=ACTIONS, filters={"actor": params.get("actor", ""), "action": params.get("action", "")})


ROUTES = [Route("/audit", audit_page, name="audit")]
