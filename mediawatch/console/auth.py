"""Who is asking, and what they may see and do.

- The session is Starlette's signed cookie (itsdangerous, HttpOnly, SameSite=Lax, Secure when
  ``console.secure_cookies``); it holds the user's name, a stamp of the password hash (a new
  password ends old sessions) and the CSRF token. The user is read from the database on every
  request, so a disabled user is out at the next click.
- Scoping is on the server: a ``Viewer`` of role ``unit`` carries its owner unit, and every query
  of accounts, warnings, checks and closure candidates filters on it (``scope``); an id of another
  unit's record answers 403.
- Every POST carries the session's CSRF token (``csrf`` form field), checked before anything else.
- Login failures are counted per client address and per name in a sliding window (``LoginLimiter``).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from threading import Lock
from typing import Any, Callable

from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from mediawatch import clock
from mediawatch.store.models import Account, User

ALL = ("office", "unit", "leader")
SECRET_FILE = "console.secret"
SECRET_ENV = "MEDIAWATCH_CONSOLE_SECRET"


@dataclass(frozen=True)
class Viewer:
    name: str
    role: str
    unit: str | None  # the owner unit of a unit user; None: sees every unit

    @property
    def can_change(self) -> bool:
        return self.role == "office"

    def may_see(self, owner_unit: str) -> bool:
        return self.unit is None or owner_unit == self.unit


class Forbidden(HTTPException):
    def __init__(self, detail: str = "无权访问"):
        super().__init__(403, detail)


def scope(query, viewer: Viewer):
    """The query limited to the viewer's owner unit (it must already join ``Account``)."""
    return query if viewer.unit is None else query.where(Account.owner_unit == viewer.unit)


def stamp(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def secret_key(home: Path) -> str:
    """The key that signs session cookies: the environment's, else one kept (0600) in the home folder."""
    import os

    if os.environ.get(SECRET_ENV):
        return os.environ[SECRET_ENV]
    path = home / SECRET_FILE
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


def check_csrf(request: Request, form: FormData) -> None:
    expected = request.session.get("csrf")
    given = form.get("csrf")
    if not expected or not isinstance(given, str) or not hmac.compare_digest(expected, given):
        raise Forbidden("表单校验码（CSRF）缺失或已失效，操作被拒绝。请刷新页面后重试。")


def load_viewer(request: Request) -> Viewer | None:
    name = request.session.get("user")
    if not name:
        return None
    with request.app.state.mw.store.session() as session:
        user = session.scalar(select(User).where(User.name == name))
        if user is None or not user.active or request.session.get("stamp") != stamp(user):
            request.session.clear()
            return None
        return Viewer(user.name, user.role, user.owner_unit if user.role == "unit" else None)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "?"


@dataclass
class Ctx:
    """What a handler gets: the request, the viewer, the posted form, the application."""

    request: Request
    viewer: Viewer
    form: FormData | None

    @property
    def mw(self):
        return self.request.app.state.mw

    def text(self, field: str) -> str:
        value = self.form.get(field) if self.form is not None else None
        return value.strip() if isinstance(value, str) else ""

    def audit(self, session, action: str, *, target: str | None = None, reason: str | None = None,
              data: dict[str, Any] | None = None) -> None:
        from mediawatch.console import audit

        audit.record(session, actor=self.viewer.name, role=self.viewer.role, action=action, target=target,
                     reason=reason, address=client_address(self.request), now=clock.now(), data=data)


def page(*roles: str, write: bool = False):
    """An endpoint for these roles. ``write``: a POST that changes state (CSRF checked first, then the role;
    a leader never writes).

    The handler is a plain function ``handler(ctx, **path_params)`` run in the thread pool; it
    returns a Response.
    """
    def wrap(handler: Callable[..., Response]):
        @functools.wraps(handler)
        async def endpoint(request: Request) -> Response:
            viewer = await run_in_threadpool(load_viewer, request)
            if viewer is None:
                if request.method == "GET":
                    return RedirectResponse(request.url_for("login").include_query_params(next=request.url.path),
                                            status_code=303)
                raise HTTPException(401, "请先登录")
            form = None
            if request.method == "POST":
                form = await request.form(max_files=2, max_fields=20)
                check_csrf(request, form)
            if viewer.role not in roles or (write and viewer.role == "leader"):
                raise Forbidden("您的角色无权执行此操作。" if write else "您的角色无权查看此页面。")
            return await run_in_threadpool(handler, Ctx(request, viewer, form), **request.path_params)
        return endpoint
    return wrap


class LoginLimiter:
    """At most ``max_failures`` failed logins per address and per name within ``window`` seconds."""

    def __init__(self, max_failures: int, window: float):
        self.max_failures, self.window = max_failures, window
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = Lock()

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def retry_after(self, address: str, name: str) -> float:
        """Seconds until another attempt is allowed (0: allowed now)."""
        now = clock.monotonic()
        with self._lock:
            waits = [self.window - (now - times[0]) for key in (("addr", address), ("name", name.lower()))
                     if len(times := self._recent(key, now)) >= self.max_failures]
        return max(waits, default=0.0)

    def failed(self, address: str, name: str) -> None:
        now = clock.monotonic()
        with self._lock:
            for key in (("addr", address), ("name", name.lower())):
                self._recent(key, now).append(now)
            if len(self._failures) > 100_000:  # a flood of names: forget the quiet ones
                for key in [k for k, v in self._failures.items() if not self._recent(k, now)]:
                    del self._failures[key]

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(("name", name.lower()), None)
