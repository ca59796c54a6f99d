"""Availability probes: `mediawatch probe` stores one Probe per active website, and the canary guards them."""

from __future__ import annotations

from sqlalchemy import select

from mediawatch.simulation.server import Reply
from mediawatch.store import open_store
from mediawatch.store.models import Account, CheckRun, Probe


def write_registry(home, server) -> None:
    (home / "accounts.csv").write_text(
        "account_id,platform,name,owner_unit,url,platform_id,status\n"
        f"fast,website,快站,甲单位,{server.url('/fast/')},,active\n"
        f"slow,website,慢站,乙单位,{server.url('/slow/')},,active\n"
        f"down,website,坏站,丙单位,{server.url('/down/')},,active\n"
        f"reset,website,断站,丁单位,{server.url('/reset/')},,active\n"
        f"paused,website,停站,戊单位,{server.url('/paused/')},,suspended\n"
        "wb,weibo,微博,己单位,,12345,active\n", encoding="utf-8")


def probes(db_url):
    store = open_store(db_url)
    try:
        with store.session() as session:
            rows = session.execute(select(Account.account_id, Probe).join(Probe, Probe.account_pk == Account.id)
                                   .order_by(Probe.id)).all()
            runs = session.scalars(select(CheckRun).where(CheckRun.kind == "probe")).all()
            return [(a, p.ok, p.status, p.error_kind, p.elapsed_ms, p.network_ok, p.at) for a, p in rows], \
                [(r.status, r.stats) for r in runs]
    finally:
        store.dispose()


def test_probe_command(cli, home, server, db_url):
    server.route("/fast/", Reply(body="<html>首页</html>"))
    server.route("/slow/", Reply(body="<html>首页</html>", delay=3.5))  # the test config's timeout is 3 s
    server.route("/down/", Reply(status=503))
    server.route("/reset/", Reply(fault="reset"))
    server.route("/paused/", Reply(body="<html>首页</html>"))
    write_registry(home, server)
    cli("accounts", "import", str(home / "accounts.csv"))
    result = cli("probe", now="2026-11-23T09:00:00+08:00")
    assert "4 website(s) probed, 3 failed" in result.stdout
    rows, runs = probes(db_url)
    by_account = {r[0]: r for r in rows}
    assert set(by_account) == {"fast", "slow", "down", "reset"}
    assert by_account["fast"][1:4] == (True, 200, None) and by_account["fast"][5] is True
    assert by_account["slow"][1:4] == (False, None, "timeout") and by_account["slow"][4] >= 3000
    assert by_account["down"][1:4] == (False, 503, "http")
    assert by_account["reset"][1:4] == (False, None, "reset")
    assert by_account["fast"][6].isoformat().startswith("2026-11-23T01:00:00")  # the probe's time is the clock's
    assert [r.path for r in server.requests].count("/down/") == 1  # one probe is one request, never retried
    assert runs == [("done", {"probes": 4, "failed": 3, "network_ok": True})]


def test_a_failing_canary_keeps_probes_out_of_the_count(cli, home, server, db_url):
    server.route("/fast/", Reply(body="<html>首页</html>"))
    write_registry(home, server)
    with open(home / "mediawatch.toml", "a", encoding="utf-8") as config:
        config.write(f'[canary]\nurls = ["{server.url("/reference-down")}"]\n')
    server.route("/reference-down", Reply(fault="reset"))
    cli("accounts", "import", str(home / "accounts.csv"))
    result = cli("probe")
    assert "not counted" in result.stdout
    rows, runs = probes(db_url)
    assert rows and all(r[5] is False for r in rows)
    assert runs[0][0] == "degraded"


def test_probes_keep_to_the_address_guard(cli, home, server, db_url):
    """With private addresses not allowed (the default), a site on loopback is refused before any connection,
    and a public-looking name is never followed to it: the probe fails as ``private_address``, the server
    sees no request."""
    server.route("/fast/", Reply(body="<html>首页</html>"))
    (home / "mediawatch.toml").write_text(
        "[http]\nallow_private_addresses = false\ntimeout_seconds = 3\n", encoding="utf-8")
    (home / "accounts.csv").write_text(
        "account_id,platform,name,owner_unit,url,platform_id,status\n"
        f"loop,website,环回站,甲单位,{server.url('/fast/')},,active\n"
        f"named,website,名称站,乙单位,http://localhost:{server.port}/fast/,,active\n", encoding="utf-8")
    cli("accounts", "import", str(home / "accounts.csv"))
    result = cli("probe")
    assert "2 website(s) probed, 2 failed" in result.stdout
    rows, runs = probes(db_url)
    assert sorted((r[0], r[1], r[3]) for r in rows) == [("loop", False, "private_address"),
                                                        ("named", False, "private_address")]
    assert server.requests == []
    assert runs == [("done", {"probes": 2, "failed": 2, "network_ok": True})]
