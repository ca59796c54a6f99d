"""What the 互动回应差 and 安全 checks add to a website's daily check: pages, message lists, attachments.

    python bench/safety.py [--sites 20] [--max-pages 50] [--rounds 3]

Part 1, per site and day: ``--sites`` simulated department sites (``simulation/site.py``: home page,
five columns, articles, one in three articles linking a PDF) each get a 局长信箱 column (a
``MessageBoard``, 15 messages on its list, answers on the message pages) and a 公示 page linking
a 500-row spreadsheet. Every site is checked with the real website checker, crawl sample
``--max-pages``, once with the issue-15 checks and once with them switched off (the scan's hooks
replaced by no-ops, the interaction column not registered), ``--rounds`` times each, alternating;
the median is reported. Servers run in this process on 127.0.0.1.

Part 2, per attachment: download and read time of typical files (xlsx of 1,000 and 10,000 rows,
docx with a 500-row table, a 50-page PDF) and of a 30 MB file over the size cap (HEAD only).

Prints Markdown tables (copied into bench/RESULTS.md with the machine and date).
"""

from __future__ import annotations

import argparse
import io
import platform
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mediawatch import clock, config as config_module  # noqa: E402
from mediawatch.checkers import safety  # noqa: E402
from mediawatch.checkers.base import AccountSpec, CheckContext, ColumnSpec  # noqa: E402
from mediawatch.checkers.website import WebsiteChecker  # noqa: E402
from mediawatch.transport.fetcher import Fetcher  # noqa: E402
from mediawatch.simulation.safety_pages import LeakNotice, MessageBoard, fake_id  # noqa: E402
from mediawatch.simulation.server import LocalServer, Reply  # noqa: E402
from mediawatch.simulation.site import DistrictSite, specs  # noqa: E402

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=clock.SHANGHAI)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx(rows: int) -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("名单")
    sheet.append(["序号", "姓名", "身份证号码", "联系电话", "金额"])
    for i in range(rows):
        sheet.append([i + 1, f"居民{i}", fake_id(i), f"139{i % 100000000:08d}", 1200])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def docx(rows: int) -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    for i in range(20):
        document.add_paragraph(f"第{i + 1}条 关于做好年度工作的通知正文段落。")
    table = document.add_table(rows=rows, cols=3)
    for i, row in enumerate(table.rows):
        row.cells[0].text, row.cells[1].text, row.cells[2].text = str(i), f"居民{i}", "已审核"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf(pages: int) -> bytes:
    """A ``pages``-page PDF of plain text, written with pypdf (blank pages plus one content stream each)."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    font_ref = writer._add_object(font)
    for n in range(pages):
        page = writer.add_blank_page(612, 792)
        lines = "".join(f"BT /F1 10 Tf 50 {750 - 14 * k} Td (Line {k} of page {n}: notice text) Tj ET\n" for k in range(40))
        stream = DecodedStreamObject()
        stream.set_data(lines.encode())
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject(
            {NameObject("/F1"): font_ref})})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def config_for(max_pages: int):
    return config_module.defaults().with_overrides({
        "http": {"allow_private_addresses": True, "timeout_seconds": 5.0, "per_host_delay_seconds": 0.0},
        "crawl": {"max_pages": max_pages, "check_external_links": False},
    })


def build_sites(count: int, servers: list[LocalServer]) -> list[AccountSpec]:
    accounts = []
    sheet = xlsx(500)
    for i, spec in enumerate(specs(count, seed=3)):
        server = LocalServer(log_requests=False).start()
        servers.append(server)
        site = DistrictSite(spec, today=TODAY)
        home = site.mount(server)
        board = MessageBoard(today=TODAY, pending_from=TODAY - timedelta(days=120), encoding=spec.encoding)
        board_url = board.mount(server, "/hd/")
        notice = LeakNotice(today=TODAY)
        notice.mount(server, "/gs/")
        notice.set_leaking(True)
        notice._xlsx = sheet
        columns = [ColumnSpec(r["column"], r["url"], r["category"]) for r in site.columns_rows(f"s{i}")]
        columns.append(ColumnSpec("公示公告", server.url("/gs/"), "other"))
        accounts.append(AccountSpec(pk=i + 1, account_id=f"s{i}", platform="website", name=spec.name,
                                    owner_unit=spec.name, url=home,
                                    columns=tuple(columns + [ColumnSpec("局长信箱", board_url, "interaction")])))
    return accounts


class _Off:
    """The issue-15 hooks switched off: the scan does nothing, interaction columns are left out."""

    def __enter__(self):
        self.saved = (safety.SafetyScan.__init__, safety.SafetyScan.finish)
        init = self.saved[0]

        def off(scan, site):  # a scan whose matchers "failed": no page is scanned, here or in the reading process
            init(scan, site)
            scan.error = "switched off"

        safety.SafetyScan.__init__ = off
        safety.SafetyScan.finish = lambda self, home, failure: []
        return self

    def __exit__(self, *exc):
        safety.SafetyScan.__init__, safety.SafetyScan.finish = self.saved


class _MemoryCache:
    """The runner's attachment cache, fed from the previous round's observations instead of the database."""

    def __init__(self):
        self.previous: dict[int, dict] = {}

    def get(self, account_pk: int) -> dict:
        from mediawatch.findings import AttachmentCache

        return AttachmentCache.from_data(self.previous.get(account_pk, {}))


def check_all(accounts: list[AccountSpec], config, *, on: bool, cache: _MemoryCache | None = None) -> tuple[float, int]:
    fetcher = Fetcher(config)
    extras: dict = {"attachment_cache": cache} if cache is not None else {}
    ctx = CheckContext(config=config, now=NOW, fetcher=fetcher, extras=extras)
    checker = WebsiteChecker()
    used = accounts if on else [AccountSpec(**{**a.__dict__, "columns": tuple(
        c for c in a.columns if c.category != "interaction")}) for a in accounts]
    requests_before = fetcher.requests_made
    started = time.perf_counter()
    if on:
        for account in used:
            observations = checker.check(account, ctx)
            if cache is not None:
                for o in observations:
                    if o.kind == "privacy" and o.ok:
                        cache.previous[account.pk] = o.data
    else:
        with _Off():
            for account in used:
                checker.check(account, ctx)
    elapsed = time.perf_counter() - started
    run_loop = extras.get("run_loop")  # the crawl's, the link check's and (issue 14) the attachments' requests
    made = fetcher.requests_made - requests_before + (run_loop.client.requests_made if run_loop is not None else 0)
    link_checker = extras.get("link_checker")
    if link_checker is not None:
        link_checker.close()
    return elapsed, made


def part1(sites: int, max_pages: int, rounds: int) -> None:
    servers: list[LocalServer] = []
    try:
        accounts = build_sites(sites, servers)
        config = config_for(max_pages)
        clock.set_now(NOW)
        no_files = config.with_overrides({"privacy": {"scan_attachments": False}})
        results = {True: [], False: [], "pages": [], "first": []}
        requests = {}
        check_all(accounts[:2], config, on=True)  # warm up imports and caches
        for _ in range(rounds):
            cache = _MemoryCache()
            for on in (False, "first", True, "pages"):
                elapsed, made = check_all(accounts, no_files if on == "pages" else config, on=bool(on),
                                          cache=cache if on in ("first", True) else None)
                results[on].append(elapsed)
                requests[on] = made
        off, on = statistics.median(results[False]), statistics.median(results[True])
        pages = statistics.median(results["pages"])
        first = statistics.median(results["first"])
        print(f"\n{sites} sites, crawl sample {max_pages} pages, median of {rounds} rounds "
              f"({platform.machine()}, {platform.python_version()}):\n")
        print("| checks | wall time, all sites | per site and day | requests (all) |")
        print("|---|---|---|---|")
        print(f"| website check without issue 15 | {off:.2f} s | {off / sites * 1000:.0f} ms | {requests[False]} |")
        print(f"| with issue 15 but no attachments read | {pages:.2f} s | {pages / sites * 1000:.0f} ms | "
              f"{requests['pages']} |")
        print(f"| with issue 15, the first day (every attachment downloaded and read) | {first:.2f} s | "
              f"{first / sites * 1000:.0f} ms | {requests['first']} |")
        print(f"| with issue 15, a later day (unchanged attachments: a HEAD each) | {on:.2f} s | "
              f"{on / sites * 1000:.0f} ms | {requests[True]} |")
        print(f"| added on a later day | {on - off:+.2f} s ({(on - off) / off:+.0%}) | {(on - off) / sites * 1000:+.0f} ms | "
              f"{requests[True] - requests[False]:+d} |")
    finally:
        clock.set_now(None)
        for server in servers:
            server.stop()


def part2() -> None:
    from mediawatch.checkers.attachments import Limits, read_attachment
    from mediawatch.checkers.privacy import PrivacyFinder

    config = config_for(10)
    finder = PrivacyFinder.from_config(config)
    files = [("xlsx, 1,000 rows", "a.xlsx", xlsx(1000)), ("xlsx, 10,000 rows", "b.xlsx", xlsx(10000)),
             ("docx, 20 paragraphs and a 500-row table", "c.docx", docx(500)), ("pdf, 50 pages", "d.pdf", pdf(50))]
    print("\n| attachment | size | download | read text | find numbers | hits |")
    print("|---|---|---|---|---|---|")
    with LocalServer(log_requests=False) as server:
        fetcher = Fetcher(config)
        for label, name, body in files:
            server.route(f"/{name}", Reply(body=body, content_type="application/octet-stream"))
            t0 = time.perf_counter()
            result = fetcher.fetch(server.url(f"/{name}"), max_bytes=int(config.privacy.max_attachment_bytes) + 1)
            t1 = time.perf_counter()
            parts, note = read_attachment(result.content, name, Limits.from_config(config))
            t2 = time.perf_counter()
            hits = finder.find_parts(parts, page="p", attachment=name)
            t3 = time.perf_counter()
            print(f"| {label} | {len(body) / 1e6:.2f} MB | {(t1 - t0) * 1000:.0f} ms | {(t2 - t1) * 1000:.0f} ms | "
                  f"{(t3 - t2) * 1000:.0f} ms | {len(hits)}{' (' + note + ')' if note else ''} |")
        server.route("/big.xlsx", Reply(body=b"PK\x03\x04", filler_bytes=30_000_000, content_type=XLSX))
        t0 = time.perf_counter()
        head = fetcher.fetch(server.url("/big.xlsx"), method="HEAD")
        t1 = time.perf_counter()
        print(f"| xlsx over the cap (30 MB, Content-Length) | 30.00 MB | HEAD only, {(t1 - t0) * 1000:.1f} ms | skipped "
              f"| — | — (status {head.status}) |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=20)
    parser.add_argument("--max-pages", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    part1(args.sites, args.max_pages, args.rounds)
    part2()


if __name__ == "__main__":
    main()
