"""The web console (网页控制台): server-rendered pages over the same database and functions as the CLI.

    app.py          the Starlette application: middleware, templates, error pages
    auth.py         sessions, roles and scoping, CSRF, the login limit
    users.py        console users (argon2id hashes), managed by ``mediawatch users``
    audit.py        the audit log of every state change
    queries.py      scoped reads shared by pages (warnings as rows, counts, the pager)
    sparkline.py    an account's posting frequency as SVG points
    routes/         one module per page: login, today, warnings, feedback (整改反馈), accounts, closure,
                    maintenance (报备), explain, bulletins, audit_log

Roles: ``office`` sees and changes everything; ``unit`` sees only the accounts (and their warnings,
checks and closure status) of its owner unit, every query scoped on the server; ``leader`` reads
and changes nothing. Served by uvicorn, bound to 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations


def serve(app, *, host: str | None = None, port: int | None = None) -> None:
    import uvicorn

    from mediawatch.console.app import create_app

    config = app.config.console
    web = create_app(app)
    uvicorn.run(web, host=host or config.host, port=port or config.port, proxy_headers=True,
                forwarded_allow_ips="127.0.0.1", server_header=False, log_level="info")
