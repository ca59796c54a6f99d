"""An operator's view of WeChat accounts: imported, checked with `mediawatch check`, warnings listed."""

import json

from mediawatch.simulation.server import Reply
from mediawatch.simulation.wechat import SimArticle, SimWechatAccount, WechatSimulation
from tests.newmedia_fixtures import NOW, at

NOW_ARG = NOW.isoformat()


def test_wechat_check_from_the_command_line(cli, home, server):
    server.route("/broken", Reply(status=404))
    sim = WechatSimulation(server)
    sim.set_now(NOW)
    sim.add(SimWechatAccount("fresh", "XX发布", articles=[
        SimArticle(at=at(days=1), title="今日要闻", links=[server.url("/broken")])]))
    sim.add(SimWechatAccount("stale", "XX发改", articles=[
        SimArticle(at=at(days=2), title="删掉了", deleted="deleted"), SimArticle(at=at(days=30), title="一个月前")]))
    sim.add(SimWechatAccount("blocked", "XX财政", fault="env", articles=[SimArticle(at=at(days=40), title="旧")]))
    sim.add(SimWechatAccount("freq", "XX数据", fault="freq", articles=[SimArticle(at=at(days=40), title="旧")]))
    sim.add(SimWechatAccount("gone", "梧田街道", state="banned"))
    sim.add(SimWechatAccount("renamed", "XX卫健", feed_title="健康XX公众号",
                             articles=[SimArticle(at=at(days=1), title="x")]))
    (home / "accounts.csv").write_text(
        "account_id,platform,name,owner_unit,platform_id,feed_url,source,source_url\n"
        f"c-fresh,wechat,XX发布,区委宣传部,gh_1,{sim.feed_url('fresh')},feed,\n"
        f"c-stale,wechat,XX发改,区发改局,gh_2,{sim.feed_url('stale', 'atom')},auto,\n"
        f"c-blocked,wechat,XX财政,区财政局,gh_3,{sim.feed_url('blocked')},feed,\n"
        f"c-freq,wechat,XX数据,区大数据中心,gh_4,,wechat_json,{sim.json_url('freq')}\n"
        f"c-gone,wechat,梧田街道,梧田街道,gh_5,{sim.feed_url('gone')},feed,\n"
        f"c-renamed,wechat,健康XX公众号,区卫生健康局,gh_6,{sim.feed_url('renamed')},feed,\n",
        encoding="utf-8")
    cli("accounts", "import", str(home / "accounts.csv"))
    out = cli("check", "--platform", "wechat", now=NOW_ARG).stdout
    assert "check_failed c-blocked: blocked:" in out
    assert "check_failed c-freq: freq_control:" in out
    rows = json.loads(cli("warnings", "--status", "all", "--format", "json", now=NOW_ARG).stdout)
    assert sorted((r["account_id"], r["rule"]) for r in rows) == [
        ("c-fresh", "broken_links"),
        ("c-gone", "account_gone"),
        ("c-renamed", "name_mismatch"),  # the article page says XX卫健, whatever the bridge calls it
        ("c-stale", "not_updated"),  # its only recent article was deleted
    ]
