"""Commands of issue 17 (reaching the owners), registered onto the main command line by ``cli.py``:

    warnings feedback ID --text TEXT [--file F ...]    整改反馈 (attachments kept under the home folder)
    warnings verify ID [--note TEXT]                   the office accepts it (已核实)
    warnings return ID --reason TEXT                   the office returns it (退回)
    maintenance add ACCOUNT --from DATE --to DATE --reason TEXT | list | end ID     报备 windows
    contacts import FILE | list                        units' contacts: e-mail and IM robots
    remind [--send]                                    reminders, escalations and IM notices now
"""

from __future__ import annotations

from pathlib import Path

import click

from mediawatch import clock
from mediawatch.app import App
from mediawatch.errors import MediawatchError
from mediawatch.output import emit

pass_app = click.pass_obj


def register(cli: click.Group, warnings: click.Group) -> None:
    warnings.add_command(warnings_feedback)
    warnings.add_command(warnings_verify)
    warnings.add_command(warnings_return)
    cli.add_command(maintenance)
    cli.add_command(contacts)
    cli.add_command(remind)


@click.command("feedback")
@click.argument("warning_id", type=int)
@click.option("--text", required=True, help="What the unit fixed, and how.")
@click.option("--file", "files", multiple=True, type=click.Path(path_type=Path), help="An attachment (repeatable).")
@pass_app
def warnings_feedback(app: App, warning_id: int, text: str, files: tuple[Path, ...]) -> None:
    """Record the unit's 整改反馈 on an open warning."""
    from mediawatch import feedback

    with app.store.session() as session:
        row = feedback.record_feedback(session, warning_id, text, app.actor, clock.now(), files=files, home=app.home,
                                       config=app.config)
        kept = list(row.files)
    click.echo(f"warning {warning_id}: feedback recorded (已反馈)" + (f"; {len(kept)} file(s) kept: "
                                                                   + ", ".join(kept) if kept else ""))


@click.command("verify")
@click.argument("warning_id", type=int)
@click.option("--note", default="", help="The office's note.")
@pass_app
def warnings_verify(app: App, warning_id: int, note: str) -> None:
    """Accept the unit's feedback (已核实); the next passing check resolves the warning."""
    from mediawatch import feedback

    with app.store.session() as session:
        feedback.verify_feedback(session, warning_id, app.actor, clock.now(), note)
    click.echo(f"warning {warning_id}: feedback verified (已核实)")


@click.command("return")
@click.argument("warning_id", type=int)
@click.option("--reason", required=True, help="Why the feedback is returned.")
@pass_app
def warnings_return(app: App, warning_id: int, reason: str) -> None:
    """Return the unit's feedback (退回) with a reason."""
    from mediawatch import feedback

    with app.store.session() as session:
        feedback.return_feedback(session, warning_id, reason, app.actor, clock.now())
    click.echo(f"warning {warning_id}: feedback returned (退回)")


@click.group()
def maintenance() -> None:
    """报备 windows: inside one the account's rules say unknown and no warning opens."""


@maintenance.command("add")
@click.argument("account_id")
@click.option("--from", "start", required=True, help="First day (YYYY-MM-DD) or an ISO time.")
@click.option("--to", "end", required=True, help="Last day (included) or an ISO time.")
@click.option("--reason", required=True, help="网站改版, 账号迁移 ...")
@pass_app
def maintenance_add(app: App, account_id: str, start: str, end: str, reason: str) -> None:
    """Record an approved window for ACCOUNT."""
    from mediawatch import maintenance as mod

    starts, ends = mod.parse_bound(start, "--from", end=False), mod.parse_bound(end, "--to", end=True)
    with app.store.session() as session:
        window = mod.add_window(session, account_id, starts, ends, reason, app.actor, clock.now(), app.config)
        wid = window.id
    click.echo(f"maintenance window {wid}: {account_id} from {clock.iso(starts)} to {clock.iso(ends)}")


@maintenance.command("list")
@click.option("--account", "account_id", help="Only this account.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@pass_app
def maintenance_list(app: App, account_id: str | None, fmt: str) -> None:
    """Every window with its state (planned, active, over, ended)."""
    from mediawatch import maintenance as mod

    with app.store.session() as session:
        rows = mod.list_windows(session, account_id=account_id, now=clock.now())
    emit(rows, ["id", "account_id", "name", "from", "until", "state", "reason"], fmt, title="maintenance windows (报备)")


@maintenance.command("end")
@click.argument("window_id", type=int)
@pass_app
def maintenance_end(app: App, window_id: int) -> None:
    """End a window now (the work finished early)."""
    from mediawatch import maintenance as mod

    with app.store.session() as session:
        mod.end_window(session, window_id, app.actor, clock.now())
    click.echo(f"maintenance window {window_id} ended")


@click.group()
def contacts() -> None:
    """Units' contacts (contacts.csv): e-mail addresses and IM robots."""


@contacts.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@pass_app
def contacts_import(app: App, file: Path) -> None:
    """Validate FILE whole, then replace the contacts with it (owner_unit, name, channel, target)."""
    from mediawatch.channels.contacts import import_contacts

    result = import_contacts(app.store, app.config, file, clock.now())
    click.echo(f"{file}: {result} contacts")


@contacts.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table")
@pass_app
def contacts_list(app: App, fmt: str) -> None:
    """Every active contact."""
    from mediawatch.channels.contacts import contact_rows

    with app.store.session() as session:
        rows = contact_rows(session)
    emit(rows, ["owner_unit", "name", "channel", "target"], fmt, title="contacts")


@click.command()
@click.option("--send", is_flag=True, help="Send (mail and IM); otherwise only write them to files.")
@pass_app
def remind(app: App, send: bool) -> None:
    """Reminders (预提醒), escalations past the deadline and IM notices, as the daily cycle sends them."""
    from mediawatch.outreach import run_outreach

    report = run_outreach(app, send=send)
    for line in report.lines():
        click.echo(line)
    if report.failed:
        raise MediawatchError(f"{report.failed} messages could not be sent; they are retried on the next call")


def owner_extras(session, warning, home: Path) -> dict:
    """What ``warnings show`` adds: the feedback state and records, the screenshot."""
    from mediawatch import evidence, feedback

    shot = evidence.screenshot_of(session, warning.id, home)
    return {"feedback_state": feedback.state(session, warning.id),
            "feedback_label": feedback.label(feedback.state(session, warning.id)),
            "feedback": feedback.history(session, warning.id), "screenshot": shot}


def show_owner_extras(record: dict) -> None:
    click.echo(f"整改反馈: {record['feedback_label']}")
    for item in record["feedback"]:
        files = f"  files: {', '.join(item['files'])}" if item["files"] else ""
        click.echo(f"  {item['at']}  {item['label']} by {item['actor']}: {item['text']}{files}")
    shot = record.get("screenshot")
    if shot:
        click.echo(f"screenshot: {shot['path']}" if shot.get("path") else f"screenshot: none ({shot.get('note')})")
