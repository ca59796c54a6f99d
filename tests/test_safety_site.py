"""互动回应差 and 安全 end to end: a local site over real HTTP, `mediawatch check`, warnings, masked evidence."""

from __future__ import annotations

import io
import json
import time
import tracemalloc

import pytest

from mediawatch.simulation.server import Reply

ID_A = "11010519491231002X"  # GB 11643-1999's own worked examples
ID_B = "440524188001010014"
UNIT_MOBILE = "13900001111"
NOW = "2026-11-21T10:00:00+08:00"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def page(body: str, title: str = "XX区民政局") -> str:
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head><body>{body}</body></html>"


HOME = page(f"""
<div class="header"><h1>XX区民政局</h1></div>
<ul class="nav"><li><a href="/ly/">局长信箱</a></li><li><a href="/gs/1.html">低保对象公示</a></li></ul>
<ul class="news"><li><a href="/xw/1.html">民政局召开年度工作会议</a><span>2026-11-20</span></li></ul>
<div style="font-size:0"><a href="http://www.zj.gov.cn/">浙江省人民政府</a></div>
<p>友情链接：<a href="http://www.people.com.cn/">人民网</a></p>
<div class="footer">主办：XX区民政局 值班电话：{UNIT_MOBILE} 地址：XX路1号</div>
""")

LIST_GBK = page("""
<table class="list">
<tr><th>标题</th><th>留言时间</th><th>回复时间</th><th>状态</th></tr>
<tr><td><a href="/ly/1.html">关于小区停水的咨询</a></td><td>2026-06-01</td><td>2026-08-31</td><td>已回复</td></tr>
<tr><td><a href="/ly/2.html">关于路灯维修的建议</a></td><td>2026-07-01</td><td></td><td>已回复</td></tr>
<tr><td><a href="/ly/3.html">关于学校招生的问题</a></td><td>2026-08-01</td><td></td><td>办理中</td></tr>
<tr><td><a href="/ly/4.html">关于夜间噪音扰民</a></td><td>2026-11-01</td><td></td><td>未回复</td></tr>
</table>""", title="局长信箱").replace("charset='utf-8'", "charset='gbk'")

DETAIL_2 = page("<h2>关于路灯维修的建议</h2><p>留言时间：2026-07-01</p><p>回复单位：区民政局</p>"
                "<p>回复时间：2026-09-28</p><p>回复内容：已转交相关部门处理。</p>", title="留言详情")

NOTICE = page(f"""
<h2>2026年第三季度低保对象公示</h2>
<p>张三 身份证号：{ID_A}</p>
<p>李四 身份证号：110105********002X（已脱敏）</p>
<p>王五 身份证号：{ID_A[:17]}5（校验位不对，不是身份证号）</p>
<p>统一社会信用代码：{ID_B}</p>
<p><a href="/files/mingdan.xlsx">附件：补贴发放名单.xlsx</a></p>
<p><a href="/files/big.xlsx">附件：全区统计（大文件）.xlsx</a></p>
<p><a href="/files/chunked.xlsx">附件：全区统计（分块传输）.xlsx</a></p>
""", title="公示")


def xlsx_second_sheet() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["补贴发放名单，共2人"])
    sheet = book.create_sheet("名单")
    sheet.append(["序号", "姓名", "身份证号码", "银行卡号"])
    sheet.append([1, "赵六", ID_B, "4111111111111111"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def site(server, home, tmp_path, cli):
    server.route("/", Reply(body=HOME))
    server.route("/ly/", Reply(body=LIST_GBK.encode("gbk"), content_type="text/html; charset=gbk"))
    server.route("/ly/2.html", Reply(body=DETAIL_2))
    for n in (1, 3, 4):
        server.route(f"/ly/{n}.html", Reply(body=page(f"<p>留言{n}</p>")))
    server.route("/gs/1.html", Reply(body=NOTICE))
    server.route("/xw/1.html", Reply(body=page("<p>会议内容</p>")))
    server.route("/files/mingdan.xlsx", Reply(body=xlsx_second_sheet(), content_type=XLSX))
    server.route("/files/big.xlsx", Reply(body=b"PK\x03\x04", filler_bytes=30_000_000, content_type=XLSX))
    server.route("/files/chunked.xlsx", Reply(body=b"PK\x03\x04", filler_bytes=30_000_000, content_type=XLSX,
                                              chunked=True))
    with (home / "mediawatch.toml").open("a", encoding="utf-8") as f:
        f.write("[crawl]\ncheck_external_links = false\n")
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("account_id,platform,name,owner_unit,url,contact_email\n"
                        f"site-mzj,website,XX区民政局,区民政局,{server.url('/')},mzj@example.gov.cn\n", encoding="utf-8")
    columns = tmp_path / "columns.csv"
    columns.write_text("account_id,column,url,category\n"
                       f"site-mzj,局长信箱,{server.url('/ly/')},interaction\n", encoding="utf-8")
    cli("accounts", "import", str(accounts), "--columns", str(columns))
    return server


def warnings_by_rule(cli, status="all") -> dict:
    listed = json.loads(cli("warnings", "--status", status, "--format", "json", now=NOW).stdout)
    return {w["rule"]: w for w in listed}


def test_interaction_privacy_and_links_on_a_local_site(site, cli, home):
    tracemalloc.start()
    started = time.monotonic()
    cli("check", now=NOW)
    elapsed = time.monotonic() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    found = warnings_by_rule(cli)

    late = found["interaction_unanswered"]["evidence"]
    assert [(m["title"], m["state"], m["days"]) for m in late["messages"]] == [
        ("关于小区停水的咨询", "answered_late", 91), ("关于学校招生的问题", "unanswered", 112)]
    assert late["judged"] == 4  # the day-89 answer read from its detail page is judged and on time
    assert "interaction_unavailable" not in found

    leak = found["privacy_leak"]["evidence"]
    where = sorted((h["kind"], h["masked"], h["where"], (h["attachment"] or "").rsplit("/", 1)[-1]) for h in leak["hits"])
    assert where == [
        ("bank_card", "4111********1111", "工作表“名单” 第2行", "mingdan.xlsx"),
        ("id_card", "110105********002X", "正文", ""),
        ("id_card", "440524********0014", "工作表“名单” 第2行", "mingdan.xlsx"),
    ]
    notes = {s["url"].rsplit("/", 1)[-1]: s["note"] for s in leak["attachments_skipped"]}
    assert set(notes) == {"big.xlsx", "chunked.xlsx"} and all("10MB" in n for n in notes.values())
    assert "30.0MB" in notes["big.xlsx"]  # the announced length: never downloaded
    assert elapsed < 60
    sent = {r.path: r.sent_bytes for r in site.requests if r.method == "GET"}
    assert sent.get("/files/big.xlsx", 0) == 0
    # cut just past the 10 MB cap (what the server wrote includes the sockets' buffers)
    assert sent["/files/chunked.xlsx"] < 20_000_000
    assert peak < 40_000_000, peak  # two 30 MB files, and the check never held more than the cap twice over

    assert "hidden_links" not in found  # a hidden .gov.cn link and a visible 人民网 link are not hits

    # the annex's yearly interaction figures (政府网站工作年度报表)
    cli("bulletin", "--month", "2026-11", now=NOW)
    import openpyxl

    sheet = openpyxl.load_workbook(home / "reports" / "2026-11" / "annex.xlsx")["互动交流（年度）"]
    assert list(sheet.iter_rows(values_only=True))[1] == ("site-mzj", "XX区民政局", "区民政局", 1, 4, 2, 2, 90.0, 2)
    bulletin = (home / "reports" / "2026-11" / "bulletin.html").read_text(encoding="utf-8")
    assert "泄露个人隐私" in bulletin and "互动回应差" in bulletin

    # the owner's notice shows each finding, numbers masked; no full number anywhere
    cli("notices", now=NOW)
    notice = "".join(p.read_text(encoding="utf-8") for p in (home / "reports" / "notices").rglob("*.html"))
    for shown in ("440524********0014", "工作表“名单” 第2行", "关于小区停水的咨询", "未回复", "泄露个人隐私", "互动回应差"):
        assert shown in notice, shown
    blobs = [(home / "mediawatch.db").read_bytes()]
    blobs += [p.read_bytes() for p in (home / "reports").rglob("*") if p.is_file()]
    for blob in blobs:
        for number in (ID_A, ID_B, "4111111111111111"):
            assert number.encode() not in blob


def test_a_message_list_that_stops_for_a_year_and_a_404_column(server, home, tmp_path, cli):
    server.route("/", Reply(body=HOME))
    old = page('<ul><li><a href="/a/1.html">旧留言一条</a><span>2025-10-01</span><span>已回复</span>'
               '<span>2025-10-03</span></li></ul>')
    server.route("/old/", Reply(body=old))
    server.route("/gone/", Reply(status=404, body=page("not found")))
    with (home / "mediawatch.toml").open("a", encoding="utf-8") as f:
        f.write("[crawl]\ncheck_external_links = false\nmax_pages = 0\n")
    (tmp_path / "a.csv").write_text("account_id,platform,name,owner_unit,url\n"
                                    f"s,website,XX,区XX局,{server.url('/')}\n", encoding="utf-8")
    (tmp_path / "c.csv").write_text("account_id,column,url,category\n"
                                    f"s,旧信箱,{server.url('/old/')},interaction\n"
                                    f"s,咨询,{server.url('/gone/')},interaction\n", encoding="utf-8")
    cli("accounts", "import", str(tmp_path / "a.csv"), "--columns", str(tmp_path / "c.csv"))
    cli("check", now=NOW)
    found = warnings_by_rule(cli)
    columns = found["interaction_unavailable"]["evidence"]["columns"]
    assert sorted((c["column"], c["reason"]) for c in columns) == [("咨询", "unreachable"), ("旧信箱", "no_messages")]
    assert "interaction_unanswered" not in found  # nothing within the year to judge: unknown


def test_tampering_is_pending_until_confirmed_and_a_dismissal_moves_the_baseline(server, home, tmp_path, cli):
    frame = "".join(f"<p>栏目说明第{i}段</p>" for i in range(6))
    server.route("/", Reply(body=page(frame + '<script src="https://hm.baidu.com/hm.js"></script>')))
    (tmp_path / "a.csv").write_text("account_id,platform,name,owner_unit,url,contact_email\n"
                                    f"s,website,XX,区XX局,{server.url('/')},a@example.gov.cn\n", encoding="utf-8")
    with (home / "mediawatch.toml").open("a", encoding="utf-8") as f:
        f.write("[crawl]\ncheck_external_links = false\n")
    cli("accounts", "import", str(tmp_path / "a.csv"))
    cli("check", now="2026-11-20T10:00:00+08:00")  # the baseline
    assert "tamper_suspected" not in warnings_by_rule(cli)
    count = lambda: json.loads(cli("accounts", "list", "--format", "json", now=NOW).stdout)[0]["warnings_12m"]  # noqa: E731
    before = count()
    server.route("/", Reply(body=page(frame + '<script src="https://hm.baidu.com/hm.js"></script>'
                                            '<script src="http://evil.example.net/x.js"></script>')))
    cli("check", now=NOW)
    pending = warnings_by_rule(cli)["tamper_suspected"]
    assert pending["status"] == "pending" and pending["deadline"] is None
    assert pending["evidence"]["new_hosts"] == ["evil.example.net"]
    assert json.loads(cli("closure", "--format", "json", now=NOW).stdout) == []
    assert count() == before  # pending: not counted
    cli("notices", now=NOW)
    assert not list((home / "reports").rglob("*.html")) or "evil.example.net" not in "".join(
        p.read_text(encoding="utf-8") for p in (home / "reports").rglob("*.html"))

    cli("warnings", "confirm", str(pending["id"]), now="2026-11-21T11:00:00+08:00")
    confirmed = warnings_by_rule(cli)["tamper_suspected"]
    assert confirmed["status"] == "open" and confirmed["deadline"].startswith("2026-12-01T11:00:00")
    assert count() == before + 1
    cli("warnings", "confirm", str(pending["id"]), expect=2)
    # the owner removes the script: the confirmed warning resolves like any other
    server.route("/", Reply(body=page(frame + '<script src="https://hm.baidu.com/hm.js"></script>')))
    cli("check", now="2026-11-21T20:00:00+08:00")
    assert warnings_by_rule(cli)["tamper_suspected"]["status"] == "resolved"

    # the next change: dismissed, and the page as it is becomes the baseline
    server.route("/", Reply(body=page(frame + '<script src="https://hm.baidu.com/hm.js"></script>'
                                            '<script src="https://stats.example.org/s.js"></script>')))
    cli("check", now="2026-11-22T10:00:00+08:00")
    second = [w for w in json.loads(cli("warnings", "--status", "pending", "--format", "json").stdout)]
    assert [w["evidence"]["new_hosts"] for w in second] == [["stats.example.org"]]
    cli("warnings", "dismiss", str(second[0]["id"]), expect=2)  # --reason is required
    cli("warnings", "dismiss", str(second[0]["id"]), "--reason", "新增网站统计脚本", now="2026-11-22T11:00:00+08:00")
    cli("check", now="2026-11-23T10:00:00+08:00")
    assert json.loads(cli("warnings", "--status", "pending", "--format", "json").stdout) == []
    shown = cli("warnings", "show", str(second[0]["id"])).stdout
    assert "dismissed" in shown and "新增网站统计脚本" in shown


def test_an_unchanged_attachment_is_not_read_again_and_its_hits_still_count(server, home, tmp_path, cli):
    server.route("/", Reply(body=page('<p><a href="/files/mingdan.xlsx">附件：名单.xlsx</a></p>')))
    server.route("/files/mingdan.xlsx", Reply(body=xlsx_second_sheet(), content_type=XLSX, headers={"ETag": '"v1"'}))
    with (home / "mediawatch.toml").open("a", encoding="utf-8") as f:
        f.write("[crawl]\ncheck_external_links = false\n")
    (tmp_path / "a.csv").write_text("account_id,platform,name,owner_unit,url\n"
                                    f"s,website,XX,区XX局,{server.url('/')}\n", encoding="utf-8")
    cli("accounts", "import", str(tmp_path / "a.csv"))
    cli("check", now="2026-11-20T10:00:00+08:00")
    cli("check", now=NOW)
    gets = [r for r in server.requests if r.path == "/files/mingdan.xlsx" and r.method == "GET"]
    assert len(gets) == 1  # the second day: a HEAD only
    leak = warnings_by_rule(cli)["privacy_leak"]
    assert leak["status"] == "open" and leak["evidence"]["count"] == 2
    server.route("/files/mingdan.xlsx", Reply(status=404, body=page("404")))
    cli("check", now="2026-11-22T10:00:00+08:00")
    assert warnings_by_rule(cli)["privacy_leak"]["status"] == "resolved"


def test_a_bad_illegal_site_dictionary_fails_only_these_checks(server, home, tmp_path, cli):
    server.route("/", Reply(body=HOME))
    (home / "words.csv").write_text("word,kind\n某词,weapons\n", encoding="utf-8")
    with (home / "mediawatch.toml").open("a", encoding="utf-8") as f:
        f.write('[crawl]\ncheck_external_links = false\nmax_pages = 0\n[hidden_links]\nextra_dictionaries = ["words.csv"]\n')
    (tmp_path / "a.csv").write_text("account_id,platform,name,owner_unit,url\n"
                                    f"s,website,XX,区XX局,{server.url('/')}\n", encoding="utf-8")
    cli("accounts", "import", str(tmp_path / "a.csv"))
    out = cli("check", now=NOW).stdout
    assert "1 checked, 0 check_failed" in out  # the home page, columns and links were still judged
    assert {"privacy_leak", "hidden_links", "tamper_suspected"}.isdisjoint(warnings_by_rule(cli))
