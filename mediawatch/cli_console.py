"""The console's commands: ``users add|list|disable|passwd`` and ``serve`` (registered on the main group)."""

from __future__ import annotations

import sys

import click

from mediawatch import clock
from mediawatch.app import App
from mediawatch.errors import BadInput
from mediawatch.output import emit

pass_app = click.pass_obj


def register(cli: click.Group) -> None:
    cli.add_command(users)
    cli.add_command(serve)


def _read_password() -> str:
    """The password from standard input: prompted twice on a terminal, else the first line."""
    if sys.stdin.isatty():
        return click.prompt("password", hide_input=True, confirmation_prompt=True)
    line = sys.stdin.readline()
    if not line.strip():
        raise BadInput("password: none on standard input")
    return line.rstrip("\r\n")


@click.group()
def users() -> None:
    """Console users (roles office, unit, leader); passwords are read from standard input."""


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["office", "unit", "leader"]), required=True)
@click.option("--unit", "unit", help="For role unit: the owner_unit whose accounts the user sees.")
@pass_app
def users_add(app: App, name: str, role: str, unit: str | None) -> None:
    """Add a user; the password is read from standard input (never an argument)."""
    from mediawatch.console import users as users_mod

    password = _read_password()
    with app.store.session() as session:
        users_mod.add(session, app.config, name, role, unit, password, actor=app.actor, now=clock.now())
    click.echo(f"user {name} added ({role}{': ' + unit if unit else ''})")


@users.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table")
@pass_app
def users_list(app: App, fmt: str) -> None:
    """Console users with role, unit and last login."""
    from mediawatch.console import users as users_mod

    with app.store.session() as session:
        rows = users_mod.listing(session)
    emit(rows, ["name", "role", "owner_unit", "active", "created_at", "last_login_at"], fmt, title="users")


@users.command("disable")
@click.argument("name")
@pass_app
def users_disable(app: App, name: str) -> None:
    """Disable a user: its sessions end at its next request."""
    from mediawatch.console import users as users_mod

    with app.store.session() as session:
        users_mod.disable(session, name, actor=app.actor, now=clock.now())
    click.echo(f"user {name} disabled")


@users.command("passwd")
@click.argument("name")
@pass_app
def users_passwd(app: App, name: str) -> None:
    """Set a user's password (from standard input); its open sessions end."""
    from mediawatch.console import users as users_mod

    password = _read_password()
    with app.store.session() as session:
        users_mod.passwd(session, app.config, name, password, actor=app.actor, now=clock.now())
    click.echo(f"password of {name} changed")


@click.command()
@click.option("--host", help="Address to bind (default console.host: 127.0.0.1).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port (default console.port: 8080).")
@pass_app
def serve(app: App, host: str | None, port: int | None) -> None:
    """The web console (网页控制台) for the office, the owner units and leaders."""
    from mediawatch.console import serve as serve_console

    serve_console(app, host=host, port=port)
