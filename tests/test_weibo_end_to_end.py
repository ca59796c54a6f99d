"""An operator's view: accounts imported, `mediawatch check` run against the simulated Weibo, warnings listed.

A refused request becomes check_failed and never a warning; a gone account is warned as gone
(and only as gone); each integrity problem gets its own rule.
"""

import json

from mediawatch.simulation.server import Reply
from mediawatch.simulation.weibo import SimPost, SimWeiboAccount, WeiboSimulation
from tests.newmedia_fixtures import NOW, at

NOW_ARG = NOW.isoformat()
ACCOUNTS = """account_id,platform,name,owner_unit,platform_id,source
w-fresh,weibo,XX发布,区委宣传部,9900000001,weibo_api
w-stale,weibo,健康XX,区卫生健康局,9900000002,auto
w-blocked,weibo,XX市场监管,区市场监管局,9900000003,weibo_api
w-gone,weibo,梧田发布,梧田街道,9900000004,weibo_api
w-renamed,weibo,XX教育,区教育局,9900000005,weibo_api
w-unverified,weibo,XX交通,区交通局,9900000006,weibo_api
w-typo,weibo,XX文旅,区文旅局,9900000007,weibo_api
w-fullwidth,weibo,XX公安,区公安分局,9900000008,weibo_api
"""


def _setup(home, server):
    server.route("/broken", Reply(status=404))
    sim = WeiboSimulation(server)
    sim.set_now(NOW)
    fresh = [SimPost(at=at(days=1), text="今日发布")]
    sim.add(SimWeiboAccount("9900000001", "XX发布", posts=[
        SimPost(at=at(days=2), text="详情见链接", links=[server.url("/broken")]),
        SimPost(at=at(days=400), text="置顶", pinned=True)]))
    sim.add(SimWeiboAccount("9900000002", "健康XX", posts=[
        SimPost(at=at(hours=2), text="置顶的新帖不算", pinned=True), SimPost(at=at(days=20), text="二十天前")]))
    sim.add(SimWeiboAccount("9900000003", "XX市场监管", fault="418", posts=list(fresh)))
    sim.add(SimWeiboAccount("9900000004", "梧田发布", state="banned"))
    sim.add(SimWeiboAccount("9900000005", "XX教育发布", posts=[SimPost(at=at(days=1), text="x")]))
    sim.add(SimWeiboAccount("9900000006", "XX交通", verified=False, posts=[SimPost(at=at(days=1), text="x")]))
    sim.add(SimWeiboAccount("9900000007", "XX文旅", posts=[SimPost(at=at(days=1), text="热烈庆祝中华人民共合国成立")]))
    sim.add(SimWeiboAccount("9900000008", "ＸＸ公安 ", posts=[SimPost(at=at(days=1), text="x")]))
    text = (home / "mediawatch.toml").read_text(encoding="utf-8").replace(
        "[weibo]\n", f'[weibo]\napi_base = "{server.base}"\nvisitor_base = "{server.base}"\n')
    (home / "mediawatch.toml").write_text(text, encoding="utf-8")
    (home / "accounts.csv").write_text(ACCOUNTS, encoding="utf-8")
    return sim


def test_weibo_check_from_the_command_line(cli, home, server):
    _setup(home, server)
    cli("init", expect=None)
    cli("accounts", "import", str(home / "accounts.csv"))
    out = cli("check", "--platform", "weibo", now=NOW_ARG).stdout
    assert "check_failed w-blocked: blocked: HTTP 418" in out
    assert server.count("/visitor/genvisitor2") == 1  # one visitor cookie for the whole run
    rows = json.loads(cli("warnings", "--status", "all", "--format", "json", now=NOW_ARG).stdout)
    got = sorted((r["account_id"], r["rule"]) for r in rows)
    assert got == [
        ("w-fresh", "broken_links"),
        ("w-gone", "account_gone"),
        ("w-renamed", "name_mismatch"),
        ("w-stale", "not_updated"),
        ("w-typo", "severe_typo"),
        ("w-unverified", "not_verified"),
    ]
    evidence = {r["account_id"]: r["evidence"] for r in rows}
    assert evidence["w-fresh"]["broken"][0]["url"] == server.url("/broken")
    assert evidence["w-renamed"]["reported"] == "XX教育发布"
    assert evidence["w-stale"]["latest_post_at"].startswith(at(days=20).date().isoformat())
    assert evidence["w-gone"]["reason"] == "banned"
