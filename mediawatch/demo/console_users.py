"""The demo leaves the web console ready: one user per role, with fresh random passwords it prints."""

from __future__ import annotations

import secrets

from mediawatch import clock
from mediawatch.app import App

# (name, role, owner unit): the unit user is the owner of a closure candidate in the demo district
DEMO_USERS = (("office", "office", None), ("unit-mzj", "unit", "区民政局"), ("leader", "leader", None))


def create_demo_users(app: App) -> list[tuple[str, str, str | None, str]]:
    from mediawatch.console import users

    created = []
    with app.store.session() as session:
        for name, role, unit in DEMO_USERS:
            password = secrets.token_urlsafe(12)
            users.add(session, app.config, name, role, unit, password, actor="mediawatch demo", now=clock.now())
            created.append((name, role, unit, password))
    return created


def console_lines(home, created: list[tuple[str, str, str | None, str]]) -> list[str]:
    if not created:
        return []
    out = [f"the web console is ready: mediawatch --home {home} serve   (then open http://127.0.0.1:8080/)"]
    out.extend(f"  user {name:<9} role {role:<7}{(' unit ' + unit) if unit else '':<10} password {password}"
               for name, role, unit, password in created)
    return out
