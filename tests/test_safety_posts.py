"""privacy_leak in Weibo posts over the simulated m.weibo.cn, and the one-page findings ``explain`` can show."""

from __future__ import annotations

import json
from datetime import datetime

from mediawatch import clock, config as config_module
from mediawatch.pages.html import parse_html
from mediawatch.checkers.safety import page_findings
from mediawatch.simulation.weibo import Cadence, SimPost, SimWeiboAccount, WeiboSimulation

ID_A = "11010519491231002X"
NOW = "2026-11-21T10:00:00+08:00"
T = lambda *a: datetime(*a, tzinfo=clock.SHANGHAI)  # noqa: E731


def test_a_weibo_post_with_an_id_number_warns_with_the_number_masked(server, home, tmp_path, cli):
    sim = WeiboSimulation(server)
    sim.add(SimWeiboAccount("9900000001", "XX发布", cadence=Cadence(start=T(2026, 11, 1, 9), every_hours=24),
                            posts=[SimPost(at=T(2026, 11, 20, 15), text=f"寻找失主：身份证号{ID_A}，请到派出所认领")]))
    text = (home / "mediawatch.toml").read_text(encoding="utf-8").replace(
        "[weibo]\n", f"[weibo]\napi_base = \"{server.base}\"\nvisitor_base = \"{server.base}\"\n")
    (home / "mediawatch.toml").write_text(text, encoding="utf-8")
    (tmp_path / "a.csv").write_text("account_id,platform,name,owner_unit,platform_id,source\n"
                                    "wb,weibo,XX发布,区委宣传部,9900000001,weibo_api\n", encoding="utf-8")
    cli("accounts", "import", str(tmp_path / "a.csv"))
    cli("check", now=NOW)
    listed = json.loads(cli("warnings", "--format", "json", now=NOW).stdout)
    leaks = [w for w in listed if w["rule"] == "privacy_leak"]
    assert len(leaks) == 1
    hit = leaks[0]["evidence"]["hits"][0]
    assert hit["masked"] == "110105********002X" and hit["post_id"]
    assert ID_A.encode() not in (home / "mediawatch.db").read_bytes()


def test_page_findings_for_explain():
    html = (f"<html><body><p>身份证号：{ID_A}</p><div style='font-size:0'><a href='http://bet.example.com/'>x</a></div>"
            "<script src='https://cdn.example.net/a.js'></script><p>网站说明</p></body></html>")
    found = page_findings(parse_html(html), "http://www.xxq.example.gov.cn/", config_module.defaults(),
                          now=clock.parse_datetime(NOW))
    kinds = [(f["rule"], f["kind"]) for f in found]
    assert ("privacy_leak", "id_card") in kinds and ("hidden_links", "hidden") in kinds
    frame = [f for f in found if f["rule"] == "tamper_suspected"][0]
    assert frame["script_hosts"] == ["cdn.example.net"]
    assert ID_A not in json.dumps(found, ensure_ascii=False)
