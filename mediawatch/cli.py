"""The ``mediawatch`` command line: each command a few lines that call the stage that does the work.

Exit codes: 0 done (warnings raised or not); 1 the tool failed; 2 bad input, nothing written.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from mediawatch import __version__, clock
from mediawatch.app import App
from mediawatch.errors import BadInput, MediawatchError
from mediawatch.output import emit

log = logging.getLogger("mediawatch")


def _parse_now(_ctx, _param, value):
    if value is None:
        return None
    try:
        parsed = clock.parse_datetime(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO 8601 date/time (e.g. 2026-11-23T09:00+08:00)")
    if parsed.year not in clock.VALID_YEARS or clock.local(parsed).year not in clock.VALID_YEARS:
        raise click.BadParameter(f"{value!r} is outside the years mediawatch handles "
                                 f"({clock.VALID_YEARS.start}-{clock.VALID_YEARS.stop - 1})")
    return parsed


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--home", type=click.Path(file_okay=False, path_type=Path), envvar="MEDIAWATCH_HOME",
              help="Folder holding mediawatch.toml, mediawatch.db and reports/ (default: current folder).")
@click.option("--db", "db_url", envvar="MEDIAWATCH_DB", help="SQLAlchemy database URL (default: sqlite in --home).")
@click.option("--now", envvar="MEDIAWATCH_NOW", callback=_parse_now,
              help="Fix the clock (ISO 8601) to replay an inspection as of that time.")
@click.option("-v", "--verbose", is_flag=True, help="Log more.")
@click.version_option(__version__, prog_name="mediawatch")
@click.pass_context
def cli(ctx: click.Context, home: Path | None, db_url: str | None, now, verbose: bool) -> None:
    """mediawatch: supervision of government websites and new-media accounts (政务网站与政务新媒体监管)."""
    from mediawatch.logs import setup_logging

    setup_logging(verbose)
    if now is not None:
        clock.set_now(now)
    app = App(home, db_url)
    ctx.obj = app
    ctx.call_on_close(app.close)


pass_app = click.pass_obj


@cli.command()
@click.option("--force", is_flag=True, help="Overwrite an existing mediawatch.toml.")
@pass_app
def init(app: App, force: bool) -> None:
    """Write a commented mediawatch.toml with every default and create the database."""
    from mediawatch.config import CONFIG_FILE, render_default_file

    app.home.mkdir(parents=True, exist_ok=True)
    path = app.home / CONFIG_FILE
    if path.exists() and not force:
        click.echo(f"{path} exists; kept (use --force to overwrite)")
    else:
        path.write_text(render_default_file(), encoding="utf-8")
        click.echo(f"wrote {path}")
    app.config  # validate what is there
    app.store
    app.reports_dir.mkdir(exist_ok=True)
    click.echo(f"database ready: {app.store.engine.url.render_as_string(hide_password=True)}")


# --- registry -------------------------------------------------------------------------------

@cli.group()
def accounts() -> None:
    """The registry of accounts (accounts.csv)."""


@accounts.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--columns", "columns_file", type=click.Path(path_type=Path),
              help="columns.csv: website columns to watch (account_id, column, url, category).")
@pass_app
def accounts_import(app: App, file: Path, columns_file: Path | None) -> None:
    """Validate FILE whole, then upsert by account_id; accounts missing from FILE become inactive."""
    from mediawatch.registry import import_registry

    app.config
    result = import_registry(app.store, file, columns_file, max_rows=int(app.config.imports.max_rows))
    click.echo(f"{file}: {result.created} new, {result.updated} updated, {result.unchanged} unchanged, "
               f"{result.deactivated} marked inactive" + (f"; {result.columns} columns" if columns_file else ""))
    for message in result.messages:  # issue 16: findings (one account per platform), never errors
        click.echo(message)


@accounts.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table")
@pass_app
def accounts_list(app: App, fmt: str) -> None:
    """The registry with open warnings, 12-month warning count and closure status."""
    from mediawatch.store.reads import account_rows, sqlite_reader

    config = app.config  # a bad config is reported first
    reader = None if "store" in app.__dict__ else sqlite_reader(app.db_url)
    if reader is not None:  # an up-to-date SQLite file: read without loading SQLAlchemy (starts in < 0.3 s)
        with reader:
            rows = account_rows(reader, config, clock.now())
    else:  # PostgreSQL, or a database the store must create or migrate first: the same SQL through it
        from mediawatch.registry import account_rows as store_rows

        with app.store.session() as session:
            rows = store_rows(session, config, clock.now())
    columns = ["account_id", "platform", "name", "owner_unit", "active", "open_warnings", "warnings_12m",
               "closure_candidate"]
    if fmt == "json":
        rows = [{c: r[c] for c in columns} for r in rows]
    emit(rows, columns, fmt, title="accounts")


# issue 16
@accounts.command("reconcile")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table")
@pass_app
def accounts_reconcile(app: App, file: Path, fmt: str) -> None:
    """Compare the registry with FILE, the 政务新媒体信息报送系统 export (account, platform, unit, status)."""
    from mediawatch.reconcile import reconcile

    with app.store.session() as session:
        rows = reconcile(session, file)
    emit(rows, ["kind", "title", "account_id", "name", "platform", "owner_unit", "export_line"], fmt,
         title="reconcile")


# issue 16: column exemptions (the 19号 verdict's column counts)
@cli.group()
def columns() -> None:
    """Website columns: exemptions from the 19号 column counts."""


@columns.command("exempt")
@click.argument("account_id")
@click.argument("column")
@click.option("--from", "starts", required=True, help="First day (YYYY-MM-DD), included.")
@click.option("--to", "ends", required=True, help="Last day (YYYY-MM-DD), included.")
@click.option("--reason", required=True, help="Why the column has nothing new (e.g. 本年度无人事任免).")
@pass_app
def columns_exempt(app: App, account_id: str, column: str, starts: str, ends: str, reason: str) -> None:
    """Exempt COLUMN (its name or URL) of ACCOUNT from the 19号 column counts for a period."""
    from mediawatch import exemptions

    first, last = exemptions.parse_day(starts, "--from"), exemptions.parse_day(ends, "--to")
    with app.store.session() as session:
        found = exemptions.add(session, account_id, column, first, last, reason)
    click.echo(f"exemption {found.id}: {found.account_id} {found.column} from {found.starts_on} to {found.ends_on}")


@columns.command("exemptions")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table")
@pass_app
def columns_exemptions(app: App, fmt: str) -> None:
    """The column exemptions in force or to come."""
    from mediawatch import exemptions

    with app.store.session() as session:
        rows = [e.as_dict() for e in exemptions.overlapping(session, first=clock.local(clock.now()).date())]
    emit(rows, ["id", "account_id", "column", "url", "from", "to", "reason"], fmt, title="column exemptions")


@columns.command("unexempt")
@click.argument("exemption_id", type=int)
@pass_app
def columns_unexempt(app: App, exemption_id: int) -> None:
    """End an exemption now (it stays in the record)."""
    from mediawatch import exemptions

    with app.store.session() as session:
        exemptions.end(session, exemption_id)
    click.echo(f"exemption {exemption_id} ended")


# --- checks ---------------------------------------------------------------------------------

@cli.command()
@pass_app
def probe(app: App) -> None:
    """One availability probe of every active website's home page."""
    from mediawatch.transport.fetcher import Fetcher
    from mediawatch.probes import run_probes

    summary = run_probes(app.store, app.config, clock.now(), Fetcher(app.config))
    click.echo(f"{summary['probes']} website(s) probed, {summary['failed']} failed"
               + ("" if summary["network_ok"] else f"; not counted: {summary['canary']}"))


@cli.command()
@click.option("--platform", type=click.Choice(["website", "weibo", "wechat", "toutiao", "douyin", "kuaishou", "channels",
                                               "xiaohongshu", "bilibili", "other"]), help="Only this platform.")
@click.option("--account", "account_ids", multiple=True, help="Only this account (repeatable).")
@click.option("--wait", "wait", type=click.FloatRange(min=0), default=0.0,
              help="Seconds to wait for a check already running on this database (default: do not wait).")
@pass_app
def check(app: App, platform: str | None, account_ids: tuple[str, ...], wait: float) -> None:
    """Check now: store observations, open/update/resolve warnings."""
    from mediawatch.progress import progress_bar
    from mediawatch.runner import run_check
    from mediawatch.signals import stop_on_sigterm

    with stop_on_sigterm() as stop, progress_bar() as progress:
        report = run_check(app, platform=platform, account_ids=account_ids, stop=stop, progress=progress,
                           wait=wait)
    click.echo(report.summary())
    for failure in report.failures[:50]:
        click.echo(f"  check_failed {failure['account_id']}: {failure['reason']}")
    if report.status == "degraded":
        click.echo(report.message, err=True)


# --- warnings -------------------------------------------------------------------------------

@cli.group(invoke_without_command=True)
@click.option("--account", "account_id", help="Only this account.")
@click.option("--status", type=click.Choice(["open", "resolved", "revoked", "pending", "all"]), default="open")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.pass_context
def warnings(ctx: click.Context, account_id: str | None, status: str, fmt: str) -> None:
    """List warnings (default: open ones)."""
    if ctx.invoked_subcommand is not None:
        return
    from mediawatch import warnings as warnings_mod
    from mediawatch.rules.catalog import rule_title

    app: App = ctx.obj
    with app.store.session() as session:
        rows = warnings_mod.listing(session, account_id=account_id, status=status, now=clock.now())
    if fmt == "json":
        emit(rows, [], "json")
        return
    table = [dict(r, rule=f"{r['rule']} {rule_title(r['rule'])}", opened_at=r["opened_at"][:10],
                  deadline=(r["deadline"] or "")[:10], overdue="overdue" if r["overdue"] else "") for r in rows]
    emit(table, ["id", "account_id", "platform", "rule", "status", "opened_at", "deadline", "overdue", "source",
                 "message"], "table", title=f"warnings ({status})")


@warnings.command("revoke")
@click.argument("warning_id", type=int)
@click.option("--reason", required=True, help="Why (false alarm, appeal upheld, ...).")
@pass_app
def warnings_revoke(app: App, warning_id: int, reason: str) -> None:
    """Revoke a warning; it stays in the record and no longer counts."""
    from mediawatch import warnings as warnings_mod

    with app.store.session() as session:
        warnings_mod.revoke(session, warning_id, reason, app.actor, clock.now())
    click.echo(f"warning {warning_id} revoked")


@warnings.command("resolve")
@click.argument("warning_id", type=int)
@click.option("--reason", required=True, help="How it was rectified.")
@pass_app
def warnings_resolve(app: App, warning_id: int, reason: str) -> None:
    """Mark an open warning rectified by hand (e.g. an imported one)."""
    from mediawatch import warnings as warnings_mod

    with app.store.session() as session:
        warnings_mod.resolve(session, warning_id, reason, app.actor, clock.now())
    click.echo(f"warning {warning_id} resolved")


@warnings.command("confirm")
@click.argument("warning_id", type=int)
@pass_app
def warnings_confirm(app: App, warning_id: int) -> None:
    """Confirm a finding pending confirmation (tampering): it becomes an open warning that counts."""
    from mediawatch import findings

    with app.store.session() as session:
        warning = findings.confirm(session, warning_id, app.actor, clock.now(), app.config)
        deadline = clock.local(warning.deadline).date().isoformat()
    click.echo(f"warning {warning_id} confirmed: open, deadline {deadline}")


@warnings.command("dismiss")
@click.argument("warning_id", type=int)
@click.option("--reason", required=True, help="Why it is not tampering (a redesign, a new statistics script, ...).")
@pass_app
def warnings_dismiss(app: App, warning_id: int, reason: str) -> None:
    """Dismiss a finding pending confirmation; the page as seen becomes the accepted baseline."""
    from mediawatch import findings

    with app.store.session() as session:
        findings.dismiss(session, warning_id, reason, app.actor, clock.now())
    click.echo(f"warning {warning_id} dismissed; the home page as seen is the new baseline")


@warnings.command("show")
@click.argument("warning_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@pass_app
def warnings_show(app: App, warning_id: int, fmt: str) -> None:
    """One warning with its evidence and the history of its events."""
    import json

    from mediawatch import warnings as warnings_mod
    from mediawatch.cli_owners import owner_extras, show_owner_extras
    from mediawatch.rules.catalog import rule_title

    with app.store.session() as session:
        warning = warnings_mod.get(session, warning_id)
        record = warnings_mod.to_json(warning, warning.account, clock.now())
        record["name"] = warning.account.name
        record["owner_unit"] = warning.account.owner_unit
        record["events"] = warnings_mod.history(warning)
        record.update(owner_extras(session, warning, app.home))  # issue 17: feedback state, screenshot
    if fmt == "json":
        emit(record, [], "json")
        return
    click.echo(f"warning {record['id']}: {record['account_id']} {record['name']} ({record['owner_unit']})")
    click.echo(f"rule: {record['rule']} {rule_title(record['rule'])}   status: {record['status']}"
               + ("  OVERDUE" if record["overdue"] else ""))
    click.echo(f"opened: {record['opened_at']}   deadline: {record['deadline']}   resolved: {record['resolved_at']}")
    click.echo(f"source: {record['source']}" + (f"  external id: {record['external_id']}" if record["external_id"] else ""))
    click.echo(f"message: {record['message']}")
    click.echo("evidence:")
    click.echo(json.dumps(record["evidence"], ensure_ascii=False, indent=2))
    show_owner_extras(record)
    click.echo("history:")
    for event in record["events"]:
        click.echo(f"  {event['at']}  {event['kind']:<9} by {event['actor']}: {event['reason'] or ''}")


@warnings.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@pass_app
def warnings_import(app: App, file: Path) -> None:
    """Import warnings issued by other platforms (account_id, issued_at, reason, source, external_id)."""
    from mediawatch.external import import_external

    result = import_external(app.store, app.config, file, clock.now())
    click.echo(f"{file}: {result.created} imported, {result.duplicates} already present")


# --- closure --------------------------------------------------------------------------------

@cli.group(invoke_without_command=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.pass_context
def closure(ctx: click.Context, fmt: str) -> None:
    """Accounts over the closure rule (more than N warnings in the window), with the warnings that count."""
    if ctx.invoked_subcommand is not None:
        return
    from mediawatch import closure as closure_mod

    app: App = ctx.obj
    with app.store.session() as session:
        found = closure_mod.candidates(session, app.config, clock.now())
    rows = [{
        "account_id": c.account_id, "name": c.name, "owner_unit": c.owner_unit, "platform": c.platform,
        "warnings_12m": c.warnings_12m, "warning_ids": c.warning_ids, "decision": c.decision,
        "decision_reason": c.decision_reason, "decided_at": clock.iso(c.decided_at),
    } for c in found]
    if fmt == "json":
        emit(rows, [], "json")
    else:
        emit([dict(r, warning_ids=",".join(map(str, r["warning_ids"]))) for r in rows],
             ["account_id", "name", "owner_unit", "platform", "warnings_12m", "warning_ids", "decision"], fmt,
             title="closure candidates (建议关停整改)")


@closure.command("decide")
@click.argument("account_id")
@click.option("--decision", type=click.Choice(["closed", "rectify", "exempt"]), required=True)
@click.option("--reason", required=True)
@pass_app
def closure_decide(app: App, account_id: str, decision: str, reason: str) -> None:
    """Record the office's decision on an account (closed accounts are no longer checked)."""
    from mediawatch import closure as closure_mod

    with app.store.session() as session:
        closure_mod.decide(session, account_id, decision, reason, app.actor, clock.now())
    click.echo(f"{account_id}: {decision} recorded")


# --- notices, bulletin, daemon, demo --------------------------------------------------------

@cli.command()
@click.option("--send", is_flag=True, help="Mail the notices over SMTP (config [smtp]).")
@pass_app
def notices(app: App, send: bool) -> None:
    """Render a notice per owner unit for new and overdue warnings."""
    from mediawatch.notices import prepare_and_send

    report = prepare_and_send(app, app.config, clock.now(), send=send)
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    for failure in report.failures:
        click.echo(f"failed: {failure.owner_unit} <{failure.recipient}>: {failure.error}", err=True)
    click.echo(report.summary())
    if report.failed:
        raise MediawatchError(f"{report.failed} notices could not be sent; they are retried on the next --send")


@cli.command()
@click.option("--month", required=True, help="YYYY-MM")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Folder (default reports/YYYY-MM).")
@pass_app
def bulletin(app: App, month: str, out: Path | None) -> None:
    """Write the monthly supervision bulletin (月度通报) and its annex."""
    from mediawatch.bulletin import write_bulletin

    result = write_bulletin(app, month, out, now=clock.now())
    pass_rate = result.figures["pass_rate"]
    click.echo(f"{result.html}\n{result.xlsx}\n{result.csv}")
    click.echo(f"{month}: {result.figures['checked']} checked, {result.figures['failing']} failing, "
               f"pass rate {pass_rate + '%' if pass_rate is not None else 'n/a (no checks this month)'}")


@cli.command()
@click.option("--once", is_flag=True, help="Run one full cycle (probe, check, notices, bulletin if due) and exit.")
@pass_app
def run(app: App, once: bool) -> None:
    """The scheduler daemon: daily checks, probes, notices, the monthly bulletin."""
    from mediawatch.signals import stop_on_sigterm

    if once:
        from mediawatch.progress import progress_bar
        from mediawatch.schedule.cycle import run_cycle
        from mediawatch.schedule.daemon import acquire_lock, release_lock

        me = acquire_lock(app)
        try:
            with stop_on_sigterm() as stop, progress_bar() as progress:
                report = run_cycle(app, stop=stop, progress=progress)
        finally:
            release_lock(app, me)
        for line in report.lines():
            click.echo(line)
        if report.errors:
            raise MediawatchError("; ".join(report.errors))
        return
    from mediawatch.schedule.daemon import run_daemon

    with stop_on_sigterm() as stop:
        run_daemon(app, stop)


@cli.command()
@click.option("--days", type=click.IntRange(1, 3660), default=365, show_default=True,
              help="Days replayed, ending today (the clock's date; set it with --now).")
@pass_app
def demo(app: App, days: int) -> None:
    """Simulate a district on 127.0.0.1, replay a year of checks, write notices and a bulletin."""
    from mediawatch.demo import run_demo
    from mediawatch.progress import progress_bar
    from mediawatch.signals import stop_on_sigterm

    with stop_on_sigterm() as stop, progress_bar() as progress:
        result = run_demo(app.home, days=days, db_url=app.db_url, stop=stop, progress=progress)
    for line in result.lines():
        click.echo(line)
    if result.stopped_early:
        raise MediawatchError(f"stopped after {result.completed_days} of {result.days} days")


# the web console: `users` and `serve` (their own module)
from mediawatch.cli_console import register as _register_console  # noqa: E402

_register_console(cli)


# issue 16: the 19号 score (the office's deductions beside the machine's)
from mediawatch.cli_score import register as _register_score  # noqa: E402

_register_score(cli)


# issue 17: feedback, 报备 windows, contacts, reminders (their own module)
from mediawatch.cli_owners import register as _register_owners  # noqa: E402

_register_owners(cli, warnings)


@cli.command()
@click.argument("url", required=False)
@click.option("--account", "account_id", help="Read this registered website account (its home page and columns).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@pass_app
def explain(app: App, url: str | None, account_id: str | None, fmt: str) -> None:
    """How the website check reads one page: decoding, ways in followed, entries and their dates, links, verdicts."""
    from mediawatch.explain import account_spec, render_text
    from mediawatch.explain import explain as explain_page
    from mediawatch.output import print_json

    if not url and not account_id:
        raise click.UsageError("give a URL or --account ID")
    account = account_spec(app, account_id) if account_id else None
    report = explain_page(url, app.config, clock.now(), account)
    if fmt == "json":
        print_json(report)
    else:
        click.echo(render_text(report))


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except MediawatchError as exc:
        prefix = "error" if isinstance(exc, BadInput) else "failed"
        click.echo(f"mediawatch: {prefix}: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # the tool itself failed
        log.exception("unexpected failure")
        click.echo(f"mediawatch: failed: {exc.__class__.__name__}: {exc}", err=True)
        sys.exit(1)
