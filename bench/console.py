"""Benchmark: console pages on 10,000 accounts and a year of daily checks (SQLite), through a real server.

Run by hand:  python bench/console.py [--accounts 10000] [--warnings 100000] [--db /tmp/console-bench.db] [--reuse]

Builds the database the way bench/bulletin.py does (every account checked every day for a year, 5 % of
checks failed, one degraded run a month; warnings over the year: 80 % resolved, 12 % open, 5 % revoked,
3 % imported), adds a year of daily ``posts`` observations for the accounts whose pages are measured
(the sparkline's source) and one user per role, then starts ``mediawatch serve`` in its own process
(uvicorn on 127.0.0.1, the clock fixed the day after the data ends), signs in and asks each page
``--repeat`` times in turn, and prints the median and 95th percentile wall time of each page per role.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from mediawatch import clock  # noqa: E402
from mediawatch.store import open_store  # noqa: E402
from mediawatch.store.models import Account, Observation, User, Warning  # noqa: E402

NOW = "2026-11-02T09:00:00+08:00"
PASSWORD = "bench-password-2026"
MEASURED = ["acc-00001", "acc-00002", "acc-00003", "acc-00004", "acc-00005", "acc-00006"]


def bulletin_bench():
    spec = importlib.util.spec_from_file_location("bench_bulletin", ROOT / "bench" / "bulletin.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build(args) -> None:
    bulletin_bench().build(argparse.Namespace(db=args.db, accounts=args.accounts, warnings=args.warnings))


def enrich(args) -> None:
    """A year of daily ``posts`` observations for the measured accounts (one per check run), and the users."""
    from mediawatch.config import defaults
    from mediawatch.console import users
    from mediawatch.store.models import CheckRun

    store = open_store(f"sqlite:///{args.db}")
    rng = random.Random(5)
    now = clock.parse_datetime(NOW)
    with store.session() as session:
        if session.scalar(select(User.id).limit(1)) is not None:
            return
        pks = dict(session.execute(select(Account.account_id, Account.id).where(Account.account_id.in_(MEASURED))).all())
        runs = session.execute(select(CheckRun.id, CheckRun.as_of).where(CheckRun.kind == "check")).all()
        session.execute(insert(Observation), [
            {"run_id": run_id, "account_pk": pk, "as_of": as_of, "kind": "posts", "target": "bench", "ok": True,
             "error_kind": None, "error": None, "data": {"count_7d": rng.randint(0, 9), "latest_post_at": None,
                                                         "posts": []}}
            for pk in pks.values() for run_id, as_of in runs])
        config = defaults()
        unit = session.scalar(select(Account.owner_unit).where(Account.account_id == MEASURED[0]))
        for name, role, owner in (("office", "office", None), ("unit", "unit", unit), ("leader", "leader", None)):
            users.add(session, config, name, role, owner, PASSWORD, actor="bench", now=now)
    store.dispose()


def serve(args, port: int) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT), MEDIAWATCH_NOW=NOW, MEDIAWATCH_CONSOLE_SECRET="bench-secret")
    home = Path(args.db).parent / "console-bench-home"
    home.mkdir(exist_ok=True)
    return subprocess.Popen([sys.executable, "-m", "mediawatch", "--home", str(home), "--db", f"sqlite:///{args.db}",
                             "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def measure(args) -> dict:
    import httpx

    port = 18000 + random.randrange(1000)
    server = serve(args, port)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/login", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the console did not start: " + server.stderr.read().decode()[-2000:])
                time.sleep(0.2)
        store = open_store(f"sqlite:///{args.db}")
        with store.session() as session:
            open_id = session.scalar(select(Warning.id).join(Account, Account.id == Warning.account_pk)
                                     .where(Account.account_id == MEASURED[0]).order_by(Warning.id.desc()).limit(1))
            open_id = open_id or session.scalar(select(Warning.id).limit(1))
        store.dispose()
        pages = {
            "today": "/", "warnings (open)": "/warnings", "warnings (all, page 50)": "/warnings?status=all&page=50",
            "warnings (filtered)": "/warnings?status=all&rule=broken_links&platform=website",
            "warning detail": f"/warnings/{open_id}", "accounts": "/accounts", "accounts (page 100)": "/accounts?page=100",
            "accounts (search)": "/accounts?q=acc-0999", "account detail": f"/accounts/{MEASURED[0]}",
            "closure": "/closure", "bulletins": "/bulletins", "audit": "/audit",
        }
        results: dict[str, dict[str, dict[str, float]]] = {}
        for role in ("office", "unit", "leader"):
            client = httpx.Client(base_url=base, timeout=60, follow_redirects=False)
            csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
            assert client.post("/login", data={"csrf": csrf, "name": role, "password": PASSWORD}).status_code == 303
            for name, path in pages.items():
                client.get(path)  # warm
                times = []
                for _ in range(args.repeat):
                    started = time.perf_counter()
                    answer = client.get(path)
                    times.append((time.perf_counter() - started) * 1000)
                if answer.status_code != 200:
                    continue  # a page the role may not see (403) is not measured
                times.sort()
                results.setdefault(name, {})[role] = {"median_ms": statistics.median(times),
                                                      "p95_ms": times[int(len(times) * 0.95) - 1],
                                                      "bytes": len(answer.content)}
        return results
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--warnings", type=int, default=100_000)
    parser.add_argument("--db", default="/tmp/console-bench.db")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="keep the database of an earlier run")
    args = parser.parse_args()
    if not (args.reuse and Path(args.db).exists()):
        build(args)
    enrich(args)
    results = measure(args)
    print(f"{'page':<26} " + " ".join(f"{role + ' median/p95 ms':>26}" for role in ("office", "unit", "leader")))
    for name, by_role in results.items():
        cells = [f"{by_role[r]['median_ms']:>12.1f} / {by_role[r]['p95_ms']:<11.1f}" if r in by_role else f"{'(403)':>26}"
                 for r in ("office", "unit", "leader")]
        print(f"{name:<26} " + " ".join(cells))
    print(json.dumps(results, ensure_ascii=False))
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} "
          f"{platform.python_version()}")


if __name__ == "__main__":
    main()
