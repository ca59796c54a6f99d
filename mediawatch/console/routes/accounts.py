"""账号: the registry (scoped, paged), one account with its recent checks and posting sparkline,
and the upload of accounts.csv/columns.csv through ``registry.import_registry`` (the CLI's import)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from sqlalchemy import or_, select
from starlette.exceptions import HTTPException
from starlette.datastructures import UploadFile
from starlette.routing import Route

from mediawatch import clock, closure, maintenance
from mediawatch.config import PLATFORMS
from mediawatch.console import queries, sparkline
from mediawatch.console.app import render
from mediawatch.console.auth import ALL, Ctx, Forbidden, page, scope
from mediawatch.errors import ImportFileError
from mediawatch.registry import import_registry
from mediawatch.store.models import Account, AccountCheck, Column, Warning

UPLOAD_TYPES = {"text/csv", "text/plain", "application/vnd.ms-excel", "application/csv", "application/octet-stream",
                "text/comma-separated-values", ""}
SAFE_NAME = re.compile(r"^[\w.\-]{1,100}\.csv$", re.ASCII | re.IGNORECASE)


@page(*ALL)
def account_list(ctx: Ctx):
    mw, viewer, now = ctx.mw, ctx.viewer, clock.now()
    params = ctx.request.query_params
    filters = {name: params.get(name, "").strip() for name in ("unit", "platform", "q")}
    query = scope(select(Account), viewer)
    if filters["unit"] and viewer.unit is None:
        query = query.where(Account.owner_unit == filters["unit"])
    if filters["platform"] in PLATFORMS:
        query = query.where(Account.platform == filters["platform"])
    if filters["q"]:
        like = "%" + filters["q"].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(Account.account_id.like(like, escape="\\"), Account.name.like(like, escape="\\")))
    size = mw.config.console.page_size
    with mw.store.session() as session:
        pager = queries.Pager(queries.page_number(params.get("page")), size, queries.count(session, query))
        accounts = list(session.scalars(query.order_by(Account.owner_unit, Account.account_id)
                                        .offset(pager.offset).limit(size)))
        tallies = queries.account_tallies(session, mw.config, now, [a.id for a in accounts])
        units = queries.units(session, viewer)
    limit = mw.config.closure.max_warnings
    rows = [{"account": a, **tallies[a.id],
             "candidate": tallies[a.id]["warnings_12m"] > limit and a.platform in mw.config.closure.platforms}
            for a in accounts]
    return render(ctx.request, "accounts.html", viewer, rows=rows, pager=pager, filters=filters, units=units,
                  platforms=PLATFORMS)


@page(*ALL)
def account_detail(ctx: Ctx, account_id: str):
    mw, viewer, now = ctx.mw, ctx.viewer, clock.now()
    cfg = mw.config.console
    with mw.store.session() as session:
        account = session.scalar(select(Account).where(Account.account_id == account_id))
        if account is None:
            raise HTTPException(404, f"登记表中没有账号 {account_id}")
        if not viewer.may_see(account.owner_unit):
            raise Forbidden("该账号不属于您的单位。")
        checks = list(session.scalars(select(AccountCheck).where(AccountCheck.account_pk == account.id)
                                      .order_by(AccountCheck.as_of.desc()).limit(cfg.recent_checks)))
        columns = list(session.scalars(select(Column).where(Column.account_pk == account.id).order_by(Column.id)))
        warnings = queries.warning_rows(session, queries.warning_query(viewer).where(Warning.account_pk == account.id)
                                        .order_by(Warning.opened_at.desc()).limit(cfg.page_size), now)
        tally = queries.account_tallies(session, mw.config, now, [account.id])[account.id]
        decision = closure.latest_decisions(session, [account.id]).get(account.id)
        spark = sparkline.build(session, account.id, account.platform, now, cfg.sparkline_days)
        window = maintenance.active_window(session, account.id, now)
        paused = maintenance.describe(window) if window is not None else None
    return render(ctx.request, "account.html", viewer, account=account, checks=checks, columns=columns,
                  warnings=warnings, tally=tally, decision=decision, spark=spark, paused=paused,
                  candidate=tally["warnings_12m"] > mw.config.closure.max_warnings)


def _upload_name(upload: UploadFile, default: str) -> str:
    name = Path((upload.filename or "").replace("\\", "/")).name
    return name if SAFE_NAME.match(name) else default


async def _read_upload(upload: object, label: str, limit: int) -> bytes:
    if not isinstance(upload, UploadFile):
        raise HTTPException(400, f"{label}: 请选择文件。")
    if not (upload.filename or "").lower().endswith(".csv"):
        raise HTTPException(400, f"{label}: 只接受 .csv 文件（Excel 另存为 CSV）。")
    if (upload.content_type or "").split(";")[0].strip().lower() not in UPLOAD_TYPES:
        raise HTTPException(400, f"{label}: 文件类型 {upload.content_type} 不是 CSV。")
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise HTTPException(413, f"{label}: 文件超过 {limit // 1000} KB。")
    if b"\x00" in data:
        raise HTTPException(400, f"{label}: 不是文本文件。")
    return data


@page("office")
def upload_form(ctx: Ctx):
    return render(ctx.request, "upload.html", ctx.viewer, problems=[], result=None, reason="")


def upload_endpoint():
    """POST: the files are read here (async), then validated and imported in the thread pool."""
    from starlette.requests import Request

    from mediawatch.console.auth import check_csrf, load_viewer
    from starlette.concurrency import run_in_threadpool

    async def endpoint(request: Request):
        viewer = await run_in_threadpool(load_viewer, request)
        if viewer is None:
            raise HTTPException(401, "请先登录")
        limit = request.app.state.mw.config.console.max_upload_bytes
        form = await request.form(max_files=2, max_fields=10)
        check_csrf(request, form)
        if viewer.role != "office":
            raise Forbidden("您的角色无权执行此操作。")
        ctx = Ctx(request, viewer, form)
        files = {"accounts": (await _read_upload(form.get("accounts"), "accounts.csv", limit),
                              _upload_name(form.get("accounts"), "accounts.csv"))}
        columns = form.get("columns")
        if isinstance(columns, UploadFile) and columns.filename:
            files["columns"] = (await _read_upload(columns, "columns.csv", limit),
                                _upload_name(columns, "columns.csv"))
        return await run_in_threadpool(_import, ctx, files)
    return endpoint


def _import(ctx: Ctx, files: dict[str, tuple[bytes, str]]):
    reason = ctx.text("reason")
    if not reason:
        return render(ctx.request, "upload.html", ctx.viewer, status=400, problems=["reason: 请填写导入原因。"],
                      result=None, reason=reason)
    with tempfile.TemporaryDirectory(prefix="mediawatch-upload-") as tmp:
        paths = {}
        for role, (data, name) in files.items():
            folder = Path(tmp) / role  # two files of the same name stay apart
            folder.mkdir()
            paths[role] = folder / name
            paths[role].write_bytes(data)
        try:
            result = import_registry(ctx.mw.store, paths["accounts"], paths.get("columns"))
        except ImportFileError as exc:
            prefix = [f"{Path(tmp) / role}/" for role in paths]
            problems = [_strip(p, prefix) for p in exc.problems]
            return render(ctx.request, "upload.html", ctx.viewer, status=400, problems=problems, result=None,
                          reason=reason)
    with ctx.mw.store.session() as session:
        data = {k: getattr(result, k) for k in ("created", "updated", "unchanged", "deactivated", "columns")}
        data["files"] = [name for _, name in files.values()]
        ctx.audit(session, "accounts.import", target=", ".join(data["files"]), reason=reason, data=data)
    return render(ctx.request, "upload.html", ctx.viewer, problems=[], result=result, reason="")


def _strip(problem: str, prefixes: list[str]) -> str:
    for prefix in prefixes:
        if problem.startswith(prefix):
            return problem[len(prefix):]
    return problem


ROUTES = [
    Route("/accounts", account_list, name="accounts"),
    Route("/accounts/upload", upload_form, methods=["GET"], name="upload"),
    Route("/accounts/upload", upload_endpoint(), methods=["POST"], name="upload_post"),
    Route("/accounts/{account_id:str}", account_detail, name="account"),
]
