"""The shared link checker against a real local site: the exact set of broken links, no more, no less."""

from __future__ import annotations

import socket
import tomllib
import threading
from pathlib import Path

import pytest

from mediawatch import config as config_mod
from mediawatch.pages.linkextract import Link, extract_links
from mediawatch.checkers.links import LinkChecker
from mediawatch.transport.fetcher import Fetcher
from mediawatch.simulation.server import LocalServer, Reply

DATA = Path(__file__).parent / "data" / "site"


def make_config(**http):
    values = {"allow_private_addresses": True, "timeout_seconds": 1, "retries": 1, "backoff_seconds": 0.01,
              "max_retry_after_seconds": 2.0}
    values.update(http)
    return config_mod.defaults().with_overrides({"http": values, "crawl": {"link_workers": 8}})


def closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


class Counter:
    def __init__(self):
        self.n = 0
        self.lock = threading.Lock()

    def next(self) -> int:
        with self.lock:
            self.n += 1
            return self.n


def serve_link_site(server: LocalServer, other: LocalServer) -> str:
    """The link test page and every route it links to; returns the page URL."""
    page = (DATA / "links.html").read_text(encoding="utf-8").replace("{port}", str(server.port)) \
        .replace("{closed}", str(closed_port())).replace("{other}", other.base)
    server.route("/links.html", Reply(body=page))
    for path in ("/static/ok.css", "/favicon.ico", "/static/ok.js", "/refresh-target", "/sub/ok.html", "/sub/",
                 "/area-ok", "/img/map.png", "/img/ok.png", "/img/ok-2x.png", "/img/ok.webp", "/frame-ok.html",
                 "/media/ok.swf", "/media/ok.mp4", "/media/ok.webm"):
        server.route(path, Reply(body=b"ok"))
    server.route("/files/report.pdf", Reply(body=b"%PDF-1.4 report", content_type="application/pdf"))
    server.route("/static/gone.js", Reply(status=410, body=b"gone"))
    server.route("/redirect-ok", Reply(status=301, headers={"Location": "/sub/ok.html"}))
    server.route("/redirect-missing", Reply(status=302, headers={"Location": "/moved/away"}))
    server.route("/loop-a", Reply(status=302, headers={"Location": "/loop-b"}))
    server.route("/loop-b", Reply(status=302, headers={"Location": "/loop-a"}))
    server.route("/slow", Reply(body=b"late", delay=2.5))
    server.route("/reset", Reply(fault="reset"))
    busy = Counter()
    server.route("/busy", lambda r: Reply(status=429, headers={"Retry-After": "0"}) if busy.next() == 1
                 else Reply(body=b"ok now"))
    server.route("/throttled", Reply(status=429, headers={"Retry-After": "3600"}))
    server.route("/maintenance", Reply(status=503, headers={"Retry-After": "3600"}))
    server.route("/error", Reply(status=500, body=b"error"))
    server.route("/no-head", lambda r: Reply(status=405) if r.method == "HEAD" else Reply(body=b"ok"))
    server.route("/no-head-403", lambda r: Reply(status=403) if r.method == "HEAD" else Reply(body=b"ok"))
    server.route("/head-501", lambda r: Reply(status=501) if r.method == "HEAD" else Reply(body=b"ok"))
    server.route("/head-404", lambda r: Reply(status=404) if r.method == "HEAD" else Reply(body=b"ok"))
    server.route("/files/big.zip", lambda r: Reply(status=405) if r.method == "HEAD" else Reply(
        body=b"PK\x03\x04", filler_bytes=200_000_000, content_type="application/zip"))
    other.route("/ok", Reply(body=b"ok"))
    return server.url("/links.html")


EXPECTED_BROKEN = {
    "/static/missing.css": (404, "http"),
    "/icon-missing.png": (404, "http"),
    "/static/gone.js": (410, "http"),
    "/sub/missing.html": (404, "http"),
    "/redirect-missing": (404, "http"),
    "/loop-a": (None, "redirect_loop"),
    "/slow": (None, "timeout"),
    "/reset": (None, "reset"),
    "/error": (500, "http"),
    "/area-missing": (404, "http"),
    "/img/missing-3x.png": (404, "http"),
    "/frame-missing.html": (404, "http"),
    "/media/missing.swf": (404, "http"),
    "/img/poster-missing.jpg": (404, "http"),
    "/media/missing.mp3": (404, "http"),
}


@pytest.fixture
def other():
    with LocalServer() as srv:
        yield srv


def test_extract_links_covers_every_link_attribute(server, other):
    url = serve_link_site(server, other)
    links = extract_links(server.routes["/links.html"].body, url)
    paths = {(link.tag, link.url.replace(server.base, "")) for link in links}
    for expected in [("link", "/static/ok.css"), ("link", "/favicon.ico"), ("link", "/icon-missing.png"),
                     ("script", "/static/gone.js"), ("meta", "/refresh-target"), ("a", "/sub/ok.html"),
                     ("a", "/sub/missing.html"), ("area", "/area-missing"), ("img", "/img/missing-3x.png"),
                     ("img", "/img/ok-2x.png"), ("source", "/img/ok.webp"), ("iframe", "/frame-missing.html"),
                     ("embed", "/media/missing.swf"), ("object", "/media/ok.swf"), ("video", "/media/ok.mp4"),
                     ("video", "/img/poster-missing.jpg"), ("source", "/media/ok.webm"),
                     ("audio", "/media/missing.mp3"), ("img", "/img/ok.png")]:
        assert expected in paths, expected
    urls = {link.url for link in links}
    assert not any(u.startswith(("mailto", "tel", "javascript", "data")) for u in urls)
    assert not any("not-checked" in u or "commented-out" in u or "in-script" in u for u in urls)
    assert not any("#" in u for u in urls)
    assert url not in urls  # the empty href and "#top" are the page itself: skipped
    # <base href="/sub/"> applies to relative links; a backslash path reads as a browser reads it
    # (the same URL three times on the page is one link: duplicates within a page are checked once)
    assert sum(1 for link in links if link.url == f"{server.base}/sub/ok.html") == 1
    texts = {link.url.replace(server.base, ""): link.text for link in links if link.tag == "a"}
    assert texts["/sub/missing.html"] == "失效链接"


def test_frames_and_base_without_path():
    html = ('<html><head><base href="http://example.invalid/root/"></head><frameset>'
            '<frame src="left.html"><frame src="/top.html"></frameset></html>')
    assert [(l.tag, l.url) for l in extract_links(html, "http://site.invalid/a/b.html")] == [
        ("frame", "http://example.invalid/root/left.html"), ("frame", "http://example.invalid/top.html")]


def test_exact_broken_set_with_every_fault(server, other):
    url = serve_link_site(server, other)
    closed = next(l.url for l in extract_links(server.routes["/links.html"].body, url) if "已关闭" in l.text)
    config = make_config()
    with LinkChecker(Fetcher(config), config) as checker:
        report = checker.check(extract_links(server.routes["/links.html"].body, url), homepage=url)
    found = {b["url"]: (b["status"], b["error_kind"]) for b in report.broken}
    expected = {server.base + path: verdict for path, verdict in EXPECTED_BROKEN.items()}
    expected[other.base + "/missing"] = (404, "http")
    expected[closed] = (None, "refused")
    expected[f"https://127.0.0.1:{server.port}/tls"] = (None, "tls")
    assert found == expected
    assert {t["url"].replace(server.base, ""): (t["status"], t["error_kind"]) for t in report.throttled} == {
        "/throttled": (429, "throttled"), "/maintenance": (503, "throttled")}
    assert report.skipped == []
    assert all(b["on_homepage"] and b["page"] == url for b in report.broken)
    entry = next(b for b in report.broken if b["url"].endswith("/sub/missing.html"))
    assert (entry["text"], entry["tag"]) == ("失效链接", "a")


def test_head_refused_or_unreliable_falls_back_to_get_and_attachments_are_not_downloaded(server, other):
    url = serve_link_site(server, other)
    config = make_config()
    with LinkChecker(Fetcher(config), config) as checker:
        links = [Link(server.url(p), page=url) for p in ("/no-head", "/no-head-403", "/head-501", "/head-404",
                                                         "/files/big.zip", "/files/report.pdf")]
        report = checker.check(links)
    assert report.broken == [] and report.throttled == []
    methods = [(r.method, r.path) for r in server.requests]
    for path in ("/no-head", "/no-head-403", "/head-501", "/head-404", "/files/big.zip"):
        assert methods.count(("HEAD", path)) == 1 and methods.count(("GET", path)) == 1, path
    assert methods.count(("HEAD", "/files/report.pdf")) == 1 and ("GET", "/files/report.pdf") not in methods
    big = next(r for r in server.requests if r.method == "GET" and r.path == "/files/big.zip")
    for _ in range(50):  # the server notices the closed connection within moments
        before = big.sent_bytes
        threading.Event().wait(0.02)
        if big.sent_bytes == before:
            break
    assert big.sent_bytes < 30_000_000  # of 200 MB: the body was never read


def test_each_unique_url_is_fetched_once_per_checker(server):
    server.route("/a", Reply(body=b"ok"))
    server.route("/x", Reply(status=404))
    config = make_config()
    links = [Link(server.url("/a"), page=f"p{i}") for i in range(5)] + \
            [Link(server.url("/x") + f"#frag{i}", page=f"p{i}") for i in range(5)]
    with LinkChecker(Fetcher(config), config) as checker:
        first = checker.check(links)
        second = checker.check(links[:1] + links[5:6])
    assert server.count("/a") == 1 and server.count("/x") == 2  # HEAD 404, then the GET that confirms it
    assert len(first.broken) == 1 and first.broken[0]["occurrences"] == 5 and first.links_checked == 10
    assert first.urls_checked == 2 and len(second.broken) == 1


def test_links_in_posts_are_reported_per_post(server):
    server.route("/gone", Reply(status=404))
    config = make_config()
    links = [Link(server.url("/gone"), page="https://weibo.example/p/1", post_id="1", post_url="https://weibo.example/p/1"),
             Link(server.url("/gone"), page="https://weibo.example/p/2", post_id="2", post_url="https://weibo.example/p/2")]
    with LinkChecker(Fetcher(config), config) as checker:
        report = checker.check(links)
    assert [(b["post_id"], b["post_url"], b["on_homepage"]) for b in report.broken] == [
        ("1", "https://weibo.example/p/1", False), ("2", "https://weibo.example/p/2", False)]


def test_private_addresses_are_skipped_not_broken_when_forbidden(server):
    config = make_config(allow_private_addresses=False)
    with LinkChecker(Fetcher(config), config) as checker:
        report = checker.check([Link(server.url("/anything"), page="https://site.example/")])
    assert report.broken == [] and [s["error_kind"] for s in report.skipped] == ["private_address"]
    assert server.requests == []


def test_per_host_concurrency_is_respected(server):
    active, peak, lock = [0], [0], threading.Lock()

    def slow(request):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        threading.Event().wait(0.05)
        with lock:
            active[0] -= 1
        return Reply(body=b"ok")

    server.route("/p/*", slow)
    config = make_config(per_host_concurrency=3)
    with LinkChecker(Fetcher(config), config) as checker:
        report = checker.check([Link(server.url(f"/p/{i}"), page="x") for i in range(24)])
    assert report.broken == [] and peak[0] == 3


def test_a_retrying_link_holds_no_worker(server):
    server.route("/fail", Reply(status=502))
    server.route("/ok/*", Reply(body=b"ok"))
    config = config_mod.defaults().with_overrides({
        "http": {"allow_private_addresses": True, "retries": 2, "backoff_seconds": 0.3, "per_host_concurrency": 1},
        "crawl": {"link_workers": 1}})
    links = [Link(server.url("/fail"), page="p")] + [Link(server.url(f"/ok/{i}"), page="p") for i in range(10)]
    with LinkChecker(Fetcher(config), config) as checker:
        report = checker.check(links)
    assert [(b["url"], b["status"]) for b in report.broken] == [(server.url("/fail"), 502)]
    paths = [r.path for r in server.requests]
    # HEAD, two retries after 0.3 s and 0.6 s, then the confirming GET; the other links went meanwhile
    assert paths.count("/fail") == 4 and paths[-1] == "/fail" and paths.index("/ok/9") < paths.index("/fail", 1)


def test_url_caches_keep_nothing_long_and_answer_as_before():
    from mediawatch.pages.urls import _join, normalize_url, resolve
    from mediawatch.transport.urlcache import URL_CACHE_MAX_CHARS

    long_path = "http://www.xxq.example.gov.cn/" + "a" * URL_CACHE_MAX_CHARS
    before = (_join.cache_info().currsize, normalize_url.cache_info().currsize)
    assert resolve("data:image/png;base64," + "A" * 100_000, "http://www.xxq.example.gov.cn/") is None
    assert resolve(long_path, "http://www.xxq.example.gov.cn/") == long_path
    assert (_join.cache_info().currsize, normalize_url.cache_info().currsize) == before
    assert resolve("../b.html#top", "http://WWW.Xxq.example.gov.cn:80/col/a.html") == "http://www.xxq.example.gov.cn/b.html"
    assert resolve("../b.html#top", "http://WWW.Xxq.example.gov.cn:80/col/a.html") == "http://www.xxq.example.gov.cn/b.html"


LINK_CASES = tomllib.loads((Path(__file__).parent / "data" / "links" / "cases.toml").read_text(encoding="utf-8"))["case"]
PAGE = "http://site.test/dir/page.html"


def _absolute(path: str) -> str:
    return path if "://" in path or ":" in path.split("/", 1)[0] else "http://site.test" + path


@pytest.mark.parametrize("case", LINK_CASES, ids=[c["name"] for c in LINK_CASES])
def test_link_tags_and_attributes(case):
    links = extract_links(f"<html><body>{case['html']}</body></html>" if "<html" not in case["html"] else case["html"], PAGE)
    got = {(link.tag, link.url) for link in links}
    for item in case["found"]:
        tag, path = item.split(" ", 1)
        assert (tag, _absolute(path)) in got, (item, got)
    urls = {link.url for link in links}
    for path in case.get("absent", []):
        assert _absolute(path) not in urls and path not in urls, (path, urls)
    if "count" in case:
        assert len(links) == case["count"], links


def test_link_text_is_computed_only_when_read():
    calls = []
    link = Link("http://site.test/x", page=PAGE, tag="a", source=lambda: calls.append(1) or "链接文字")
    assert calls == []
    assert link.text == "链接文字" and link.text == "链接文字" and calls == [1]
    anchor = next(l for l in extract_links('<a href="/x"><img src="/i.png" alt="图片说明"></a>', PAGE) if l.tag == "a")
    assert anchor._text is None and anchor.text == "图片说明"
