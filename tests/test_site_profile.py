"""Issue 16: the site_profile observation and its rules, against local servers (HTTP, HTTPS with certificates
made for the test by a local CA, IPv6 on ::1)."""

from __future__ import annotations

import json
import socket
from datetime import datetime, timedelta, timezone

import pytest

from mediawatch import clock, rules
from mediawatch import config as config_mod
from mediawatch.checkers.base import AccountSpec, CheckContext
from mediawatch.checkers.website import WebsiteChecker
from mediawatch.transport.fetcher import Fetcher
from mediawatch.rules.base import RuleInput, StoredObservation
from mediawatch.simulation import server as server_mod
from mediawatch.simulation.server import LocalServer, Reply
from mediawatch.simulation.tls import LocalCA, TlsServer

FULL = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>XX区民政局</title></head><body>
<a href="/wza/">无障碍浏览</a> <a href="/zhxx/">长者模式</a>
<form action="/search/"><label for="kw">站内搜索</label><input id="kw" name="q" type="text"><button>搜索</button></form>
<p>2026-11-20 通知公告</p><img src="/logo.png" alt="XX区民政局">
<div class="footer">
<span id="_ideConac"><a href="https://bszs.conac.cn/sitename?method=show&amp;id=1234"><img src="/red.png" alt="党政机关"></a></span>
<script id="_jiucuo_" sitecode="3303040001" src="https://pucha.kaipuyun.cn/exposure/jiucuo.js"></script>
<p>主办单位：XX区民政局 | 承办：XX区大数据中心 联系电话：0577-88888888</p>
<p>网站标识码：3303040001 浙ICP备05012345号-2 <img src="/ga.png" alt="">浙公网安备 33030402000123号</p>
</div></body></html>"""

BARE = """<html><head><title>XX区司法局</title></head><body><p>2026-11-20 工作动态</p>
<img src="/a.png"><input name="x" type="text"><p>版权所有 XX区司法局</p></body></html>"""


def _config(tmp_path, ca_file: str = ""):
    config = config_mod.defaults().with_overrides({
        "http": {"allow_private_addresses": True, "timeout_seconds": 3.0, "retries": 0, "ca_file": ca_file},
        "crawl": {"max_pages": 0}, "site_profile": {"timeout_seconds": 3.0}})
    return config


def _profile(url: str, config, owner_unit: str = "XX区民政局"):
    account = AccountSpec(pk=1, account_id="site", platform="website", name="XX", owner_unit=owner_unit, url=url)
    ctx = CheckContext(config=config, now=clock.now(), fetcher=Fetcher(config))
    observations = WebsiteChecker().check(account, ctx)
    found = {o.kind: o for o in observations}
    profile = found["site_profile"]
    given = RuleInput(account_id="site", platform="website", name="XX", as_of=clock.now(), config=config,
                      observations=[StoredObservation(o.kind, o.ok, o.target, o.error_kind, o.error, o.data)
                                    for o in observations])
    verdicts = {v.rule: v for v in rules.evaluate(given) if v.rule.startswith("site_")}
    return found, profile.data, verdicts


@pytest.fixture(scope="module")
def ca(tmp_path_factory):
    return LocalCA(tmp_path_factory.mktemp("ca"))


def test_full_identity_block_and_page_items(tmp_path):
    with LocalServer() as srv:
        srv.route("/", Reply(body=FULL))
        _, data, v = _profile(srv.url("/"), _config(tmp_path))
    assert data["identity"] == {"site_code": "3303040001", "icp": "浙ICP备05012345号-2",
                                "police_record": "浙公网安备33030402000123号", "dzjg_mark": True,
                                "sponsor": "XX区民政局", "jiucuo": True, "sponsor_matches": True}
    assert v["site_identity"].outcome == "pass"
    assert v["site_mobile"].outcome == "pass" and v["site_search"].outcome == "pass"
    assert data["accessibility"]["score"] == 100 and v["site_accessibility"].outcome == "pass"
    assert v["site_gov_domain"].outcome == "fail"  # 127.0.0.1 is not under .gov.cn
    assert v["site_https"].outcome == "fail"  # http only; nothing answers https on 127.0.0.1:443
    assert v["site_certificate"].outcome == "unknown"
    assert v["site_ipv6"].outcome == "unknown"  # an IPv4 address, not a name: no AAAA to ask for


def test_footer_without_identity_block(tmp_path):
    with LocalServer() as srv:
        srv.route("/", Reply(body=BARE))
        _, data, v = _profile(srv.url("/"), _config(tmp_path), owner_unit="XX区司法局")
    assert v["site_identity"].outcome == "fail"
    assert v["site_identity"].evidence["missing"] == ["site_code", "icp", "police_record", "dzjg_mark", "sponsor",
                                                      "jiucuo"]
    assert "缺少网站标识码、ICP备案号、公安机关备案号、党政机关网站标识、主办单位、我为政府网站找错入口" in v["site_identity"].message
    assert v["site_mobile"].outcome == "fail" and v["site_search"].outcome == "fail"
    # no lang, an image without alt, an unlabelled field, no entry
    assert data["accessibility"]["score"] == 0 and v["site_accessibility"].outcome == "fail"


def test_sponsor_differs_from_registered_owner(tmp_path):
    with LocalServer() as srv:
        srv.route("/", Reply(body=FULL))
        _, data, v = _profile(srv.url("/"), _config(tmp_path), owner_unit="XX区教育局")
    assert data["identity"]["sponsor_matches"] is False
    assert v["site_identity"].outcome == "fail" and "与登记的主办单位不一致" in v["site_identity"].message


def test_expiring_certificate_is_a_finding(tmp_path, ca):
    cert = ca.issue("expiring", not_after=datetime.now(timezone.utc) + timedelta(days=12))
    with TlsServer(cert) as srv:
        srv.route("/", Reply(body=FULL))
        found, data, v = _profile(srv.url("/"), _config(tmp_path, str(ca.ca_file)))
    assert found["homepage"].ok  # the page itself loads: the certificate is trusted and valid
    assert data["certificate"]["valid"] is True and 10 <= data["certificate"]["days_left"] <= 12
    assert v["site_certificate"].outcome == "pass" and v["site_certificate"].evidence["expiring"] is True
    assert v["site_https"].outcome == "pass"


def test_expired_certificate_opens_a_warning(cli, home, ca):
    cert = ca.issue("expired", not_after=datetime.now(timezone.utc) - timedelta(days=3))
    toml = home / "mediawatch.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("[http]\n", f'[http]\nca_file = "{ca.ca_file}"\n'),
                    encoding="utf-8")
    with TlsServer(cert) as srv:
        srv.route("/", Reply(body=FULL))
        (home / "accounts.csv").write_text("account_id,platform,name,owner_unit,url\n"
                                           f"site-mzj,website,XX区民政局,XX区民政局,{srv.url('/')}\n", encoding="utf-8")
        cli("accounts", "import", str(home / "accounts.csv"))
        report = cli("check").stdout
    assert "check_failed site-mzj: tls:" in report  # the page itself does not load for anyone
    rows = json.loads(cli("warnings", "--format", "json").stdout)
    assert [r["rule"] for r in rows] == ["site_certificate"]
    evidence = rows[0]["evidence"]
    assert evidence["days_left"] in (-4, -3) and evidence["valid"] is False
    assert "过期" in rows[0]["message"]
    # a finding of the site requirements never counts toward the closure rule unless configured
    from mediawatch.closure import uncounted_rules

    assert "site_certificate" in uncounted_rules(config_mod.load(home))


class _V6Server(server_mod._Server):
    address_family = socket.AF_INET6


def test_ipv6_literal_served_over_ipv6(tmp_path, monkeypatch):
    monkeypatch.setattr(server_mod, "_Server", _V6Server)
    srv = LocalServer(host="::1")
    with srv:
        srv.route("/", Reply(body=FULL))
        _, data, v = _profile(f"http://[::1]:{srv.port}/", _config(tmp_path))
    assert data["ipv6"]["fetched"] is True and v["site_ipv6"].outcome == "pass"


def test_name_without_aaaa_fails_ipv6(tmp_path):
    with LocalServer() as srv:
        srv.route("/", Reply(body=FULL))
        try:
            has_v6 = bool(socket.getaddrinfo("localhost", srv.port, socket.AF_INET6))
        except socket.gaierror:
            has_v6 = False
        _, data, v = _profile(f"http://localhost:{srv.port}/", _config(tmp_path))
    if has_v6:  # this machine's hosts file gives localhost an IPv6 address
        assert data["ipv6"]["aaaa"] is True and v["site_ipv6"].outcome == "pass"
    else:
        assert data["ipv6"]["aaaa"] is False and v["site_ipv6"].outcome == "fail"


def test_expired_certificate_notice_shows_the_evidence(cli, home, ca):
    cert = ca.issue("expired-notice", not_after=datetime.now(timezone.utc) - timedelta(days=5))
    toml = home / "mediawatch.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("[http]\n", f'[http]\nca_file = "{ca.ca_file}"\n'),
                    encoding="utf-8")
    with TlsServer(cert) as srv:
        srv.route("/", Reply(body=FULL))
        (home / "accounts.csv").write_text("account_id,platform,name,owner_unit,url,contact_email\n"
                                           f"site-mzj,website,XX区民政局,XX区民政局,{srv.url('/')},mzj@example.gov.cn\n",
                                           encoding="utf-8")
        cli("accounts", "import", str(home / "accounts.csv"))
        cli("check")
    cli("notices")
    texts = [p.read_text(encoding="utf-8") for p in (home / "reports" / "notices").rglob("*.html")]
    assert texts and any("证书有效期至" in t and "已过期" in t and "请及时更换有效的SSL证书" in t for t in texts)


def test_site_warnings_count_toward_closure_only_when_configured(home, db_url):
    from mediawatch import closure
    from mediawatch.app import App
    from tests.report_fixtures import account, at, warning

    app = App(home, db_url)
    try:
        with app.store.session() as s:
            site = account(s, "site-a", "website", "XX区民政局", "区民政局")
            for day in ("2026-03-01", "2026-05-01", "2026-07-01"):
                warning(s, site, "site_certificate", day, resolved=day.replace("-01", "-05"))
            warning(s, site, "broken_links", "2026-09-01")
            warning(s, site, "broken_links", "2026-10-01", resolved="2026-10-03")
        now = at("2026-11-01")
        with app.store.session() as s:
            assert closure.warning_counts(s, app.config, now) == {site.id: 2}
            assert closure.candidates(s, app.config, now) == []
        counted = app.config.with_overrides({"closure": {"counted_site_rules": ["site_certificate"]}})
        with app.store.session() as s:
            assert closure.warning_counts(s, counted, now) == {site.id: 5}
            assert [c.account_id for c in closure.candidates(s, counted, now)] == ["site-a"]
    finally:
        app.close()
    bad = config_mod.defaults()
    with pytest.raises(Exception, match="closure.counted_site_rules: 'broken_links' is not a site requirement rule"):
        bad.with_overrides({"closure": {"counted_site_rules": ["broken_links"]}})
