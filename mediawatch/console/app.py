"""The Starlette application of the console: routes, sessions, security headers, error pages.

Pages are rendered from ``templates/console/`` through mediawatch's Jinja2 environment
(autoescape on, the office's overrides first). Nothing here knows a rule or a lifecycle: the
routes call the functions the command line calls.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from mediawatch import clock, templating
from mediawatch.app import App
from mediawatch.console.auth import LoginLimiter, Viewer, csrf_token, secret_key
from mediawatch.errors import BadInput

log = logging.getLogger("mediawatch.console")

PAGE_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'")
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def render(request: Request, name: str, viewer: Viewer | None = None, status: int = 200, **context: Any) -> HTMLResponse:
    mw: App = request.app.state.mw
    env = templating.environment(mw.home)
    html = env.get_template(f"console/{name}").render(
        request=request, viewer=viewer, csrf=csrf_token(request), office=mw.config.office.name,
        now=clock.now(), url=request.url_for, **context)
    return HTMLResponse(html, status_code=status)


class SecurityHeaders:
    """Pure ASGI middleware: security headers on every answer, and a cap on request bodies."""

    def __init__(self, app, max_body: int):
        self.app, self.max_body = app, max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            return await _too_large(send)
        received = 0

        async def limited_receive():
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_body:
                raise HTTPException(413, "上传内容过大")
            return message

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                for key, value in HEADERS.items():
                    if key.lower().encode() not in present:
                        headers.append((key.encode(), value.encode()))
                if b"content-security-policy" not in present:
                    headers.append((b"content-security-policy", PAGE_CSP.encode()))
                message = dict(message, headers=headers)
            await send(message)

        await self.app(scope, limited_receive, send_with_headers)


async def _too_large(send) -> None:
    body = "上传内容过大".encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


TITLES = {400: "输入有误", 401: "请先登录", 403: "无权访问", 404: "未找到", 405: "不支持的请求", 413: "上传内容过大",
          429: "请稍后再试", 500: "服务器错误"}


async def http_error(request: Request, exc: HTTPException) -> Response:
    from mediawatch.console.auth import load_viewer

    try:
        viewer = load_viewer(request) if "session" in request.scope else None
    except Exception:  # an error page never fails
        viewer = None
    return render(request, "error.html", viewer, status=exc.status_code, code=exc.status_code,
                  title=TITLES.get(exc.status_code, "错误"), detail=exc.detail if exc.detail else "")


async def bad_input(request: Request, exc: BadInput) -> Response:
    return await http_error(request, HTTPException(400, str(exc)))


async def server_error(request: Request, exc: Exception) -> Response:
    log.exception("console: unexpected failure on %s", request.url.path)
    return HTMLResponse("<!doctype html><meta charset=utf-8><title>服务器错误</title><p>服务器错误，请联系管理员。",
                        status_code=500)


def create_app(mw: App) -> Starlette:
    from mediawatch.console.routes import (accounts, audit_log, bulletins, closure, explain, feedback, login,
                                           maintenance, scores, today, warnings)

    config = mw.config.console
    mw.store  # the schema is migrated before the first request
    routes = [
        *login.ROUTES, *today.ROUTES, *warnings.ROUTES, *accounts.ROUTES, *closure.ROUTES, *bulletins.ROUTES,
        *audit_log.ROUTES, *feedback.ROUTES, *maintenance.ROUTES, *explain.ROUTES,
        *scores.ROUTES,
    ]
    middleware = [
        Middleware(SecurityHeaders, max_body=config.max_upload_bytes * 2 + 65_536),
        Middleware(SessionMiddleware, secret_key=secret_key(mw.home), session_cookie="mediawatch_session",
                   max_age=int(config.session_hours * 3600), same_site="lax", https_only=config.secure_cookies),
    ]
    app = Starlette(routes=routes, middleware=middleware,
                    exception_handlers={HTTPException: http_error, BadInput: bad_input, Exception: server_error})
    app.state.mw = mw
    app.state.limiter = LoginLimiter(config.login_max_failures, float(config.login_window_seconds))
    return app

