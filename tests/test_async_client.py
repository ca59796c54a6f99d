"""The asyncio client (transport/client.py) keeps every guarantee of transport.fetcher.Fetcher: the fetcher tests run
again against it, over real sockets on 127.0.0.1, plus what only the deadline and the guard give."""

from __future__ import annotations

import time

import pytest

import tests.test_links_fetch as fetch_tests
from mediawatch import config as config_mod
from mediawatch.simulation.server import Reply
from mediawatch.transport.runloop import RunLoop


class SyncClient:
    """The run's asyncio client, called from a test's thread as transport.fetcher.Fetcher is."""

    def __init__(self, config):
        self.run_loop = RunLoop(config)

    def fetch(self, url, **kwargs):
        return self.run_loop.run(self.run_loop.client.fetch(url, **kwargs))


def client(**http) -> SyncClient:
    values = {"allow_private_addresses": True, "timeout_seconds": 1, "retries": 1, "backoff_seconds": 0.01,
              "max_retry_after_seconds": 2.0}
    values.update(http)
    return SyncClient(config_mod.defaults().with_overrides({"http": values}))


SHARED = [
    "test_redirect_loop_and_too_many_redirects",
    "test_cookie_setting_redirect_to_itself_is_not_a_loop",
    "test_retry_after_is_honoured_then_reported_as_throttled",
    "test_transient_errors_are_retried_with_backoff",
    "test_size_cap_and_body_types",
    "test_a_page_that_drips_slower_than_the_timeout_times_out",
    "test_chunked_gbk_page_decodes",
    "test_hang_reset_refused_tls",
    "test_private_addresses_are_refused_unless_allowed",
    "test_connections_are_reused_after_whole_bodies_and_dropped_after_cut_ones",
]


@pytest.mark.parametrize("name", SHARED)
def test_fetcher_guarantee_holds_for_the_async_client(name, server, monkeypatch):
    monkeypatch.setattr(fetch_tests, "fetcher", client)
    getattr(fetch_tests, name)(server)


def test_the_deadline_bounds_the_whole_request_not_each_read(server):
    # one byte every 0.2 s: each read is quick, the whole answer would take 12 s
    server.route("/slow", Reply(body=b"<html>" + b"x" * 54 + b"</html>", fault="drip", drip_interval=0.2))
    started = time.monotonic()
    result = client(retries=0, timeout_seconds=1).fetch(server.url("/slow"))
    assert result.error_kind == "timeout" and time.monotonic() - started < 2.5


def test_a_redirect_to_a_private_address_is_stopped_at_that_hop(server):
    # the guard judges every hop: with private addresses forbidden even the first hop here is refused,
    # so the redirect is exercised with the first host allowed by literal and the target refused
    server.route("/jump", Reply(status=302, headers={"Location": "http://10.255.255.1/admin"}))
    allowed = client(allow_private_addresses=True).fetch(server.url("/jump"), retries=0, timeout=0.5)
    assert allowed.redirects == ["http://10.255.255.1/admin"]  # followed when allowed (then times out)
    guarded = client(allow_private_addresses=False)
    result = guarded.fetch("http://10.255.255.1/admin", retries=0)
    assert result.error_kind == "private_address"


def test_per_host_limit_and_requests_counted(server):
    import asyncio
    import threading

    lock, state = threading.Lock(), {"now": 0, "max": 0}

    def slow(request):
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
        time.sleep(0.05)
        with lock:
            state["now"] -= 1
        return Reply(body=b"ok")

    server.route("/p/*", slow)
    sync = client(per_host_concurrency=3)

    async def many():
        return await asyncio.gather(*(sync.run_loop.client.fetch(server.url(f"/p/{i}")) for i in range(12)))

    results = sync.run_loop.run(many())
    assert all(r.ok for r in results) and state["max"] == 3 and sync.run_loop.client.requests_made == 12


def _with_fetcher(**http):
    """The run's loop on a transport.fetcher.Fetcher, as the runner makes it (its cancel is the run's stop)."""
    from mediawatch.transport.fetcher import Fetcher

    values = {"allow_private_addresses": True, "timeout_seconds": 30, "retries": 0}
    values.update(http)
    config = config_mod.defaults().with_overrides({"http": values})
    fetcher = Fetcher(config)
    return fetcher, RunLoop(config, fetcher)


def test_the_fetchers_cancel_cuts_the_requests_in_flight_and_every_later_one(server):
    import threading

    server.route("/hang", Reply(body=b"<html></html>", delay=20))
    fetcher, run_loop = _with_fetcher()
    try:
        threading.Timer(0.5, fetcher.cancel).start()
        started = time.monotonic()
        cut = run_loop.run(run_loop.client.fetch(server.url("/hang")))
        assert cut.error_kind == "cancelled" and time.monotonic() - started < 5
        later = run_loop.run(run_loop.client.fetch(server.url("/hang")))
        assert later.error_kind == "cancelled" and later.elapsed < 1
    finally:
        run_loop.close()


def test_the_fetch_deadline_bounds_retries_and_redirects(server):
    server.route("/down", Reply(status=503, body=b"busy"))
    fetcher, run_loop = _with_fetcher(fetch_deadline_seconds=1.0, retries=50, backoff_seconds=0.3,
                                      max_retry_after_seconds=5)
    try:
        started = time.monotonic()
        result = run_loop.run(run_loop.client.fetch(server.url("/down")))
        assert result.status == 503 and time.monotonic() - started < 2.5 and result.attempts >= 2
    finally:
        run_loop.close()


def test_an_allowed_private_network_is_reached_and_others_are_not(server):
    fetcher, run_loop = _with_fetcher(allow_private_addresses=False, allowed_private_networks=["127.0.0.0/8"])
    try:
        server.route("/in", Reply(body=b"<html>intranet</html>"))
        assert run_loop.run(run_loop.client.fetch(server.url("/in"))).ok
    finally:
        run_loop.close()
    fetcher, run_loop = _with_fetcher(allow_private_addresses=False, allowed_private_networks=["10.8.0.0/16"])
    try:
        result = run_loop.run(run_loop.client.fetch(server.url("/in")))
        assert result.error_kind == "private_address"
    finally:
        run_loop.close()
