"""Hostile servers against what an office runs: a check never hangs, the address guard cannot be passed.

Each test goes through a checker or the CLI (not the HTTP core's internals), so it holds for any
HTTP core behind them. The raw-socket servers are in tests/hostile_servers.py.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from mediawatch import config as config_mod
from mediawatch.checkers.base import AccountSpec, CheckContext
from mediawatch.checkers.links import LinkChecker
from mediawatch.pages.linkextract import Link
from mediawatch.checkers.website import WebsiteChecker
from mediawatch.checkers.wechat import WechatChecker
from mediawatch.transport.fetcher import Fetcher
from mediawatch.simulation.server import LocalServer, Reply
from mediawatch.simulation.wechat import SimArticle, SimWechatAccount, WechatSimulation
from tests.hostile_servers import RawServer, SlowHeaderServer, page, redirect
from tests.newmedia_fixtures import NOW, at, by_kind, context, wechat_spec

ROOT = Path(__file__).resolve().parent.parent
BOUND = 20.0  # seconds: far above the 1 s deadlines below, far below "for ever"


def _config(**http):
    values = {"allow_private_addresses": True, "timeout_seconds": 1, "retries": 1, "backoff_seconds": 0.01}
    values.update(http)
    return config_mod.defaults().with_overrides({"http": values, "crawl": {"link_workers": 4}})


def _site(url: str) -> AccountSpec:
    return AccountSpec(pk=1, account_id="site", platform="website", name="XX区人民政府", owner_unit="区政府办", url=url)


def _bounded(fn, limit: float = BOUND):
    """``fn()``'s result, failing (not hanging) when it takes longer than ``limit`` seconds."""
    box: dict = {}

    def target():
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    started = time.monotonic()
    thread.start()
    thread.join(limit)
    assert not thread.is_alive(), f"still running after {limit} s: the request has no wall-clock deadline"
    if "error" in box:
        raise box["error"]
    return box["value"], time.monotonic() - started


# --- slow headers: a wall-clock deadline on every request -----------------------------------------

def test_a_registered_site_sending_headers_one_byte_every_two_seconds(tmp_path):
    with SlowHeaderServer(interval=0.5) as slow:
        config = _config()
        observations, elapsed = _bounded(lambda: WebsiteChecker().check(
            _site(slow.url("/")), CheckContext(config=config, now=NOW, fetcher=Fetcher(config))))
    homepage = observations[0]
    assert homepage.kind == "homepage" and not homepage.ok and homepage.error_kind == "timeout"
    assert elapsed < 8, elapsed  # two attempts of 1 s, not the minutes the header would take


def test_a_slow_external_link_on_a_page_is_cut_at_the_deadline(server):
    with SlowHeaderServer(interval=0.5) as slow:
        server.route("/", Reply(body=f'<html><head><title>首页</title></head><body>'
                                     f'<a href="{slow.url("/x")}">外链</a></body></html>'))
        config = _config()
        observations, elapsed = _bounded(lambda: WebsiteChecker().check(
            _site(server.url("/")), CheckContext(config=config, now=NOW, fetcher=Fetcher(config))))
    links = {o.kind: o for o in observations}["links"]
    assert links.ok and [b["url"] for b in links.data["broken"]] == [slow.url("/x")]
    assert links.data["broken"][0]["error_kind"] == "timeout" and elapsed < 12


def test_a_slow_inner_page_of_the_crawl_is_cut_at_the_deadline():
    home_page = page('<html><head><title>首页</title></head><body><a href="/inner.html">内页</a></body></html>')
    with SlowHeaderServer(interval=0.5, fast={"/": home_page}) as site:
        config = _config()
        observations, elapsed = _bounded(lambda: WebsiteChecker().check(
            _site(site.url("/")), CheckContext(config=config, now=NOW, fetcher=Fetcher(config))))
    by_kind = {o.kind: o for o in observations}
    assert by_kind["homepage"].ok and by_kind["homepage"].data["title"] == "首页"
    assert [b["url"] for b in by_kind["links"].data["broken"]] == [site.url("/inner.html")]
    assert by_kind["links"].data["broken"][0]["error_kind"] == "timeout" and elapsed < 12


def test_the_link_checker_itself_is_bounded():
    with SlowHeaderServer(interval=0.5) as slow:
        config = _config(retries=0)
        fetcher = Fetcher(config)
        report, elapsed = _bounded(lambda: LinkChecker(fetcher, config).check(
            [Link(url=slow.url("/a"), page="p"), Link(url=slow.url("/b"), page="p")]))
    assert sorted(b["url"] for b in report.broken) == [slow.url("/a"), slow.url("/b")] and elapsed < 8


def test_a_slow_link_in_a_post_is_cut_at_the_deadline(home, server):
    with SlowHeaderServer(interval=0.5) as slow:
        sim = WechatSimulation(server)
        sim.set_now(NOW)
        sim.add(SimWechatAccount("czj", "XX财政", articles=[
            SimArticle(at=at(days=1), title="通知", links=[slow.url("/post-link")])]))
        ctx = context(home, overrides={"http": {"timeout_seconds": 1, "retries": 0},
                                       "wechat": {"fetch_articles": False}})
        observations, elapsed = _bounded(lambda: WechatChecker().check(
            wechat_spec(feed_url=sim.feed_url("czj")), ctx))
    links = by_kind(observations)["links"]
    assert [b["url"] for b in links.data["broken"]] == [slow.url("/post-link")] and elapsed < 10


def test_check_from_the_cli_finishes_and_closes_the_run(tmp_path):
    with SlowHeaderServer(interval=0.5) as slow:
        home = tmp_path / "home"
        home.mkdir()
        (home / "mediawatch.toml").write_text(
            "[http]\nallow_private_addresses = true\ntimeout_seconds = 1\nretries = 0\n", encoding="utf-8")
        (home / "accounts.csv").write_text(
            "account_id,platform,name,owner_unit,url\n"
            f"slow,website,慢站,区政府办,{slow.url('/')}\n", encoding="utf-8")
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        base = [sys.executable, "-m", "mediawatch", "--home", str(home)]
        subprocess.run(base + ["accounts", "import", str(home / "accounts.csv")], check=True, env=env,
                       capture_output=True, timeout=60)
        started = time.monotonic()
        try:
            done = subprocess.run(base + ["--now", "2026-11-23T09:00:00+08:00", "check"], env=env,
                                  capture_output=True, text=True, timeout=60)
        except subprocess.TimeoutExpired:
            pytest.fail("mediawatch check still running after 60 s against a slow-header site")
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started < 30
    with sqlite3.connect(home / "mediawatch.db") as db:
        assert db.execute("SELECT status FROM check_runs WHERE kind = 'check'").fetchall() == [("done",)]
        assert db.execute("SELECT outcome FROM account_checks").fetchall() == [("check_failed",)]


# --- the address guard ----------------------------------------------------------------------------

@pytest.fixture
def internal():
    """An internal service on another loopback address, which the guard must never reach."""
    with LocalServer(host="127.0.0.2") as srv:
        srv.route("/", Reply(body="<html><head><title>内部管理页面</title></head><body>secret</body></html>"))
        srv.route("/latest/meta-data/", Reply(body="<html><head><title>内部管理页面</title></head></html>"))
        yield srv


def _guarded():
    """Loopback 127.0.0.1 allowed (the test's "public" sites); anything else private is refused."""
    return _config(allow_private_addresses=False, allowed_private_networks=["127.0.0.1/32"])


@pytest.mark.parametrize("location", [
    "http://127.0.0.2:{port}\\@example.com/latest/meta-data/",
    "http:\\\\127.0.0.2:{port}\\latest\\meta-data\\",
    "http://0x7f.0.0.2:{port}/latest/meta-data/",
    "http://2130706434:{port}/latest/meta-data/",
    " http://127.0.0.2:{port}/latest/meta-data/",
])
def test_a_redirect_cannot_reach_an_internal_address(internal, location):
    target = location.format(port=internal.port)
    with RawServer(redirect(target)) as site:
        config = _guarded()
        observations, _ = _bounded(lambda: WebsiteChecker().check(
            _site(site.url("/")), CheckContext(config=config, now=NOW, fetcher=Fetcher(config))))
    homepage = observations[0]
    assert internal.requests == [], "the internal page was fetched"
    assert not homepage.ok and homepage.error_kind in ("private_address", "invalid_url")
    assert homepage.data.get("title") is None


def test_a_link_to_an_internal_address_is_skipped_not_fetched(internal):
    html = (f'<html><head><title>首页</title></head><body><a href="http://127.0.0.2:{internal.port}\\@example.com/">x</a>'
            f'<a href="http://0x7f.0.0.2:{internal.port}/">y</a></body></html>')
    with RawServer(page(html)) as site:
        config = _guarded()
        observations, _ = _bounded(lambda: WebsiteChecker().check(
            _site(site.url("/")), CheckContext(config=config, now=NOW, fetcher=Fetcher(config))))
    links = {o.kind: o for o in observations}["links"]
    assert internal.requests == []
    assert links.ok and links.data["broken"] == []
    assert {s["error_kind"] for s in links.data["skipped"]} == {"private_address"}


def test_the_allowed_public_site_still_works(server):
    server.route("/", Reply(body="<html><head><title>首页_XX区</title></head><body></body></html>"))
    config = _guarded()
    observations = WebsiteChecker().check(_site(server.url("/")),
                                          CheckContext(config=config, now=NOW, fetcher=Fetcher(config)))
    assert observations[0].ok and observations[0].data["title"] == "首页_XX区"


@pytest.mark.parametrize("url", ["http://127.0.0.2:8080\\@example.com/", "http://user@site.gov.cn/",
                                 "http://site.gov.cn/a\tb", "javascript:alert(1)"])
def test_registry_urls_a_browser_reads_differently_are_refused_at_import(cli, url):
    accounts = cli.home / "accounts.csv"
    accounts.write_text("account_id,platform,name,owner_unit,url\n"
                        f'site,website,XX区政府,区政府办,"{url}"\n', encoding="utf-8")
    result = cli("accounts", "import", str(accounts), expect=2)
    assert f"{accounts}:2: url:" in result.stderr
    assert "Traceback" not in result.stderr
    assert "site" not in cli("accounts", "list", "--format", "csv").stdout


# --- our DNS down: degraded, not broken_links everywhere --------------------------------------------

def _district_with_dead_names(cli, server, dns_hosts: list[str]) -> None:
    for site in range(3):
        links = "".join(f'<a href="http://www.unit{site}-{n}.invalid/">友情链接{n}</a>' for n in range(4))
        server.route(f"/site{site}/", Reply(body=f"<html><head><title>站点{site}</title></head><body>"
                                                 f"<p>2026-11-22 新闻</p>{links}</body></html>"))
    with open(cli.home / "mediawatch.toml", "a", encoding="utf-8") as f:
        f.write(f"\n[canary]\ndns_hosts = {dns_hosts!r}\n".replace("'", '"'))
    accounts = cli.home / "accounts.csv"
    accounts.write_text("account_id,platform,name,owner_unit,url\n" + "".join(
        f"site{n},website,站点{n},单位{n},{server.url(f'/site{n}/')}\n" for n in range(3)), encoding="utf-8")
    cli("accounts", "import", str(accounts))


def test_name_resolution_failing_across_many_domains_makes_the_run_degraded(cli, server):
    _district_with_dead_names(cli, server, ["mediawatch-canary.invalid"])  # our resolver knows nothing
    out = cli("check", now="2026-11-23T09:00:00+08:00")
    assert "degraded" in out.stdout.lower() or "DEGRADED" in out.stderr
    assert cli("warnings", "--status", "all", "--format", "json").stdout.strip() == "[]"


def test_dead_names_are_broken_links_when_our_resolver_works(cli, server):
    _district_with_dead_names(cli, server, ["localhost"])  # resolves: the dead names are theirs
    cli("check", now="2026-11-23T09:00:00+08:00")
    listed = cli("warnings", "--format", "json").stdout
    assert listed.count('"broken_links"') == 3


# --- links per page capped ------------------------------------------------------------------------

def test_links_per_page_are_capped_and_the_cap_reported(server):
    links = "".join(f'<a href="/p/{n}.html">{n}</a>' for n in range(400))
    server.route("/", Reply(body=f"<html><head><title>首页</title></head><body>{links}</body></html>"))
    server.route("/p/*", Reply(body="<html><head><title>内页</title></head></html>"))
    config = _config().with_overrides({"crawl": {"max_links_per_page": 50, "max_pages": 0}})
    observations = WebsiteChecker().check(_site(server.url("/")),
                                          CheckContext(config=config, now=NOW, fetcher=Fetcher(config)))
    links_obs = {o.kind: o for o in observations}["links"]
    assert links_obs.data["links_checked"] == 50
    assert links_obs.data["links_capped"] == {"limit": 50, "pages": [server.url("/")]}
    assert sum(1 for r in server.requests if r.path.startswith("/p/")) <= 50


def test_a_source_url_with_a_backslash_is_refused_at_import(cli):
    accounts = cli.home / "accounts.csv"
    accounts.write_text("account_id,platform,name,owner_unit,source,source_url\n"
                        'wx,wechat,XX发布,区委宣传部,wechat_json,"http://127.0.0.2:8080\\@mp.example.com/list"\n',
                        encoding="utf-8")
    result = cli("accounts", "import", str(accounts), expect=2)
    assert f"{accounts}:2: source_url:" in result.stderr


def test_a_registered_url_already_in_the_database_cannot_reach_an_internal_address(internal):
    config = _guarded()
    url = f"http://127.0.0.2:{internal.port}\\@example.com/latest/meta-data/"  # stored before imports refused it
    observations, _ = _bounded(lambda: WebsiteChecker().check(
        _site(url), CheckContext(config=config, now=NOW, fetcher=Fetcher(config))))
    assert internal.requests == [] and not observations[0].ok
    assert observations[0].error_kind == "private_address" and observations[0].data.get("title") is None


# --- DNS rebinding ------------------------------------------------------------------------------------

@pytest.fixture
def rebinding(monkeypatch, internal):
    """A name whose answers change between lookups, as a rebinding DNS server gives them: first the
    allowed 127.0.0.1, then the internal 127.0.0.2 (same port on both). The resolver is the only
    thing simulated: both servers are real."""
    public = None
    for _ in range(20):
        try:
            public = LocalServer(host="127.0.0.1", port=internal.port).start()
            break
        except OSError:
            continue
    if public is None:
        pytest.skip("the internal server's port is taken on 127.0.0.1")
    public.route("/", Reply(body="<html><head><title>首页_XX区</title></head><body></body></html>"))
    real = socket.getaddrinfo
    answers = {"n": 0}

    def getaddrinfo(host, port, *args, **kwargs):
        if host == "rebind.example.gov.cn":
            answers["n"] += 1
            host = "127.0.0.1" if answers["n"] % 2 else "127.0.0.2"
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield f"http://rebind.example.gov.cn:{internal.port}/"
    public.stop()


def test_the_connection_goes_to_the_address_judged(internal, rebinding):
    config = _guarded()
    for _ in range(3):
        observations, _ = _bounded(lambda: WebsiteChecker().check(
            _site(rebinding), CheckContext(config=config, now=NOW, fetcher=Fetcher(config))))
        assert internal.requests == [], "a second lookup reached the internal address"
        homepage = observations[0]
        assert homepage.error_kind in (None, "private_address")
        assert homepage.data.get("title") in (None, "首页_XX区")
