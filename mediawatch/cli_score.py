"""The 19号 score's commands, registered onto the main command line by ``cli.py``:

    score deduct ACCOUNT --month M --indicator I --item T --points P --reason R    the office's 扣分
    score import FILE                      deductions from a CSV (account_id,month,indicator,item,points,reason)
    score deductions [--month M]           the month's current deductions
    score withdraw ID --reason R           withdraw one (kept in the record)
    score show [--month M] [--account A]   each website's score and verdict for the month
"""

from __future__ import annotations

from pathlib import Path

import click

from mediawatch import clock
from mediawatch.app import App
from mediawatch.output import emit

pass_app = click.pass_obj


def register(cli: click.Group) -> None:
    cli.add_command(score)


def _month(text: str | None):
    from mediawatch.bulletin.period import month_of, parse_month

    return parse_month(text) if text else month_of(clock.now())


@click.group()
def score() -> None:
    """The 19号 扣分指标 score of websites: the office's deductions beside what the machine sees."""


@score.command("deduct")
@click.argument("account_id")
@click.option("--month", required=True, help="The month (YYYY-MM).")
@click.option("--indicator", required=True, help="The 扣分指标 it falls under (e.g. 办事服务).")
@click.option("--item", required=True, help="The item (e.g. 办事指南要素缺失).")
@click.option("--points", required=True, help="Points deducted (above 0).")
@click.option("--reason", required=True, help="What was found, where.")
@pass_app
def score_deduct(app: App, account_id: str, month: str, indicator: str, item: str, points: str, reason: str) -> None:
    """Record a deduction against website ACCOUNT for a month."""
    from mediawatch import deductions

    with app.store.session() as session:
        found = deductions.add(session, app.config, {"account_id": account_id, "month": month, "indicator": indicator,
                                                     "item": item, "points": points, "reason": reason}, app.actor)
    click.echo(f"deduction {found.id}: {found.account_id} {found.month} {found.indicator}·{found.item} -{found.points:g}")


@score.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@pass_app
def score_import(app: App, file: Path) -> None:
    """Deductions from a CSV (all rows or none)."""
    from mediawatch import deductions

    with app.store.session() as session:
        rows = deductions.import_file(session, app.config, file, app.actor)
    click.echo(f"{len(rows)} deduction(s) recorded from {file}")


@score.command("deductions")
@click.option("--month", help="The month (YYYY-MM); default: this month.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table")
@pass_app
def score_deductions(app: App, month: str | None, fmt: str) -> None:
    """The month's current deductions."""
    from mediawatch import deductions

    chosen = _month(month)
    with app.store.session() as session:
        rows = [d.as_dict() for d in deductions.of_month(session, chosen.key)]
    emit(rows, ["id", "account_id", "month", "indicator", "item", "points", "reason", "actor"], fmt,
         title=f"deductions {chosen.key}")


@score.command("withdraw")
@click.argument("deduction_id", type=int)
@click.option("--reason", required=True, help="Why it is withdrawn.")
@pass_app
def score_withdraw(app: App, deduction_id: int, reason: str) -> None:
    """Withdraw a deduction (it stays in the record)."""
    from mediawatch import deductions

    with app.store.session() as session:
        deductions.withdraw(session, deduction_id, reason)
    click.echo(f"deduction {deduction_id} withdrawn")


@score.command("show")
@click.option("--month", help="The month (YYYY-MM); default: this month.")
@click.option("--account", "account_id", help="One website.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table")
@pass_app
def score_show(app: App, month: str | None, account_id: str | None, fmt: str) -> None:
    """Each website's 19号 verdict and score for the month (the bulletin's figures)."""
    from mediawatch import score19

    chosen = _month(month)
    with app.store.session() as session:
        rows = score19.month_table(session, app.config, chosen, account_id)
    if fmt == "json":
        from mediawatch.output import print_json

        print_json(rows)
        return
    flat = [{**{k: v for k, v in r.items() if k != "deductions"},
             "deductions": "；".join(f"{d['indicator']}·{d['item']}-{d['points']:g}" for d in r["deductions"])}
            for r in rows]
    emit(flat, ["account_id", "name", "verdict19", "deciding", "score", "deductions"], fmt,
         title=f"19号 score {chosen.key}")
