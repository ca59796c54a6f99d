"""A large crawl reads its pages in the run's page-reading process (checkers/page_process.py): the same
findings as reading them in the checking thread, on a local site over real HTTP whose inner pages are
real government pages from the corpus (tests/data/real/website, sources in its manifest) beside pages
with a severe typo, personal data, a hidden off-site link, broken links, a GBK page and a page that does
not decode. A killed reader process, and one that cannot start, leave the crawl's findings unchanged."""

from __future__ import annotations

import json
import logging
import os
import signal
from pathlib import Path

import pytest

from mediawatch.checkers.base import CheckContext, close_shared
from mediawatch.checkers.page_process import PageProcess
from mediawatch.checkers.website import WebsiteChecker
from mediawatch.simulation.server import LocalServer, Reply
from mediawatch.transport.fetcher import Fetcher
from tests.test_website_checker import NOW, account, make_config

REAL = sorted((Path(__file__).parent / "data" / "real" / "website").glob("*.html"))
ID_A = "11010519491231002X"  # GB 11643-1999's worked example


class Logged(logging.Handler):
    """Warnings of mediawatch.checkers, caught at the logger (whatever an earlier test did to propagation)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(record.getMessage())

    def __enter__(self):
        self.logger = logging.getLogger("mediawatch.checkers")
        self.level = self.logger.level
        self.logger.addHandler(self)
        self.logger.setLevel(logging.WARNING)
        return self

    def __exit__(self, *exc):
        self.logger.removeHandler(self)
        self.logger.setLevel(self.level)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def page(body: str, title: str = "XX区人民政府") -> str:
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head><body>{body}</body></html>"


@pytest.fixture(scope="module")
def site():
    with LocalServer() as server, LocalServer() as other:
        other.route("/", Reply(body=page("友好网站")))
        inner = []
        for n, path in enumerate(REAL):
            server.route(f"/real/{n}.html", Reply(body=path.read_bytes(), content_type="text/html"))
            inner.append(f'<li><a href="/real/{n}.html">真实页面{n}</a></li>')
        for n in range(40):  # enough inner pages for the reading process, each linking on
            server.route(f"/art/{n}.html", Reply(body=page(
                f'<h1>第{n}篇</h1><p>正文{n}</p><a href="/art/{(n + 1) % 40}.html">下一篇</a>'
                f'<a href="/gone/{n % 3}.html">失效{n % 3}</a><img src="/img/{n % 5}.png" alt="图{n}">'
                f'<a href="{other.url("/")}">友好网站</a>')))
            inner.append(f'<li><a href="/art/{n}.html">文章{n}</a></li>')
        for n in range(5):
            server.route(f"/img/{n}.png", Reply(body=b"\x89PNG\r\n\x1a\n" + bytes(100), content_type="image/png"))
        server.route("/typo.html", Reply(body=page("<p>深入学习贯彻中华人民共合国宪法。</p>")))
        server.route("/gs.html", Reply(body=page(f"<p>张三 身份证号：{ID_A}</p>")))
        server.route("/hidden.html", Reply(body=page(
            '<p>通知</p><div style="display:none"><a href="http://127.0.0.2:9/bocai-casino/">澳门博彩娱乐</a></div>')))
        server.route("/gbk.html", Reply(body=page("<p>区政府召开常务会议，中华人民共合国。</p>").replace(
            "charset='utf-8'", "charset='gbk'").encode("gbk"), content_type="text/html; charset=gbk"))
        server.route("/bad.html", Reply(body=b"<html><body>" + b"\xff\xfe\xfa" * 200 + b"</body></html>",
                                        content_type="text/html; charset=utf-8"))
        extra = "".join(f'<li><a href="/{name}.html">{name}</a></li>' for name in ("typo", "gs", "hidden", "gbk", "bad"))
        server.route("/", Reply(body=page(f'<ul>{"".join(inner)}{extra}</ul><a href="/gone/home.html">失效</a>')))
        yield server


def run(server, threshold: int, *, before=None):
    # the real pages link to real sites: links to other hosts are not checked (tests never reach the internet)
    config = make_config(max_pages=500, reading_process=threshold >= 0, check_external_links=False,
                         reading_process_pages=max(threshold, 0)).with_overrides(
        {"privacy": {"scan_attachments": False}})
    ctx = CheckContext(config=config, now=NOW, fetcher=Fetcher(config))
    try:
        if before is not None:
            before(ctx)
        observations = {o.kind: o for o in WebsiteChecker().check(account(server.url("/")), ctx)
                        if o.kind in ("links", "typos", "privacy", "hidden_links", "tamper")}
        process = ctx.extras.get("page_process")
        return observations, process
    finally:
        close_shared(ctx.extras)


def facts(observations) -> dict:
    links, typos = observations["links"].data, observations["typos"].data
    privacy, hidden = observations["privacy"].data, observations["hidden_links"].data
    return {
        "broken": sorted((b["url"], b["page"], b["text"], b["tag"], b["occurrences"], b["on_homepage"])
                         for b in links["broken"]),
        "counts": (links["pages_crawled"], links["links_checked"], links["urls_checked"]),
        "typos": sorted((h["page"], h["wrong"], h["context"]) for h in typos["hits"]),
        "privacy": sorted((h["page"], h["kind"], h["masked"], h["context"]) for h in privacy["hits"]),
        "privacy_pages": privacy["texts_scanned"],
        "hidden": sorted((h["page"], h["url"], h["why"], h["trick"], h["text"]) for h in hidden["hits"]),
        "review": sorted((r["host"], r["page"], r["url"]) for r in hidden["review"]),
        "tamper": observations["tamper"].data,
    }


def test_the_reading_process_finds_what_the_thread_finds(site):
    here, none = run(site, -1)
    there, process = run(site, 0)
    assert none is None and isinstance(process, PageProcess) and process.broken is None
    assert process._child.returncode == 0  # ended with the run
    expected = facts(here)
    # not an empty comparison: what the site holds is found
    assert {(url.rsplit("/", 1)[-1], text) for url, _, text, *_ in expected["broken"]} >= {
        ("0.html", "失效0"), ("1.html", "失效1"), ("2.html", "失效2"), ("home.html", "失效")}
    assert {(p.rsplit("/", 1)[-1], w) for p, w, _ in expected["typos"]} == {
        ("typo.html", "中华人民共合国"), ("gbk.html", "中华人民共合国")}
    assert [(p.rsplit("/", 1)[-1], kind) for p, kind, *_ in expected["privacy"]] == [("gs.html", "id_card")]
    assert [(p.rsplit("/", 1)[-1], url) for p, url, *_ in expected["hidden"]] == [
        ("hidden.html", "http://127.0.0.2:9/bocai-casino/")]
    assert expected["counts"][0] == 1 + len(REAL) + 40 + 4  # home, real, articles, four good pages (bad.html not read)
    assert facts(there) == expected


def test_a_killed_reading_process_leaves_the_findings_unchanged(site):
    expected = facts(run(site, -1)[0])

    def kill_it(ctx):
        process = PageProcess.for_run(ctx)
        os.kill(process._child.pid, signal.SIGKILL)
        process._child.wait(10)

    observations, process = run(site, 0, before=kill_it)
    assert process.broken is not None
    assert facts(observations) == expected


def test_a_reading_process_that_cannot_start_leaves_the_findings_unchanged(site, monkeypatch):
    expected = facts(run(site, -1)[0])
    monkeypatch.setattr("mediawatch.checkers.page_process.sys.executable", "/nonexistent/python")
    with Logged() as logged:
        observations, process = run(site, 0)
    assert "page-reading process unavailable" in logged.text
    assert facts(observations) == expected


def test_a_reading_process_killed_mid_crawl_leaves_the_findings_unchanged(site):
    expected = facts(run(site, -1)[0])

    def kill_on_the_tenth_page(ctx):
        process = PageProcess.for_run(ctx)
        read, sent = process.read, []

        def read_then_die(*args):
            sent.append(args[1])
            if len(sent) == 10:  # nine pages answered (or on their way), then the process dies
                os.kill(process._child.pid, signal.SIGKILL)
                process._child.wait(10)
            return read(*args)

        process.read = read_then_die

    with Logged() as logged:
        observations, process = run(site, 0, before=kill_on_the_tenth_page)
    assert process.broken is not None
    assert "reading in the checking thread" in logged.text
    assert facts(observations) == expected


def _children() -> set[int]:
    """This process's live children running the page reader (from /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == os.getpid() and b"mediawatch.checkers.page_process" in cmdline:
            found.add(int(entry.name))
    return found


def test_mediawatch_check_on_a_large_site_warns_as_in_the_thread_and_leaves_no_process(site, cli, home, tmp_path):
    """`mediawatch check` end to end: the large site's pages read in the reading process give the warnings a
    check reading them in its thread gives, and the process has ended when the command returns."""
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("account_id,platform,name,owner_unit,url,contact_email\n"
                        f"site-big,website,XX区人民政府,区政府办,{site.url('/')},zfb@example.gov.cn\n", encoding="utf-8")
    cli("accounts", "import", str(accounts))
    config = home / "mediawatch.toml"
    base = config.read_text(encoding="utf-8") + ("[crawl]\nmax_pages = 500\ncheck_external_links = false\n"
                                                 "reading_process_pages = 0\n[privacy]\nscan_attachments = false\n")
    for mode, now in (("true", "2026-11-23T09:00:00+08:00"), ("false", "2026-11-24T09:00:00+08:00")):
        config.write_text(base.replace("[crawl]\n", f"[crawl]\nreading_process = {mode}\n"), encoding="utf-8")
        before = _children()
        cli("check", now=now)
        assert _children() - before == set()  # ended with the run
    listed = json.loads(cli("warnings", "--status", "all", "--format", "json", now="2026-11-24T10:00:00+08:00").stdout)
    assert {"broken_links", "severe_typo", "privacy_leak", "hidden_links"} <= {w["rule"] for w in listed}
    # what each run stored, the first reading in the process, the second in the thread: the same
    from sqlalchemy import create_engine, text

    engine = create_engine(cli.db_url)
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT run_id, kind, data FROM observations WHERE kind IN ('links', 'typos', 'privacy', 'hidden_links') "
            "ORDER BY run_id, kind")).all()
    engine.dispose()
    runs = sorted({run for run, _, _ in rows})
    assert len(runs) == 2
    stored = {run: {kind: json.loads(data) if isinstance(data, str) else data for r, kind, data in rows if r == run}
              for run in runs}
    assert stored[runs[0]]["links"]["broken"] and stored[runs[0]]["typos"]["hits"]
    assert stored[runs[0]] == stored[runs[1]]
