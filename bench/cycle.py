"""Daily-cycle benchmark: one full cycle (probe, check with rules and warnings, notices, bulletin) over
10,000 simulated new-media accounts and 200 simulated websites on loopback, politeness delays off.

    python bench/cycle.py [--weibo 5000] [--wechat 5000] [--websites 200] [--home /tmp/cycle-bench]
                          [--by-platform] [--append]

The simulation (``site.specs(N)`` websites, each on its own server; a Weibo and a WeChat simulation
with cheap generated posts) runs in its own process and follows the cycle's clock. Two cycles run,
as the daemon would run them: the first ever (every account new: a month of posts read, article
pages of a month opened) on 2026-11-30, and the next day's (only the day's new posts). Both write a
bulletin, as the daemon's catch-up would: the first October's (none exists yet), the second, on the
1st, November's. Each step is timed (the check's two phases too: observe, then evaluate the rules
and apply the warnings); peak memory is the maximum resident set of the checking process and,
separately, of the simulation's. ``--by-platform`` checks websites, then Weibo, then WeChat (one run,
resumed platform by platform) to show each one's share. ``--append`` adds the table, with the
machine and date, under "Daily cycle" in bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import os
import platform
import random
import resource
import shutil
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DAYS = (datetime(2026, 11, 30, 2, 0), datetime(2026, 12, 1, 2, 0))  # Asia/Shanghai
UNITS = 300
GOAL_SECONDS, GOAL_MB = 600, 1024


# --- the simulation, in its own process -----------------------------------------------------

def simulate(websites: int, weibo: int, wechat: int, conn) -> None:
    """Serve everything; answer ("at", datetime) by moving this process's clock; ("stop",) ends it."""
    from mediawatch import clock
    from mediawatch.clock import SHANGHAI
    from mediawatch.simulation.server import LocalServer
    from mediawatch.simulation.site import DistrictSite, specs
    from mediawatch.simulation.wechat import SimWechatAccount, WechatSimulation
    from mediawatch.simulation.weibo import Cadence, SimPost, SimWeiboAccount, WeiboSimulation

    clock.set_now(DAYS[0].replace(tzinfo=SHANGHAI))
    rng = random.Random(11)
    servers, sites = [], []
    for n, spec in enumerate(specs(websites, seed=3)):
        server = LocalServer(log_requests=False).start()
        site = DistrictSite(spec, today=clock.today)
        site.mount(server)
        servers.append(server)
        sites.append({"url": f"{server.base}/", "name": spec.name, "columns": site.columns_rows(f"site-{n:04d}")})
    start = DAYS[0].replace(tzinfo=SHANGHAI) - timedelta(days=90)

    def cadence() -> Cadence:
        stop = DAYS[0].replace(tzinfo=SHANGHAI) - timedelta(days=rng.randint(15, 60)) if rng.random() < 0.1 else None
        return Cadence(start=start + timedelta(hours=rng.randint(0, 47)), every_hours=rng.choice((12, 24, 24, 48)),
                       stop=stop)

    weibo_server = LocalServer(log_requests=False).start()
    servers.append(weibo_server)
    weibo_sim = WeiboSimulation(weibo_server)
    for i in range(weibo):
        account = SimWeiboAccount(f"98{i:08d}", f"XX微博{i}", verified=rng.random() > 0.03, cadence=cadence(),
                                  posts=[SimPost(at=start - timedelta(days=100), text="置顶", pinned=True)])
        if rng.random() < 0.01:
            account.state = "banned"
        weibo_sim.add(account)
    wechat_server = LocalServer(log_requests=False).start()
    servers.append(wechat_server)
    wechat_sim = WechatSimulation(wechat_server)
    for i in range(wechat):
        wechat_sim.add(SimWechatAccount(f"wx{i:05d}", f"XX公众号{i}", cadence=cadence()))
    conn.send({"sites": sites, "weibo_base": weibo_server.base, "wechat_base": wechat_server.base})
    try:
        while True:
            message = conn.recv()
            if message[0] == "stop":
                break
            clock.set_now(message[1])
            conn.send("ok")
    finally:
        for server in servers:
            server.stop()
        conn.send({"peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})


# --- the registry and config ------------------------------------------------------------------

def write_home(home: Path, hello: dict, weibo: int, wechat: int) -> None:
    rng = random.Random(5)
    (home / "mediawatch.toml").write_text(
        "[http]\nallow_private_addresses = true\n"
        f'[weibo]\napi_base = "{hello["weibo_base"]}"\nvisitor_base = "{hello["weibo_base"]}"\ndelay_seconds = 0.0\n'
        "[wechat]\ndelay_seconds = 0.0\n", encoding="utf-8")

    def unit(n: int) -> tuple[str, str]:
        u = n % UNITS
        return f"单位{u:03d}", (f"unit{u:03d}@bench.example.gov.cn" if u % 2 == 0 else "")

    columns = ("account_id", "platform", "name", "owner_unit", "url", "platform_id", "feed_url", "contact_email")
    rows = []
    for n, site in enumerate(hello["sites"]):
        owner, email = unit(n)
        rows.append({"account_id": f"site-{n:04d}", "platform": "website", "name": site["name"], "owner_unit": owner,
                     "url": site["url"], "contact_email": email})
    for i in range(weibo):
        owner, email = unit(i * 7)
        name = f"XX微博{i}" if rng.random() > 0.02 else f"XX微博{i}（旧名）"
        rows.append({"account_id": f"wb-{i:05d}", "platform": "weibo", "name": name, "owner_unit": owner,
                     "platform_id": f"98{i:08d}", "contact_email": email})
    for i in range(wechat):
        owner, email = unit(i * 11)
        rows.append({"account_id": f"wx-{i:05d}", "platform": "wechat", "name": f"XX公众号{i}", "owner_unit": owner,
                     "feed_url": f"{hello['wechat_base']}/feeds/wx{i:05d}.xml", "contact_email": email})
    with open(home / "accounts.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, restval="")
        writer.writeheader()
        writer.writerows(rows)
    with open(home / "columns.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=("account_id", "column", "url", "category"))
        writer.writeheader()
        for site in hello["sites"]:
            writer.writerows(site["columns"])


# --- one cycle, step by step (what run_cycle does, timed) ------------------------------------

def cycle(app, by_platform: bool = False) -> list[tuple[str, float, str]]:
    from mediawatch.runner import run_check
    from mediawatch.schedule.cycle import bulletin_due, run_probes, send_notices, write_bulletin

    steps = []

    def timed(name, fn):
        started = time.perf_counter()
        what = fn()
        steps.append((name, time.perf_counter() - started, what))
        print(f"  {name}: {steps[-1][1]:.1f} s  {what}", file=sys.stderr, flush=True)

    phases: dict[str, list[float]] = {}

    def progress(phase: str, done: int, total: int) -> None:
        seen = phases.setdefault(phase, [time.perf_counter(), 0.0])
        seen[1] = time.perf_counter()

    def check(only: str | None = None) -> str:
        phases.clear()
        summary = run_check(app, platform=only, progress=progress).summary().split(": ", 1)[1]
        split = ", ".join(f"{phase} {end - start:.1f} s" for phase, (start, end) in phases.items())
        return f"{summary} ({split})"

    timed("probe", lambda: "{probes} probes, {failed} failed".format(**run_probes(app)))
    if by_platform:  # the same run, resumed platform by platform, so each one's time shows
        for name in ("website", "weibo", "wechat"):
            timed(f"check {name}", lambda p=name: check(p))
        steps[-3:] = [("check", sum(s[1] for s in steps[-3:]), "; ".join(f"{s[0]}: {s[2]}" for s in steps[-3:]))]
    else:
        timed("check", check)
    timed("notices", lambda: send_notices(app).summary())

    def bulletin():
        month = bulletin_due(app)
        return f"{month}: {write_bulletin(app, month)}" if month else "not due"

    timed("bulletin", bulletin)
    return steps


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--weibo", type=int, default=5000)
    parser.add_argument("--wechat", type=int, default=5000)
    parser.add_argument("--websites", type=int, default=200)
    parser.add_argument("--home", type=Path, default=Path("/tmp/cycle-bench"))
    parser.add_argument("--append", action="store_true", help="append the table to bench/RESULTS.md")
    parser.add_argument("--by-platform", action="store_true",
                        help="check the platforms one after the other (one run, resumed) to time each")
    args = parser.parse_args()
    shutil.rmtree(args.home, ignore_errors=True)
    args.home.mkdir(parents=True)

    ours, theirs = multiprocessing.Pipe()  # forked before this process starts any thread
    sim = multiprocessing.Process(target=simulate, args=(args.websites, args.weibo, args.wechat, theirs), daemon=True)
    sim.start()
    started = time.perf_counter()
    hello = ours.recv()
    print(f"simulation up in {time.perf_counter() - started:.1f} s", file=sys.stderr)

    from mediawatch import clock
    from mediawatch.app import App
    from mediawatch.registry import import_registry

    write_home(args.home, hello, args.weibo, args.wechat)
    app = App(args.home)
    clock.set_now(DAYS[0].replace(tzinfo=clock.SHANGHAI) - timedelta(hours=1))
    started = time.perf_counter()
    import_registry(app.store, args.home / "accounts.csv", args.home / "columns.csv" if hello["sites"] else None)
    print(f"registry imported in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    results = []
    for day in DAYS:
        at = day.replace(tzinfo=clock.SHANGHAI)
        clock.set_now(at)
        ours.send(("at", at))
        ours.recv()
        print(f"cycle as of {at:%Y-%m-%d %H:%M}", file=sys.stderr, flush=True)
        started = time.perf_counter()
        steps = cycle(app, args.by_platform)
        results.append((at, time.perf_counter() - started, steps,
                        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
    ours.send(("stop",))
    sim_peak = ours.recv()["peak_mb"]
    sim.join(10)
    app.close()
    table = report(args, results, sim_peak)
    print(table)
    if args.append:
        append(table)


def report(args, results, sim_peak: float) -> str:
    accounts = args.weibo + args.wechat + args.websites
    lines = [f"`python bench/cycle.py` — {args.weibo:,} Weibo (m.weibo.cn API) and {args.wechat:,} WeChat (feed) "
             f"accounts, {args.websites} websites (`site.specs({args.websites})`, each its own server), "
             f"{accounts:,} accounts in all, 300 owner units; simulation in its own process on 127.0.0.1, politeness "
             f"delays off, other settings default (8 accounts at once, one request at a time per platform host); "
             f"SQLite. {machine()}; {time.strftime('%Y-%m-%d')}.", "",
             "| cycle | probe | check | notices | bulletin | whole cycle | peak RSS (checks) | peak RSS (simulation) |",
             "|---|---|---|---|---|---|---|---|"]
    for at, total, steps, peak in results:
        cells = {name: seconds for name, seconds, _ in steps}
        label = "first ever (a month of posts)" if at.day == 30 else "next day (the day's new posts)"
        lines.append(f"| {at:%Y-%m-%d} {label} | {cells['probe']:.1f} s | {cells['check']:.1f} s | "
                     f"{cells['notices']:.1f} s | {cells['bulletin']:.1f} s | **{total:.0f} s** | {peak:.0f} MB | "
                     f"{sim_peak:.0f} MB |")
    lines.append("")
    for at, _total, steps, _peak in results:
        for name, _seconds, what in steps:
            lines.append(f"- {at:%m-%d} {name}: {what}")
    worst = max(total for _, total, _, _ in results)
    peak = max(p for *_, p in results)
    lines.append("")
    lines.append(f"Goal: under {GOAL_SECONDS // 60} minutes and {GOAL_MB} MB — "
                 f"{'met' if worst < GOAL_SECONDS and peak < GOAL_MB else 'NOT met'} "
                 f"(slowest cycle {worst:.0f} s, peak {peak:.0f} MB).")
    return "\n".join(lines)


def append(table: str) -> None:
    path = ROOT / "bench" / "RESULTS.md"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    heading = "## Daily cycle"
    if heading not in text:
        text = text.rstrip("\n") + f"\n\n{heading}\n"
        path.write_text(text, encoding="utf-8")
    # a new run goes at the end of its own section, whatever sections follow it
    start = text.index(heading)
    following = text.find("\n## ", start + len(heading))
    end = len(text) if following < 0 else following
    path.write_text(text[:end].rstrip("\n") + "\n\n" + table + "\n" + text[end:], encoding="utf-8")


if __name__ == "__main__":
    main()
