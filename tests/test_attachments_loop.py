"""Attachments are fetched on the run's event loop (checkers/attachment_fetch.py): a file the link check
judged is planned from that verdict, any other gets its HEAD (all at once); the downloads held at once
weigh at most ``privacy.attachment_downloads`` x ``max_attachment_bytes``; results in link order, the
same findings and notes as before. The server counts the requests it is answering at the same time."""

from __future__ import annotations

import threading
import time
from datetime import datetime

import pytest

from mediawatch import clock
from mediawatch import config as config_mod
from mediawatch.checkers.base import AccountSpec, CheckContext
from mediawatch.checkers.website import WebsiteChecker
from mediawatch.simulation.server import LocalServer, Reply
from mediawatch.transport.fetcher import Fetcher

from test_safety_site import ID_B, XLSX, page, xlsx_second_sheet

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=clock.SHANGHAI)
FILES = [f"f{i}.xlsx" for i in range(6)]


class Counting:
    """A handler that answers after ``seconds``, counting the requests of each method it answers at once."""

    def __init__(self, seconds: float, replies: dict[str, Reply]):
        self.seconds, self.replies = seconds, replies
        self.lock = threading.Lock()
        self.now = {"HEAD": 0, "GET": 0}
        self.most = {"HEAD": 0, "GET": 0}
        self.gets: list[str] = []

    def __call__(self, request):
        with self.lock:
            self.now[request.method] += 1
            self.most[request.method] = max(self.most[request.method], self.now[request.method])
            if request.method == "GET":
                self.gets.append(request.path)
        time.sleep(self.seconds)
        with self.lock:
            self.now[request.method] -= 1
        return self.replies[request.path.rsplit("/", 1)[-1]]


def check(server, downloads: int, replies: dict[str, Reply], seconds: float = 0.3):
    """The site on ``server``, its attachments on a second server: another host, whose links are not
    link-checked (``check_external_links = false``), so every request there is the privacy scan's."""
    files = LocalServer().start()
    try:
        links = "".join(f'<p><a href="{files.url("/files/" + name)}">附件{name}</a></p>' for name in FILES)
        server.route("/", Reply(body=page(links)))
        handler = Counting(seconds, replies)
        for name in FILES:
            files.route(f"/files/{name}", handler)
        config = config_mod.defaults().with_overrides({
            "http": {"allow_private_addresses": True, "per_host_concurrency": 8, "retries": 0},
            "crawl": {"check_external_links": False, "max_pages": 0},
            "privacy": {"attachment_downloads": downloads, "isolate_reading": False}})
        ctx = CheckContext(config=config, now=NOW, fetcher=Fetcher(config))
        account = AccountSpec(pk=1, account_id="s", platform="website", name="XX", owner_unit="区XX局",
                              url=server.url("/"))
        observations = {o.kind: o for o in WebsiteChecker().check(account, ctx)}
        ctx.extras["link_checker"].close()
    finally:
        files.stop()
    return observations["privacy"], handler


def test_heads_go_at_once_and_downloads_stay_within_the_window(server):
    sheet = xlsx_second_sheet()
    replies = {name: Reply(body=sheet, content_type=XLSX) for name in FILES}
    replies["f2.xlsx"] = Reply(status=404, body=page("404"))
    replies["f4.xlsx"] = Reply(body=b"PK\x03\x04", filler_bytes=30_000_000, content_type=XLSX)  # announced too large
    privacy, handler = check(server, 2, replies)
    assert privacy.ok
    assert handler.most["HEAD"] >= 4  # six HEADs, not one after another (each takes 0.3 s to answer)
    # four small files (a few KB each) weigh far less than 2 x max_attachment_bytes: all four download at once
    assert handler.most["GET"] == 4
    assert sorted(handler.gets) == sorted(f"/files/{n}" for n in ("f0.xlsx", "f1.xlsx", "f3.xlsx", "f5.xlsx"))
    data = privacy.data
    assert data["attachments_read"] == 4
    # in link order, whatever order the downloads finished in
    assert [h["attachment"].rsplit("/", 1)[-1] for h in data["hits"] if h["kind"] == "id_card"] == [
        "f0.xlsx", "f1.xlsx", "f3.xlsx", "f5.xlsx"]
    assert all(ID_B not in str(h) for h in data["hits"])  # masked
    notes = [(s["url"].rsplit("/", 1)[-1], s["note"]) for s in data["attachments_skipped"]]
    assert notes == [("f2.xlsx", "无法下载（HTTP 404）"), ("f4.xlsx", "文件30.0MB，超过10MB上限，未检查")]


def large(megabytes: float) -> Reply:
    """An xlsx-typed file of the given size (not a real workbook: read, it gives a note, not a hit)."""
    return Reply(body=b"PK\x03\x04", filler_bytes=int(megabytes * 1_000_000), content_type=XLSX)


@pytest.mark.parametrize("megabytes, downloads, most", [(9, 2, 2), (6, 2, 3), (6, 1, 1), (0.004, 1, 6)])
def test_downloads_held_at_once_weigh_at_most_the_window_times_the_cap(server, megabytes, downloads, most):
    """privacy.attachment_downloads x max_attachment_bytes (10 MB) is what may be held at once, each file
    counted at the length its HEAD announced: two 9 MB files, three 6 MB ones, one 6 MB one with a
    window of 1, and six small ones at once even then."""
    privacy, handler = check(server, downloads, {name: large(megabytes) for name in FILES}, seconds=0.2)
    assert handler.most["GET"] == most and len(handler.gets) == 6
    assert privacy.ok and len(privacy.data["attachments"]) == 6


def test_a_file_the_link_check_judged_is_not_asked_for_again(server):
    """Attachments on the site's own host are link-checked by the crawl; the privacy scan plans their
    downloads from that verdict (status, length, validators): one HEAD and one GET per file, not two HEADs."""
    sheet = xlsx_second_sheet()
    names = ["a.xlsx", "b.xlsx", "gone.xlsx"]
    for name in names[:2]:
        server.route(f"/files/{name}", Reply(body=sheet, content_type=XLSX, headers={"ETag": f'"{name}-1"'}))
    server.route("/files/gone.xlsx", Reply(status=404, body=page("404")))
    server.route("/", Reply(body=page("".join(f'<p><a href="/files/{n}">附件{n}</a></p>' for n in names))))
    config = config_mod.defaults().with_overrides({
        "http": {"allow_private_addresses": True, "retries": 0},
        "privacy": {"isolate_reading": False}})
    ctx = CheckContext(config=config, now=NOW, fetcher=Fetcher(config))
    account = AccountSpec(pk=1, account_id="s", platform="website", name="XX", owner_unit="区XX局", url=server.url("/"))
    observations = {o.kind: o for o in WebsiteChecker().check(account, ctx)}
    ctx.extras["link_checker"].close()
    asked = [(r.method, r.path) for r in server.requests if r.path.startswith("/files/")]
    assert sorted(asked) == sorted([("HEAD", "/files/a.xlsx"), ("GET", "/files/a.xlsx"), ("HEAD", "/files/b.xlsx"),
                                    ("GET", "/files/b.xlsx"), ("HEAD", "/files/gone.xlsx"),
                                    ("GET", "/files/gone.xlsx")])  # the link check confirms a 404 with one GET
    privacy = observations["privacy"].data
    assert privacy["attachments_read"] == 2
    assert [(s["url"].rsplit("/", 1)[-1], s["note"]) for s in privacy["attachments_skipped"]] == [
        ("gone.xlsx", "无法下载（HTTP 404）")]
    assert sorted(a["validator"].split("|", 1)[1] for a in privacy["attachments"]) == [
        '"a.xlsx-1"|', '"b.xlsx-1"|']  # the validators came from the link check's HEAD
    links = observations["links"].data
    assert [b["url"].rsplit("/", 1)[-1] for b in links["broken"]] == ["gone.xlsx"]
