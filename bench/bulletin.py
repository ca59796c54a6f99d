"""Benchmark: the monthly bulletin for 10,000 accounts and 100,000 warnings (SQLite).

Run by hand:  python bench/bulletin.py [--accounts 10000] [--warnings 100000] [--db /tmp/bulletin-bench.db]

Builds a year of daily checks (every account every day, 5 % of checks failed, one degraded run a month)
and warnings opened at those checks over the twelve months to the bulletin's month (80 % resolved after
1-30 days, 12 % still open, 5 % revoked, 3 % imported), then writes the bulletin of the last month in a
fresh process and prints wall time per step and that process's peak memory (RSS high-water mark).
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert  # noqa: E402

from mediawatch import clock  # noqa: E402
from mediawatch.store import open_store  # noqa: E402
from mediawatch.store.models import Account, AccountCheck, CheckRun, Warning  # noqa: E402

MONTH = "2026-10"
RULES = ["not_updated", "homepage_not_updated", "broken_links", "unavailable", "severe_typo", "column_stale",
         "name_mismatch", "blank_column"]
BATCH = 50_000


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def evidence(rule: str, opened: datetime, rng: random.Random) -> dict:
    if rule == "not_updated":
        last = opened - timedelta(days=rng.randint(15, 60))
        return {"latest_post_at": clock.iso(last), "days_since": (opened - last).days, "threshold_days": 14}
    if rule == "homepage_not_updated":
        return {"newest_date": (clock.local(opened) - timedelta(days=rng.randint(15, 90))).date().isoformat(),
                "days_since": 20, "threshold_days": 14}
    if rule == "broken_links":
        return {"count": 2, "pages_crawled": 200, "links_checked": 4000, "broken": [
            {"page": "https://x.example.gov.cn/", "url": f"https://x.example.gov.cn/{i}.pdf", "status": 404}
            for i in range(2)]}
    return {"checked_at": clock.iso(opened)}


def build(args) -> None:
    path = Path(args.db)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    store = open_store(f"sqlite:///{path}")
    rng = random.Random(11)
    started = clock.monotonic()
    first_day = datetime(2025, 11, 1, 2, 0, tzinfo=clock.SHANGHAI)
    days = [first_day + timedelta(days=d) for d in range((datetime(2026, 11, 1, tzinfo=clock.SHANGHAI)
                                                          - first_day).days + 1)]
    platforms = ["website", "weibo", "wechat"]
    with store.engine.begin() as conn:
        conn.execute(insert(Account), [
            {"account_id": f"acc-{i:05d}", "platform": platforms[i % 3], "name": f"账号{i}",
             "owner_unit": f"单位{i % 300:03d}", "source": "auto", "status": "active", "active": True,
             "created_at": first_day - timedelta(days=30), "updated_at": first_day,
             "url": f"https://acc{i}.example.gov.cn/" if i % 3 == 0 else None}
            for i in range(args.accounts)])
        run_ids = []
        for n, day in enumerate(days):
            status = "degraded" if day.day == 15 else "done"
            run_ids.append(conn.execute(insert(CheckRun).values(
                kind="check", as_of=day, started_at=day, finished_at=day + timedelta(hours=2), status=status,
                scope={}, stats={})).inserted_primary_key[0])
        rows = []
        for run_id, day in zip(run_ids, days):
            degraded = day.day == 15
            for pk in range(1, args.accounts + 1):
                ok = not degraded and rng.random() >= 0.05
                rows.append({"run_id": run_id, "account_pk": pk, "as_of": day, "checked_at": day,
                             "outcome": "ok" if ok else "check_failed", "failure": None if ok else "blocked",
                             "network_failure": degraded, "evaluated_at": day, "verdicts": {}})
                if len(rows) >= BATCH:
                    conn.execute(insert(AccountCheck), rows)
                    rows = []
        if rows:
            conn.execute(insert(AccountCheck), rows)
        checks = len(days) * args.accounts
        batch = []
        open_pairs: set[tuple[int, str]] = set()  # at most one open warning of our own per account and rule
        for n in range(args.warnings):
            opened = days[rng.randrange(len(days) - 1)]
            kind = rng.random()
            source, rule = ("省政务新媒体监管平台", "external") if kind > 0.97 else ("mediawatch", rng.choice(RULES))
            fate = rng.random()
            status = "resolved" if fate < 0.80 else "open" if fate < 0.92 else "revoked"
            account_pk = rng.randint(1, args.accounts)
            if status == "open" and source == "mediawatch":
                if (account_pk, rule) in open_pairs:
                    status = "resolved"
                open_pairs.add((account_pk, rule))
            resolved = opened + timedelta(days=rng.randint(1, 30)) if status == "resolved" else None
            batch.append({"account_pk": account_pk, "rule": rule, "status": status,
                          "opened_at": opened, "resolved_at": resolved,
                          "revoked_at": opened + timedelta(days=1) if status == "revoked" else None,
                          "deadline": opened + timedelta(days=10), "message": f"{rule} 问题 {n}",
                          "evidence": evidence(rule, opened, rng), "source": source,
                          "external_id": f"EXT-{n}" if source != "mediawatch" else None, "updated_at": opened})
            if len(batch) >= BATCH:
                conn.execute(insert(Warning), batch)
                batch = []
        if batch:
            conn.execute(insert(Warning), batch)
    print(f"data: {args.accounts:,} accounts, {len(days)} daily runs, {checks:,} account checks, "
          f"{args.warnings:,} warnings in {clock.monotonic() - started:.0f} s ({path.stat().st_size / 1e6:.0f} MB)")


def render(args) -> None:
    """The measured part, alone in its process: one bulletin, step by step."""
    from mediawatch.bulletin import annex
    from mediawatch.bulletin.document import build as build_document
    from mediawatch.bulletin.period import parse_month
    from mediawatch.bulletin.render import render_html
    from mediawatch.config import defaults
    from mediawatch.store.models import Bulletin

    store = open_store(f"sqlite:///{args.db}")
    config = defaults()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    now = datetime(2026, 11, 2, 9, 0, tzinfo=clock.SHANGHAI)
    steps = {}
    cpu = time.process_time()
    t = clock.monotonic()
    with store.session() as session:
        doc = build_document(session, config, parse_month(MONTH), now)
    steps["figures and sections"] = clock.monotonic() - t
    t = clock.monotonic()
    render_html(doc, None, out / "bulletin.html")
    steps["bulletin.html"] = clock.monotonic() - t
    t = clock.monotonic()
    annex.write(doc, out)
    steps["annex.xlsx + annex.csv"] = clock.monotonic() - t
    t = clock.monotonic()
    with store.session() as session:
        session.add(Bulletin(month=MONTH, path=str(out / "bulletin.html"), written_at=now, figures=doc.figures()))
    steps["bulletins row"] = clock.monotonic() - t
    f = doc.figures()
    print(json.dumps({
        "steps": steps, "total": sum(steps.values()), "cpu": time.process_time() - cpu, "peak_mb": peak_mb(),
        "figures": {k: f[k] for k in ("registered", "checked", "failing", "pass_rate", "problems_total", "overdue")},
        "candidates": len(f["candidates"]), "problem_rows": sum(len(u.rows) for u in doc.units),
        "html_mb": (out / "bulletin.html").stat().st_size / 1e6, "xlsx_mb": (out / "annex.xlsx").stat().st_size / 1e6,
    }, ensure_ascii=False))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--warnings", type=int, default=100_000)
    parser.add_argument("--db", default="/tmp/bulletin-bench.db")
    parser.add_argument("--out", default="/tmp/bulletin-bench-out")
    parser.add_argument("--render-only", action="store_true", help="write the bulletin of an existing database")
    parser.add_argument("--reuse", action="store_true", help="keep the database of an earlier run")
    args = parser.parse_args()
    if args.render_only:
        render(args)
        return
    if not (args.reuse and Path(args.db).exists()):
        build(args)
    for attempt in (1, 2):
        child = subprocess.run([sys.executable, __file__, "--render-only", "--db", args.db, "--out", args.out],
                               check=True, capture_output=True, text=True)
        result = json.loads(child.stdout.strip().splitlines()[-1])
        print(f"run {attempt}: {result['total']:.2f} s (CPU {result['cpu']:.2f} s), peak RSS {result['peak_mb']:.0f} MB; "
              + ", ".join(f"{k} {v:.2f} s" for k, v in result["steps"].items()))
    print(json.dumps(result, ensure_ascii=False, indent=1))
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}")


if __name__ == "__main__":
    main()
