"""The check run end to end over real HTTP: warnings from real checkers, exactly once, never from our own faults."""

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from mediawatch import clock
from mediawatch.app import App
from mediawatch.config import load
from mediawatch.runner import run_check
from mediawatch.simulation.wechat import SimWechatAccount, WechatSimulation
from mediawatch.simulation.weibo import Cadence, SimPost, SimWeiboAccount, WeiboSimulation
from mediawatch.store.models import AccountCheck, CheckRun, Observation, Warning, WarningEvent

T = lambda *a: datetime(*a, tzinfo=clock.SHANGHAI)  # noqa: E731
NOW = "2026-11-21T10:00:00+08:00"


def registry(tmp_path, rows: list[str]):
    path = tmp_path / "accounts.csv"
    path.write_text("account_id,platform,name,owner_unit,platform_id,feed_url,source\n" + "\n".join(rows) + "\n",
                    encoding="utf-8")
    return path


def configure(home, extra: str = "") -> None:
    (home / "mediawatch.toml").write_text(
        (home / "mediawatch.toml").read_text(encoding="utf-8").replace("[wechat]\n", "[wechat]\nfetch_articles = false\n")
        + extra, encoding="utf-8")


@pytest.fixture
def district(server, home, tmp_path, cli):
    weibo = WeiboSimulation(server)
    wechat = WechatSimulation(server)
    weibo.add(SimWeiboAccount("9900000001", "XX发布", cadence=Cadence(start=T(2026, 1, 1, 9), every_hours=24)))
    weibo.add(SimWeiboAccount("9900000002", "健康XX", posts=[
        SimPost(at=T(2026, 11, 20, 8), text="置顶：最新通知", pinned=True),
        SimPost(at=T(2026, 10, 1, 9), text="国庆假期安排"),
        SimPost(at=T(2026, 9, 20, 9), text="秋季健康提示")]))
    wechat.add(SimWechatAccount("czj", "XX财政", cadence=Cadence(start=T(2026, 1, 1, 9), every_hours=24 * 3)))
    configure(home)
    text = (home / "mediawatch.toml").read_text(encoding="utf-8").replace(
        "[weibo]\n", f"[weibo]\napi_base = \"{server.base}\"\nvisitor_base = \"{server.base}\"\n")
    (home / "mediawatch.toml").write_text(text, encoding="utf-8")
    cli("accounts", "import", str(registry(tmp_path, [
        "wb-fresh,weibo,XX发布,区委宣传部,9900000001,,weibo_api",
        "wb-stale,weibo,健康XX,区卫生健康局,9900000002,,weibo_api",
        f"wx-czj,wechat,XX财政,区财政局,,{wechat.feed_url('czj')},feed",
    ])))
    return weibo, wechat


def snapshot(db_url):
    app = App(db_url=db_url)
    try:
        with app.store.session() as s:
            counts = {m.__name__: s.scalar(select(func.count()).select_from(m))
                      for m in (CheckRun, AccountCheck, Observation, Warning, WarningEvent)}
            counts["runs"] = [(r.status, r.finished_at, json.dumps(r.stats, sort_keys=True))
                              for r in s.scalars(select(CheckRun).order_by(CheckRun.id))]
            warnings = [(w.account.account_id, w.rule, w.status, w.opened_at, w.updated_at, json.dumps(w.evidence))
                        for w in s.scalars(select(Warning).order_by(Warning.id))]
        return counts, warnings
    finally:
        app.close()


def test_check_warns_on_stale_account_not_on_pinned_post_and_twice_changes_nothing(district, cli):
    out = cli("check", now=NOW)
    assert "3 checked, 0 check_failed, 1 warnings opened" in out.stdout
    listed = json.loads(cli("warnings", "--format", "json", now=NOW).stdout)
    assert [(w["account_id"], w["rule"]) for w in listed] == [("wb-stale", "not_updated")]
    evidence = listed[0]["evidence"]
    # the pinned post of 2026-11-20 does not count: the latest real post is 2026-10-01
    assert evidence["latest_post_at"].startswith("2026-10-01T09:00:00")
    assert evidence["days_since"] == 51
    assert listed[0]["deadline"].startswith("2026-12-01T10:00:00")
    before = snapshot(cli.db_url)
    again = cli("check", now=NOW)
    assert "already complete as of this time: nothing was changed" in again.stdout
    assert "1 warnings opened" in again.stdout  # the run's totals
    assert snapshot(cli.db_url) == before


def test_blocked_platform_is_check_failed_never_a_warning(district, cli):
    weibo, _ = district
    weibo.fault = "432"
    out = cli("check", now=NOW)
    assert "2 check_failed" in out.stdout
    assert "check_failed wb-stale" in out.stdout and "check_failed wb-fresh" in out.stdout
    assert json.loads(cli("warnings", "--format", "json", now=NOW).stdout) == []
    # unblocked the next day: the stale account is warned then, and only then
    weibo.fault = None
    cli("check", now="2026-11-22T10:00:00+08:00")
    assert [w["account_id"] for w in json.loads(cli("warnings", "--format", "json").stdout)] == ["wb-stale"]


def test_blocked_day_keeps_an_open_warning_open(district, cli):
    weibo, _ = district
    cli("check", now=NOW)
    weibo.fault = "ok-100"
    out = cli("check", now="2026-11-22T10:00:00+08:00")
    assert "0 resolved" in out.stdout
    assert [w["status"] for w in json.loads(cli("warnings", "--status", "all", "--format", "json").stdout)] == ["open"]


def test_canary_failure_makes_the_run_degraded(district, cli, home):
    with open(home / "mediawatch.toml", "a", encoding="utf-8") as f:
        f.write('\n[canary]\nurls = ["http://127.0.0.1:9/unreachable"]\n')
    out = cli("check", now=NOW)
    assert "degraded" in out.stdout and "DEGRADED" in out.stderr
    assert json.loads(cli("warnings", "--status", "all", "--format", "json").stdout) == []


def test_network_down_for_most_checks_is_degraded(server, home, tmp_path, cli):
    configure(home)
    dead = "http://127.0.0.1:9/feed.xml"  # nothing listens on port 9: connection refused
    cli("accounts", "import", str(registry(tmp_path, [
        f"wx-{i},wechat,公众号{i},单位{i},,{dead},feed" for i in range(5)])), now=NOW)
    out = cli("check", now=NOW)
    assert "degraded" in out.stdout and "5 of 5 checks failed at the network level" in out.stderr
    assert json.loads(cli("warnings", "--status", "all", "--format", "json").stdout) == []
    app = App(home, cli.db_url)
    with app.store.session() as s:
        assert s.scalar(select(CheckRun.status)) == "degraded"
    # the bulletin does not count a degraded run's checks as checked accounts
    from mediawatch.bulletin import write_bulletin
    figures = write_bulletin(app, "2026-11", now=clock.parse_datetime("2026-12-01T09:00:00+08:00")).figures
    assert figures["checked"] == 0 and figures["registered"] == 5
    app.close()


def test_replay_a_year_of_daily_checks(server, home, tmp_path, cli):
    """Four silences of 20 days: four episodes on exact dates; the closure rule fires on the fourth."""
    configure(home)
    wechat = WechatSimulation(server)
    silences = tuple((T(2026, m, 1, 0), T(2026, m, 21, 0)) for m in (2, 4, 6, 8))
    wechat.add(SimWechatAccount("quiet", "XX发改", cadence=Cadence(start=T(2025, 12, 1, 9), silent=silences)))
    wechat.add(SimWechatAccount("steady", "XX数据", cadence=Cadence(start=T(2025, 12, 1, 9), every_hours=240)))
    cli("accounts", "import", str(registry(tmp_path, [
        f"wx-quiet,wechat,XX发改,区发改局,,{wechat.feed_url('quiet')},feed",
        f"wx-steady,wechat,XX数据,区大数据管理中心,,{wechat.feed_url('steady')},feed",
    ])))
    app = App(home, cli.db_url)
    from mediawatch.transport.fetcher import Fetcher
    fetcher = Fetcher(app.config)
    closure_on = {}
    day = T(2026, 1, 1, 10)
    try:
        while day <= T(2026, 9, 30, 10):
            clock.set_now(day)
            report = run_check(app, fetcher=fetcher)
            assert report.status == "done" and report.check_failed == 0, report.summary()
            if day.month == 8 and day.day in (13, 14):
                from mediawatch.closure import candidates
                with app.store.session() as s:
                    closure_on[day.day] = [c.account_id for c in candidates(s, app.config, day)]
            day += timedelta(days=1)
    finally:
        clock.set_now(None)
        app.close()
    warnings = json.loads(cli("warnings", "--status", "all", "--format", "json", now="2026-09-30T12:00:00+08:00").stdout)
    episodes = [(w["account_id"], w["rule"], w["opened_at"][:10], (w["resolved_at"] or "")[:10]) for w in warnings]
    assert episodes == [("wx-quiet", "not_updated", f"2026-{m:02d}-14", f"2026-{m:02d}-21") for m in (2, 4, 6, 8)]
    assert closure_on == {13: [], 14: ["wx-quiet"]}
    # the office revokes one (an appeal upheld): back under the threshold
    cli("warnings", "revoke", str(warnings[1]["id"]), "--reason", "申诉成立：系统维护期间", now="2026-09-30T12:00:00+08:00")
    assert json.loads(cli("closure", "--format", "json", now="2026-09-30T12:00:00+08:00").stdout) == []
    # living through the year gives the same warnings: one more check as of the same day changes nothing
    rows = json.loads(cli("accounts", "list", "--format", "json", now="2026-09-30T12:00:00+08:00").stdout)
    assert {r["account_id"]: r["warnings_12m"] for r in rows} == {"wx-quiet": 3, "wx-steady": 0}


def test_integrity_rules_end_to_end_and_blocked_versus_gone(server, home, tmp_path, cli):
    configure(home)
    text = (home / "mediawatch.toml").read_text(encoding="utf-8").replace(
        "[weibo]\n", f"[weibo]\napi_base = \"{server.base}\"\nvisitor_base = \"{server.base}\"\n")
    (home / "mediawatch.toml").write_text(text, encoding="utf-8")
    weibo = WeiboSimulation(server)
    daily = Cadence(start=T(2026, 1, 1, 9), every_hours=24)
    weibo.add(SimWeiboAccount("9900000011", "ＸＸ发布 ", cadence=daily))                  # same name, full width
    weibo.add(SimWeiboAccount("9900000012", "XX美食推荐", cadence=daily))                 # renamed
    weibo.add(SimWeiboAccount("9900000013", "XX应急", verified=False, cadence=daily))     # lost verification
    weibo.add(SimWeiboAccount("9900000014", "XX城管", state="banned"))                   # banned by the platform
    weibo.add(SimWeiboAccount("9900000015", "XX交警", state="missing"))                  # uid gone
    weibo.add(SimWeiboAccount("9900000016", "XX教育", cadence=daily, fault="432"))       # we are blocked
    cli("accounts", "import", str(registry(tmp_path, [
        "wb-same,weibo,XX发布,区委宣传部,9900000011,,weibo_api",
        "wb-renamed,weibo,XX旅游,区文广旅体局,9900000012,,weibo_api",
        "wb-unverified,weibo,XX应急,区应急管理局,9900000013,,weibo_api",
        "wb-banned,weibo,XX城管,区综合行政执法局,9900000014,,weibo_api",
        "wb-missing,weibo,XX交警,区公安分局,9900000015,,weibo_api",
        "wb-blocked,weibo,XX教育,区教育局,9900000016,,weibo_api",
    ])))
    out = cli("check", now=NOW)
    assert "1 check_failed" in out.stdout and "check_failed wb-blocked" in out.stdout
    found = {(w["account_id"], w["rule"]): w for w in json.loads(cli("warnings", "--format", "json", now=NOW).stdout)}
    assert set(found) == {("wb-renamed", "name_mismatch"), ("wb-unverified", "not_verified"),
                          ("wb-banned", "account_gone"), ("wb-missing", "account_gone")}
    assert found[("wb-renamed", "name_mismatch")]["evidence"] == {
        "registered": "XX旅游", "reported": "XX美食推荐", "checked_at": "2026-11-21T10:00:00+08:00"}
    assert found[("wb-banned", "account_gone")]["evidence"]["reason"]


def test_a_closed_account_is_no_longer_checked(district, cli):
    cli("closure", "decide", "wb-stale", "--decision", "closed", "--reason", "已关停", now=NOW)
    out = cli("check", now=NOW)
    assert "2 checked" in out.stdout
    assert json.loads(cli("warnings", "--format", "json", now=NOW).stdout) == []
    cli("closure", "decide", "wb-stale", "--decision", "rectify", "--reason", "整改后恢复", now=NOW)
    assert "3 checked" in cli("check", now="2026-11-22T10:00:00+08:00").stdout
    assert [w["account_id"] for w in json.loads(cli("warnings", "--format", "json").stdout)] == ["wb-stale"]


def test_spread_starts_accounts_evenly_over_the_window(server, home, tmp_path, cli):
    configure(home)
    wechat = WechatSimulation(server)
    for i in range(4):
        wechat.add(SimWechatAccount(f"k{i}", f"公众号{i}", cadence=Cadence(start=T(2026, 1, 1, 9))))
    cli("accounts", "import", str(registry(tmp_path, [
        f"wx-{i},wechat,公众号{i},单位{i},,{wechat.feed_url(f'k{i}')},feed" for i in range(4)])))
    app = App(home, cli.db_url)
    clock.set_now(clock.parse_datetime(NOW))
    started = clock.monotonic()
    try:
        report = run_check(app, spread_seconds=2.0)
    finally:
        app.close()
    elapsed = clock.monotonic() - started
    feeds = [r for r in server.requests if r.path.startswith("/feeds/")]
    assert report.status == "done" and report.checked == 4 and len(feeds) == 4
    # four accounts over two seconds: one starts every half second, the last at 1.5 s
    assert 1.4 <= elapsed < 6
