"""Link-check benchmark: mediawatch's website crawl and link checker against LinkChecker, on one local site.

    python bench/linkcheck.py [--pages 2000] [--links 20] [--broken 0.05] [--latency 0.05 0]
                              [--concurrency 4] [--skip-linkchecker]

A generated site (``--pages`` pages of ``--links`` links each: pages, images, a stylesheet and a
script, 1 MB PDF attachments, links to a second "external" host, and a share of broken links:
404, 410, 500, external 404) is served from a separate process on 127.0.0.1 with ``--latency``
seconds added to every answer. Each latency gets one run of each tool, each in its own process
(peak memory is that process's maximum resident set). Both get the same concurrency
(mediawatch: ``http.per_host_concurrency`` and ``crawl.link_workers``; LinkChecker: ``--threads``),
and LinkChecker's per-host throttle is lifted the way it documents (the site answers with a
``LinkChecker`` header, ``maxrequestspersecond`` high), so both run as fast as that concurrency allows.
Prints a Markdown table; the broken sets are compared with the site's own list of broken links.
Needs ``pip install linkchecker`` for the comparison.
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PDF_BYTES = 1_000_000


# --- the site -------------------------------------------------------------------------------

def page_links(i: int, pages: int, links: int, broken_share: float, ext: str) -> list[tuple[str, str]]:
    """(tag, href) of page ``i``: deterministic."""
    rng = random.Random(i * 1_000_003 + 7)
    found = [("link", f"/static/s{rng.randrange(20)}.css"), ("script", f"/static/j{rng.randrange(20)}.js"),
             ("a", f"/p/{(i + 1) % pages}.html")]
    while len(found) < links:
        if rng.random() < broken_share:
            kind = rng.random()
            if kind < 0.6:
                found.append(("a", f"/missing/{rng.randrange(100)}.html"))
            elif kind < 0.8:
                found.append(("a", f"/gone/{rng.randrange(30)}.pdf"))
            elif kind < 0.9:
                found.append(("img", f"/error/{rng.randrange(10)}.png"))
            else:
                found.append(("a", f"{ext}/missing/{rng.randrange(10)}"))
            continue
        kind = rng.random()
        if kind < 0.6:
            found.append(("a", f"/p/{rng.randrange(pages)}.html"))
        elif kind < 0.8:
            found.append(("img", f"/img/{rng.randrange(200)}.png"))
        elif kind < 0.9:
            found.append(("a", f"/files/{rng.randrange(300)}.pdf"))
        else:
            found.append(("a", f"{ext}/ok/{rng.randrange(50)}"))
    return found


def render_page(i: int, pages: int, links: int, broken_share: float, ext: str) -> str:
    head, body = [], []
    for n, (tag, href) in enumerate(page_links(i, pages, links, broken_share, ext)):
        if tag == "link":
            head.append(f'<link rel="stylesheet" href="{href}">')
        elif tag == "script":
            head.append(f'<script src="{href}"></script>')
        elif tag == "img":
            body.append(f'<li><img src="{href}" alt="图片{n}"></li>')
        else:
            body.append(f'<li><a href="{href}">第{i}页链接{n}：关于开展工作的通知</a><span>2026-11-{n % 28 + 1:02d}</span></li>')
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>第{i}页_XX区人民政府</title>{"".join(head)}'
            f'</head><body><h1>第{i}页</h1><ul class="list">{"".join(body)}</ul></body></html>')


def expected_broken(pages: int, links: int, broken_share: float, base: str, ext: str) -> set[str]:
    found = set()
    for i in range(pages):
        for tag, href in page_links(i, pages, links, broken_share, ext):
            if href.startswith(("/missing/", "/gone/", "/error/", f"{ext}/missing/")):
                found.add(href if href.startswith("http") else base + href)
    return found


def serve(pages: int, links: int, broken_share: float, latency: float, ready, stop) -> None:
    from mediawatch.simulation.server import LocalServer, Reply

    allow = {"LinkChecker": "unthrottled"}  # LinkChecker's documented opt-out of its per-host throttle
    main = LocalServer(log_requests=False)
    ext = LocalServer(log_requests=False)
    for server in (main, ext):
        server.latency = latency
        server.fallback = Reply(status=404, body=b"not found", content_type="text/plain", headers=allow)

    def page(request):
        try:
            i = int(request.path.split("/")[-1].split(".")[0])
        except ValueError:
            i = -1
        if not 0 <= i < pages:
            return Reply(status=404, body=b"not found", headers=allow)
        return Reply(body=render_page(i, pages, links, broken_share, ext.base), headers=allow)

    main.route("/p/*", page)
    main.route("/static/*", Reply(body=b"/* static */", content_type="text/css", headers=allow))
    main.route("/img/*", Reply(body=b"\x89PNG" + b"\0" * 2000, content_type="image/png", headers=allow))
    main.route("/files/*", Reply(body=b"%PDF-1.4\n", filler_bytes=PDF_BYTES, content_type="application/pdf",
                                 headers=allow))
    main.route("/gone/*", Reply(status=410, body=b"gone", headers=allow))
    main.route("/error/*", Reply(status=500, body=b"error", headers=allow))
    ext.route("/ok/*", Reply(body=b"<html>ok</html>", headers=allow))
    main.start()
    ext.start()
    ready.put((main.base, ext.base))
    stop.wait()
    main.stop()
    ext.stop()


# --- the tools ------------------------------------------------------------------------------

def run_mediawatch(url: str, pages: int, concurrency: int) -> dict:
    """In its own process: the website checker's crawl of the whole site (dates, typos and all)."""
    from datetime import datetime, timezone

    from mediawatch import config as config_mod
    from mediawatch.checkers.base import AccountSpec, CheckContext
    from mediawatch.checkers.website import WebsiteChecker
    from mediawatch.transport.fetcher import Fetcher

    config = config_mod.defaults().with_overrides({
        "http": {"allow_private_addresses": True, "per_host_concurrency": concurrency, "timeout_seconds": 15, "backoff_seconds": float(__import__("os").environ.get("BO", 0.5))},
        "crawl": {"max_pages": pages * 2, "link_workers": concurrency}})  # failed pages count too
    account = AccountSpec(pk=1, account_id="bench", platform="website", name="bench", owner_unit="bench", url=url)
    ctx = CheckContext(config=config, now=datetime(2026, 11, 23, tzinfo=timezone.utc), fetcher=Fetcher(config))
    started = time.monotonic()
    observations = WebsiteChecker().check(account, ctx)
    elapsed = time.monotonic() - started
    links = next(o for o in observations if o.kind == "links")
    if not links.ok:
        raise SystemExit(f"mediawatch failed: {links.error}")
    return {"elapsed": elapsed, "pages": links.data["pages_crawled"], "links": links.data["links_checked"],
            "urls": links.data["urls_checked"], "requests": ctx.fetcher.requests_made,
            "broken": sorted(b["url"] for b in links.data["broken"]),
            "throttled": len(links.data["throttled"])}


def run_linkchecker(url: str, concurrency: int, workdir: Path) -> dict:
    workdir.chmod(0o777)  # run as root, LinkChecker drops to "nobody" and must still write its output
    rc = workdir / "linkcheckerrc"
    rc.write_text(f"[checking]\nthreads={concurrency}\ntimeout=15\nmaxrequestspersecond=100000\n"
                  "[filtering]\ncheckextern=1\n[output]\nstatus=0\n", encoding="utf-8")
    out = workdir / "linkchecker.csv"
    started = time.monotonic()
    result = subprocess.run(["linkchecker", "-f", str(rc), "--no-robots", "--check-extern", "--no-warnings",
                             "-t", str(concurrency), "-o", "none", "-F", f"csv/utf-8/{out}", url],
                            capture_output=True, text=True)
    elapsed = time.monotonic() - started
    if result.returncode not in (0, 1):
        raise SystemExit(f"linkchecker failed ({result.returncode}): {result.stderr[-2000:]}")
    broken, pages = set(), 0
    with open(out, encoding="utf-8") as handle:
        rows = csv.DictReader((line for line in handle if not line.startswith("#")), delimiter=";")
        for row in rows:
            if row.get("valid") == "False":
                broken.add(row["url"])
    return {"elapsed": elapsed, "broken": sorted(broken), "pages": pages}


def measured(argv: list[str]) -> tuple[dict, float]:
    """Run ``argv`` as a child; its JSON output and its peak memory (MB)."""
    with tempfile.TemporaryFile("w+") as out:
        process = subprocess.Popen(argv, stdout=out, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read()
    if process.returncode != 0:
        raise SystemExit(f"{argv[:4]} exited {process.returncode}: {text[-2000:]}")
    return json.loads(text.strip().splitlines()[-1]), usage.ru_maxrss / 1024


# --- the run --------------------------------------------------------------------------------

def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_mediawatch":
        print(json.dumps(run_mediawatch(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "_linkchecker":
        print(json.dumps(run_linkchecker(sys.argv[2], int(sys.argv[3]), Path(sys.argv[4]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--links", type=int, default=20)
    parser.add_argument("--broken", type=float, default=0.05)
    parser.add_argument("--latency", type=float, nargs="+", default=[0.05, 0.0])
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--skip-linkchecker", action="store_true")
    args = parser.parse_args()
    have_linkchecker = shutil.which("linkchecker") is not None and not args.skip_linkchecker
    rows = []
    for latency in args.latency:
        ready, stop = multiprocessing.Queue(), multiprocessing.Event()
        server = multiprocessing.Process(target=serve, args=(args.pages, args.links, args.broken, latency, ready, stop),
                                         daemon=True)
        server.start()
        base, ext = ready.get(timeout=30)
        try:
            url = f"{base}/p/0.html"
            expected = expected_broken(args.pages, args.links, args.broken, base, ext)
            mw, mw_mem = measured([sys.executable, __file__, "_mediawatch", url, str(args.pages), str(args.concurrency)])
            rows.append(("mediawatch", latency, mw["elapsed"], mw["pages"], mw["links"], mw["urls"], mw_mem,
                         set(mw["broken"]) == expected, len(mw["broken"]), len(expected)))
            print(f"latency {latency}s mediawatch: {mw['elapsed']:.1f}s, {mw['requests']} requests, "
                  f"{len(mw['broken'])} broken", file=sys.stderr)
            if have_linkchecker:
                with tempfile.TemporaryDirectory() as tmp:
                    lc, lc_mem = measured([sys.executable, __file__, "_linkchecker", url, str(args.concurrency), tmp])
                # LinkChecker checks the same pages and URLs; it reports no page/link counts in CSV mode
                rows.append(("LinkChecker", latency, lc["elapsed"], mw["pages"], mw["links"], mw["urls"], lc_mem,
                             set(lc["broken"]) == expected, len(lc["broken"]), len(expected)))
                print(f"latency {latency}s LinkChecker: {lc['elapsed']:.1f}s, {len(lc['broken'])} broken",
                      file=sys.stderr)
                only = sorted(set(lc["broken"]) ^ expected)[:10]
                if only:
                    print(f"LinkChecker differs from the site's broken set on e.g. {only}", file=sys.stderr)
        finally:
            stop.set()
            server.join(timeout=10)
    print(f"\nSite: {args.pages} pages x {args.links} links, {args.broken:.0%} broken; concurrency "
          f"{args.concurrency}; {time.strftime('%Y-%m-%d')}; {machine()}\n")
    print("| tool | latency | time (s) | pages/s | links/s | unique URLs/s | peak memory (MB) | broken found / expected | same broken set |")
    print("|---|---|---|---|---|---|---|---|---|")
    for tool, latency, elapsed, pages, links, urls, memory, same, found, expected_count in rows:
        print(f"| {tool} | {latency * 1000:.0f} ms | {elapsed:.1f} | {pages / elapsed:.1f} | {links / elapsed:.0f} | "
              f"{urls / elapsed:.0f} | {memory:.0f} | {found} / {expected_count} | {'yes' if same else 'NO'} |")


if __name__ == "__main__":
    main()
