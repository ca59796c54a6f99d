"""The link report gathered page by page (checkers/tally.py): letting go of healthy URLs' lines changes nothing
of the report.

The pages are the real-artifact corpus's largest government home pages (tests/data/real/website, sources in
tests/data/real/manifest.toml) read as one crawl, with verdicts that arrive late: a URL's verdict is known
only two pages after it first appeared, as the link check on the run's loop lags the crawl.
"""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest

from mediawatch.checkers import tally as tally_module
from mediawatch.checkers.links import LinkOutcome
from mediawatch.checkers.tally import LinkTally
from mediawatch.pages.encoding import decode_page
from mediawatch.pages.linkextract import extract_links
from mediawatch.pages.urls import normalize_url

REAL = Path(__file__).parent / "data" / "real" / "website"
PAGES = ["yichun-home-2023.html", "hdzfxxgk-home.html", "zjzwfw-gov-cn-hanweb-home-2018.html",
         "zhuhai-gov-cn-trs-home-no-dates-2018.html", "scs-gov-cn-trs-home-2018.html"]
HOME = "https://www.example.gov.cn/"


def _verdict(key: str) -> LinkOutcome:
    """A fixed verdict per URL: one in five broken, one in eleven throttled, one in thirteen ``internal``."""
    n = zlib.crc32(key.encode())
    if n % 5 == 0:
        return LinkOutcome(url=key, status=404, error_kind="http", error="HTTP 404")
    if n % 11 == 0:
        return LinkOutcome(url=key, status=429, error_kind="throttled", error="HTTP 429")
    if n % 13 == 0:
        return LinkOutcome(url=key, error_kind="internal", error="not fetched: the crawl ended first")
    return LinkOutcome(url=key, status=200)


def _crawl() -> list[list]:
    """The corpus pages as the pages of one site (each page's links resolved against its own address; the
    first page is the home page, so on_homepage is exercised), each read twice (links seen again later)."""
    pages = []
    for index, name in enumerate(PAGES + PAGES):
        page = HOME if index == 0 else f"{HOME}page/{index}.html"
        pages.append(extract_links(decode_page((REAL / name).read_bytes(), None).text, page))
    return pages


def _report(pages, *, settled_lag: int | None):
    known: set[str] = set()

    def settled(key: str):
        return _verdict(key) if key in known else None

    tally = LinkTally(homepage=HOME, settled=settled if settled_lag is not None else None)
    history: list[list] = []
    for links in pages:
        tally.add_page_links(links)
        history.append(links)
        if settled_lag is not None and len(history) > settled_lag:
            known.update(normalize_url(link.url) for link in history[-1 - settled_lag])
    return tally, tally.report(_verdict), known


def _lines(report):
    return (report.links_checked, report.urls_checked, report.broken, report.throttled, report.skipped)


@pytest.mark.parametrize("prune_every", [1, 64, 4096])
def test_letting_go_of_healthy_lines_changes_nothing_of_the_report(monkeypatch, prune_every):
    monkeypatch.setattr(tally_module, "PRUNE_EVERY", prune_every)
    pages = _crawl()
    assert sum(len(links) for links in pages) > 1000  # real pages with many links
    plain, plain_report, _ = _report(_crawl(), settled_lag=None)
    pruned, pruned_report, known = _report(pages, settled_lag=2)
    assert _lines(pruned_report) == _lines(plain_report)
    # the report has broken and throttled lines, some on the home page, and repeated occurrences
    assert plain_report.broken and plain_report.throttled
    assert any(item["on_homepage"] for item in plain_report.broken)
    assert any(item["occurrences"] > 1 for item in plain_report.broken)
    # the healthy URLs' lines were let go of: what is kept is the lines that may still be reported
    healthy = {key for key in known if _verdict(key).error_kind in (None, "internal")}
    assert healthy
    kept = {key for key, _post in pruned._entries}
    if prune_every < 4096:  # pruning ran
        assert not kept & healthy
        assert len(pruned._entries) < len(plain._entries) / 2
    # a URL whose verdict was already known when a later page linked it again took no line
    seen_after_known = [link for links in pages[3:] for link in links if normalize_url(link.url) in healthy]
    assert seen_after_known


def test_without_a_settled_source_every_line_is_kept():
    tally, report, _ = _report(_crawl(), settled_lag=None)
    assert report.urls_checked == len({key for key, _post in tally._entries})
    assert not tally._healthy
