"""Signing in and out. Failed attempts are limited per address and per name (``LoginLimiter``)."""

from __future__ import annotations

import secrets

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from mediawatch import clock
from mediawatch.console import audit, users
from mediawatch.console.app import render
from mediawatch.console.auth import check_csrf, client_address, stamp


def _safe_next(value: object) -> str:
    """Only a path on this site (never ``//host`` or a scheme)."""
    text = value if isinstance(value, str) else ""
    return text if text.startswith("/") and not text.startswith("//") and "\\" not in text else "/"


async def login(request: Request) -> Response:
    if request.method == "GET":
        return render(request, "login.html", next=_safe_next(request.query_params.get("next")), error=None)
    form = await request.form(max_files=0, max_fields=10)
    check_csrf(request, form)
    name = str(form.get("name") or "").strip()[:100]
    password = str(form.get("password") or "")
    address = client_address(request)
    limiter = request.app.state.limiter
    wait = limiter.retry_after(address, name)
    if wait > 0:
        raise HTTPException(429, f"登录失败次数过多，请 {int(wait // 60) + 1} 分钟后再试。")
    result = await run_in_threadpool(_sign_in, request, name, password, address)
    if result is None:
        limiter.failed(address, name)
        return render(request, "login.html", status=401, next=_safe_next(form.get("next")),
                      error="用户名或密码错误，或账号已停用。")
    limiter.succeeded(name)
    request.session.clear()  # a new session on login: no fixation
    request.session.update(user=result[0], stamp=result[1], csrf=secrets.token_urlsafe(32))
    return RedirectResponse(_safe_next(form.get("next")), status_code=303)


def _sign_in(request: Request, name: str, password: str, address: str) -> tuple[str, str] | None:
    mw = request.app.state.mw
    with mw.store.session() as session:
        user = users.authenticate(session, name, password)
        now = clock.now()
        if user is None:
            audit.record(session, actor=name or "?", role="-", action="login.failed", address=address, now=now)
            return None
        user.last_login_at = now
        audit.record(session, actor=user.name, role=user.role, action="login", address=address, now=now)
        return user.name, stamp(user)


async def logout(request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=5)
    check_csrf(request, form)
    request.session.clear()
    return RedirectResponse(request.url_for("login"), status_code=303)


ROUTES = [
    Route("/login", login, methods=["GET", "POST"], name="login"),
    Route("/logout", logout, methods=["POST"], name="logout"),
]
