"""Benchmark: the closure rule and `accounts list` over 100,000 accounts and 1,000,000 warnings (SQLite).

Run by hand:  python bench/closure.py [--accounts 100000] [--warnings 1000000] [--db /tmp/closure-bench.db]
Prints wall time and peak memory (RSS high-water mark of this process) for each step.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mediawatch import clock  # noqa: E402
from mediawatch.closure import candidates  # noqa: E402
from mediawatch.config import defaults  # noqa: E402
from mediawatch.registry import account_rows  # noqa: E402
from mediawatch.store import open_store  # noqa: E402
from mediawatch.store.models import Account, Warning  # noqa: E402

RULES = ["not_updated", "homepage_not_updated", "broken_links", "unavailable", "severe_typo", "column_stale"]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--warnings", type=int, default=1_000_000)
    parser.add_argument("--db", default="/tmp/closure-bench.db")
    args = parser.parse_args()
    path = Path(args.db)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    store = open_store(f"sqlite:///{path}")
    now = datetime(2026, 11, 23, 9, 0, tzinfo=clock.SHANGHAI)
    rng = random.Random(7)
    t = time.perf_counter()
    platforms = ["weibo", "wechat", "website"]
    with store.engine.begin() as conn:
        conn.execute(insert(Account), [
            {"account_id": f"acc-{i:06d}", "platform": platforms[i % 3], "name": f"账号{i}",
             "owner_unit": f"单位{i % 400}", "source": "auto", "status": "active", "active": True,
             "created_at": now, "updated_at": now, "url": "https://x.example.gov.cn/" if i % 3 == 2 else None}
            for i in range(args.accounts)])
        batch = []
        open_pairs: set[tuple[int, str]] = set()
        for n in range(args.warnings):
            opened = now - timedelta(days=rng.uniform(0, 730))
            account_pk, rule = rng.randint(1, args.accounts), rng.choice(RULES)
            status = rng.choices(["resolved", "open", "revoked"], [85, 10, 5])[0]
            if status == "open" and (account_pk, rule) in open_pairs:
                status = "resolved"
            if status == "open":
                open_pairs.add((account_pk, rule))
            batch.append({"account_pk": account_pk, "rule": rule, "status": status,
                          "opened_at": opened, "evidence": {}, "message": "", "source": "mediawatch",
                          "updated_at": opened})
            if len(batch) == 50_000:
                conn.execute(insert(Warning), batch)
                batch = []
        if batch:
            conn.execute(insert(Warning), batch)
    with store.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
    print(f"generated {args.accounts:,} accounts and {args.warnings:,} warnings in {time.perf_counter() - t:.1f} s")
    config = defaults()
    for label, fn in (("closure candidates", lambda s: candidates(s, config, now)),
                      ("accounts list", lambda s: account_rows(s, config, now))):
        for attempt in range(2):
            t = time.perf_counter()
            with store.session() as session:
                result = fn(session)
            elapsed = time.perf_counter() - t
            print(f"{label} (run {attempt + 1}): {len(result):,} rows in {elapsed:.2f} s; peak RSS {peak_mb():.0f} MB")
    store.dispose()


if __name__ == "__main__":
    main()
