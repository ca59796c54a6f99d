"""The website crawl's memory over time: resident size of the checking process, sampled while it crawls.

    python bench/crawl_memory.py [--pages 1000 5000 20000] [--every 0.25]

The generated county portal of ``bench/peers.py`` (served by nginx on 127.0.0.1), crawled whole by the website
checker in this process (dates, typos, the safety scans and all; pages read in the page-reading process as in a
real run), once per size, each size in a fresh process. Printed per size: the resident size every ``--every``
seconds with the number of URLs the link checker knows by then (checked, being checked, or planned pages not
fetched yet), the peak, and the reading process's own peak (``VmHWM``).

What it shows: whether memory grows with the pages read (it must not: no page's body, text or tree outlives its
reading) or only with the URLs known. The generated site's 20 column pages each list every article, so the crawl
knows almost every URL of the site within its first second; a real portal's paginated columns reveal them as it goes.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def _rss_mb(pid: int | str = "self", field: str = "VmRSS") -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def crawl(url: str, pages: int, every: float) -> dict:
    """In this process: crawl the site, sampling (seconds, resident MB, URLs known)."""
    from datetime import datetime, timezone

    from mediawatch import config as config_mod
    from mediawatch.checkers.base import AccountSpec, CheckContext, close_shared
    from mediawatch.checkers.website import WebsiteChecker
    from mediawatch.transport.fetcher import Fetcher

    import mediawatch.transport.client  # noqa: F401  (imported before the clock starts)

    config = config_mod.defaults().with_overrides({
        "http": {"allow_private_addresses": True, "per_host_concurrency": 128, "timeout_seconds": 30},
        "crawl": {"max_pages": pages * 2, "link_workers": 128}})
    account = AccountSpec(pk=1, account_id="bench", platform="website", name="bench", owner_unit="bench", url=url)
    ctx = CheckContext(config=config, now=datetime(2026, 11, 23, tzinfo=timezone.utc), fetcher=Fetcher(config))
    samples: list[tuple[float, float, int]] = []
    reader_peak = [0.0]
    done = threading.Event()
    started = time.monotonic()

    def sample() -> None:
        while not done.wait(every):
            checker = ctx.extras.get("link_checker")
            known = len(getattr(checker, "_outcomes", ()))
            samples.append((round(time.monotonic() - started, 2), round(_rss_mb(), 1), known))
            child = getattr(ctx.extras.get("page_process"), "_child", None)
            if child is not None:
                reader_peak[0] = max(reader_peak[0], _rss_mb(child.pid, "VmHWM"))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    observations = WebsiteChecker().check(account, ctx)
    elapsed = time.monotonic() - started
    done.set()
    sampler.join()
    close_shared(ctx.extras)
    links = next(o for o in observations if o.kind == "links")
    return {"pages": links.data["pages_crawled"], "urls": links.data["urls_checked"], "elapsed": round(elapsed, 2),
            "peak_mb": round(_rss_mb("self", "VmHWM"), 1), "reader_peak_mb": round(reader_peak[0], 1),
            "samples": samples}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[1000, 5000, 20000])
    parser.add_argument("--every", type=float, default=0.25, help="seconds between samples")
    parser.add_argument("--child", nargs=2, metavar=("URL", "PAGES"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(crawl(args.child[0], int(args.child[1]), args.every)))
        return
    import peers

    with tempfile.TemporaryDirectory(prefix="crawl-memory-") as tmp:
        tmp_path = Path(tmp)
        tmp_path.chmod(0o755)  # nginx's worker reads it as an unprivileged user
        for pages in args.pages:
            ports = [peers.free_port(), peers.free_port()]
            site, external = tmp_path / f"site{pages}", tmp_path / f"ext{pages}"
            peers.generate(site, external, pages, f"http://127.0.0.1:{ports[1]}")
            work = tmp_path / f"nginx{pages}"
            work.mkdir()
            nginx = peers.start_nginx(work, [(ports[0], site), (ports[1], external)])
            try:
                out = subprocess.run([sys.executable, __file__, "--every", str(args.every), "--child",
                                      f"http://127.0.0.1:{ports[0]}/", str(pages)],
                                     capture_output=True, text=True, check=True, env=dict(os.environ))
            finally:
                nginx.terminate()
                nginx.wait()
            result = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"{pages:,} pages: {result['pages']:,} crawled, {result['urls']:,} URLs, {result['elapsed']} s; "
                  f"checking process peak {result['peak_mb']} MB, reading process {result['reader_peak_mb']} MB")
            samples = result["samples"]
            step = max(1, len(samples) // 12)
            for seconds, rss, known in samples[::step] + samples[-1:]:
                print(f"  {seconds:7.2f} s  {rss:6.1f} MB  {known:7,} URLs known")


if __name__ == "__main__":
    main()
