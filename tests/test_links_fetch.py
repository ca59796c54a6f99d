"""The fetcher's guarantees the link checker relies on, against real sockets on 127.0.0.1."""

from __future__ import annotations

import requests

from mediawatch import config as config_mod
from mediawatch.pages.page import decoded, text_of
from mediawatch.transport.fetcher import Fetcher, classify, is_public_address
from mediawatch.simulation.server import Reply


def fetcher(**http) -> Fetcher:
    values = {"allow_private_addresses": True, "timeout_seconds": 1, "retries": 1, "backoff_seconds": 0.01,
              "max_retry_after_seconds": 2.0}
    values.update(http)
    return Fetcher(config_mod.defaults().with_overrides({"http": values}))


def test_redirect_loop_and_too_many_redirects(server):
    server.route("/a", Reply(status=301, headers={"Location": "/b"}))
    server.route("/b", Reply(status=302, headers={"Location": "/a"}))
    for i in range(20):
        server.route(f"/chain/{i}", Reply(status=302, headers={"Location": f"/chain/{i + 1}"}))
    loop = fetcher().fetch(server.url("/a"))
    assert loop.error_kind == "redirect_loop" and loop.redirects == [server.url("/b"), server.url("/a")]
    chain = fetcher(max_redirects=5).fetch(server.url("/chain/0"))
    assert chain.error_kind == "too_many_redirects" and len(chain.redirects) == 6


def test_cookie_setting_redirect_to_itself_is_not_a_loop(server):
    def gate(request):
        if "visited=1" in request.headers.get("Cookie", ""):
            return Reply(body="<html>欢迎</html>")
        return Reply(status=302, headers={"Location": "/gate", "Set-Cookie": "visited=1; Path=/"})

    server.route("/gate", gate)
    result = fetcher().fetch(server.url("/gate"))
    assert result.ok and text_of(result) == "<html>欢迎</html>" and result.redirects == [server.url("/gate")]


def test_retry_after_is_honoured_then_reported_as_throttled(server):
    calls = []

    def busy(request):
        calls.append(request.method)
        return Reply(status=429, headers={"Retry-After": "1"}) if len(calls) == 1 else Reply(body=b"ok")

    server.route("/busy", busy)
    server.route("/later", Reply(status=503, headers={"Retry-After": "3600"}))
    result = fetcher().fetch(server.url("/busy"))
    assert result.ok and result.attempts == 2 and result.elapsed >= 0.9
    later = fetcher().fetch(server.url("/later"))
    assert later.status == 503 and later.throttled and later.retry_after == 3600 and later.elapsed < 1
    assert server.count("/later") == 1  # a wait longer than the cap is not waited for


def test_transient_errors_are_retried_with_backoff(server):
    calls = []

    def flaky(request):
        calls.append(1)
        return Reply(fault="reset") if len(calls) == 1 else Reply(body=b"fine")

    server.route("/flaky", flaky)
    server.route("/down", Reply(status=500))
    assert fetcher().fetch(server.url("/flaky")).ok and len(calls) == 2
    down = fetcher(retries=2).fetch(server.url("/down"))
    assert down.status == 500 and down.attempts == 3 and server.count("/down") == 3


def test_size_cap_and_body_types(server):
    server.route("/big.html", Reply(body=b"<html>" + b"x" * 500_000))
    server.route("/file.zip", Reply(body=b"PK", filler_bytes=50_000_000, content_type="application/zip"))
    capped = fetcher().fetch(server.url("/big.html"), max_bytes=1000)
    assert capped.truncated and len(capped.content) == 1000
    attachment = fetcher().fetch(server.url("/file.zip"), body_types=("text/html",))
    assert attachment.ok and attachment.content == b"" and not attachment.body_read
    request = next(r for r in server.requests if r.path == "/file.zip")
    assert request.sent_bytes < 30_000_000


def test_a_page_that_drips_slower_than_the_timeout_times_out(server):
    server.route("/drip", Reply(body=b"<html>" + b"x" * 40, fault="drip", drip_interval=0.05))
    result = fetcher(retries=0).fetch(server.url("/drip"))
    assert result.error_kind == "timeout" and result.elapsed < 1.6


def test_chunked_gbk_page_decodes(server):
    body = "<html><head><meta charset=gb2312></head><body>中华人民共和国</body></html>".encode("gbk")
    server.route("/chunked", Reply(body=body, chunked=True, content_type="text/html"))
    result = fetcher().fetch(server.url("/chunked"))
    assert result.ok and "中华人民共和国" in text_of(result) and decoded(result).encoding == "gb18030"


def test_hang_reset_refused_tls(server):
    server.route("/hang", Reply(fault="hang", hang_seconds=3))
    server.route("/reset", Reply(fault="reset"))
    assert fetcher(retries=0).fetch(server.url("/hang")).error_kind == "timeout"
    assert fetcher(retries=0).fetch(server.url("/reset")).error_kind == "reset"
    assert fetcher().fetch("http://127.0.0.1:1/").error_kind == "refused"
    assert fetcher(retries=0).fetch(f"https://127.0.0.1:{server.port}/").error_kind == "tls"
    assert fetcher().fetch("http://").error_kind == "invalid_url"


def test_private_addresses_are_refused_unless_allowed(server):
    server.route("/", Reply(body=b"ok"))
    guarded = fetcher(allow_private_addresses=False)
    for url in (server.url("/"), f"http://localhost:{server.port}/", f"http://[::ffff:127.0.0.1]:{server.port}/",
                f"http://2130706433:{server.port}/"):
        assert guarded.fetch(url).error_kind == "private_address", url
    assert server.requests == []
    # a public page redirecting to a private address is stopped at that hop
    assert not is_public_address("10.0.0.1") and not is_public_address("169.254.1.1")
    assert not is_public_address("::1") and not is_public_address("100.64.0.1") and is_public_address("1.2.4.8")


def test_dns_failures_are_classified():
    exc = requests.exceptions.ConnectionError(
        "HTTPConnectionPool(host='x.invalid', port=80): Max retries exceeded (Caused by NameResolutionError("
        "\"Failed to resolve 'x.invalid' ([Errno -2] Name or service not known)\"))")
    assert classify(exc) == "dns"


def test_connections_are_reused_after_whole_bodies_and_dropped_after_cut_ones(server):
    server.route("/page", Reply(body="<html>" + "正文" * 2000 + "</html>"))
    server.route("/big", Reply(body=b"<html>", filler_bytes=200_000))
    f = fetcher()
    for method in ("GET", "GET", "HEAD", "GET"):
        assert f.fetch(server.url("/page"), method=method).status == 200
    assert server.connections == 1  # a body read to its end (or none, for HEAD) keeps the connection
    cut = f.fetch(server.url("/big"), max_bytes=1000)
    assert cut.truncated and len(cut.content) == 1000
    assert f.fetch(server.url("/page")).status == 200
    assert server.connections == 2  # the cut body was never read: that connection was dropped, not reused
