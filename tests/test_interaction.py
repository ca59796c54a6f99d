"""Message lists and message pages of interaction columns (留言, 咨询, 信箱): layouts, labels, selectors."""

from __future__ import annotations

from datetime import date

import pytest

from mediawatch.checkers.interaction import read_detail, read_list, status_of
from mediawatch.pages.html import parse_html
from mediawatch.registry import selector_problem

TODAY = date(2026, 11, 21)
BASE = "http://www.xxq.example.gov.cn/hd/"


def rows(messages):
    return [(m["title"], m["asked"], m["answered"], m["status"]) for m in messages]


def test_a_table_with_a_header_is_read_by_column():
    html = """<table><tr><th>序号</th><th>留言标题</th><th>来信时间</th><th>答复时间</th><th>办理情况</th></tr>
    <tr><td>1</td><td><a href="1.html">关于停车难的问题</a></td><td>2026/06/01</td><td>2026年8月31日</td><td>已办结</td></tr>
    <tr><td>2</td><td><a href="2.html">关于噪音的投诉</a></td><td>2026-10-01 09:12</td><td></td><td>处理中</td></tr>
    </table>"""
    assert rows(read_list(parse_html(html), BASE, TODAY)) == [
        ("关于噪音的投诉", "2026-10-01", None, "pending"),
        ("关于停车难的问题", "2026-06-01", "2026-08-31", "answered")]


def test_list_items_with_labelled_dates_and_status_words():
    html = """<ul class="list">
    <li><a href="/hd/a.html">咨询社保卡办理</a><span>留言时间：2026-09-01</span><span>回复时间：2026-09-03</span></li>
    <li><a href="/hd/b.html">建议增加公交班次</a><span class="st">未回复</span><span>2026-10-20</span></li>
    <li><a href="/hd/c.html">反映道路破损</a><em>2026-07-01</em><em>2026-07-10</em></li>
    </ul>"""
    assert rows(read_list(parse_html(html), BASE, TODAY)) == [
        ("建议增加公交班次", "2026-10-20", None, "pending"),
        ("咨询社保卡办理", "2026-09-01", "2026-09-03", "answered"),
        ("反映道路破损", "2026-07-01", "2026-07-10", "answered")]


def test_a_title_saying_办结_does_not_make_the_message_answered():
    html = '<ul><li><a href="/x.html">为何迟迟不办结我的申请</a><span>2026-10-01</span><span>未回复</span></li></ul>'
    assert rows(read_list(parse_html(html), BASE, TODAY)) == [("为何迟迟不办结我的申请", "2026-10-01", None, "pending")]


def test_selectors_read_a_layout_the_heuristics_miss():
    html = """<div class="board">
    <div class="msg"><h4><a href="/m/1">路灯不亮</a></h4><p class="meta">提交 <b>2026.05.02</b> · 处理 <i>2026.05.20</i></p></div>
    <div class="msg"><h4><a href="/m/2">河道垃圾</a></h4><p class="meta">提交 <b>2026.10.02</b></p><p class="s">待处理</p></div>
    </div>"""
    selectors = {"item_selector": "div.msg", "asked_selector": "p.meta b", "answered_selector": ".//p[@class='meta']/i",
                 "status_selector": "p.s"}
    assert rows(read_list(parse_html(html), BASE, TODAY, selectors)) == [
        ("河道垃圾", "2026-10-02", None, "pending"), ("路灯不亮", "2026-05-02", "2026-05-20", "answered")]


def test_a_message_page_gives_asked_and_answered_days():
    html = """<div class="detail"><h2>关于学校招生的问题</h2><p>留言人：市民</p><p>留言时间：2026-07-01 10:20</p>
    <p>留言内容：……</p><div class="reply"><p>答复单位：区教育局</p><p>答复时间：2026-09-28</p><p>答复内容：您好……</p></div></div>"""
    assert read_detail(parse_html(html), TODAY) == (date(2026, 7, 1), date(2026, 9, 28), "answered")
    waiting = "<p>提问时间：2026-08-01</p><p>状态：办理中</p>"
    assert read_detail(parse_html(waiting), TODAY) == (date(2026, 8, 1), None, "pending")


@pytest.mark.parametrize("text, status", [("已回复", "answered"), ("已办结", "answered"), ("未办结", "pending"),
                                          ("办理中", "pending"), ("待答复", "pending"), ("查看详情", None)])
def test_status_words(text, status):
    assert status_of(text) == status


def test_a_bad_selector_is_named():
    assert selector_problem("div.msg") is None and selector_problem(".//p[@class='x']") is None
    assert "not a valid" in selector_problem("div[[")
    assert "not a valid" in selector_problem("//p[")


def test_a_bad_selector_in_columns_csv_is_exit_2_naming_line_and_column(cli, tmp_path):
    (tmp_path / "a.csv").write_text("account_id,platform,name,owner_unit,url\ns,website,XX,区XX局,http://x.example.gov.cn/\n",
                                    encoding="utf-8")
    (tmp_path / "c.csv").write_text("account_id,column,url,category,item_selector\n"
                                    "s,信箱,http://x.example.gov.cn/hd/,interaction,div[[\n", encoding="utf-8")
    result = cli("accounts", "import", str(tmp_path / "a.csv"), "--columns", str(tmp_path / "c.csv"), expect=2)
    assert "c.csv:2: item_selector:" in result.stderr


def test_common_layouts_status_before_date_and_a_td_header_row():
    spans = """<ul class="xjlist">
    <li><span class="bt"><a href="/xj/1.html">关于农村饮水安全的反映</a></span><span class="zt">已回复</span><span class="sj">2026-03-02</span></li>
    <li><span class="sj">2026-10-09</span><span class="bt"><a href="/xj/2.html">关于小区物业收费的咨询</a></span><span class="zt">待处理</span></li>
    </ul>"""
    assert rows(read_list(parse_html(spans), BASE, TODAY)) == [
        ("关于小区物业收费的咨询", "2026-10-09", None, "pending"), ("关于农村饮水安全的反映", "2026-03-02", None, "answered")]
    table = """<table><tr><td>编号</td><td>信件标题</td><td>写信人</td><td>写信时间</td><td>处理部门</td><td>状态</td></tr>
    <tr><td>2026-0012</td><td><a href="/xj/3.html">路面积水</a></td><td>王**</td><td>2026-09-01</td><td>区住建局</td><td>已办结</td></tr>
    </table>"""
    assert rows(read_list(parse_html(table), BASE, TODAY)) == [("路面积水", "2026-09-01", None, "answered")]


# --- layouts met on real pages (tests/data/real/manifest-interaction.toml); simulated cases beside them ---


def test_a_header_row_of_labels_over_rows_of_cells_without_a_table():
    """Lonsun (龙讯) boards: <ul> of labels, then one <ul> per message; cells matched by class, not order."""
    html = """<div class="guestbook-table" id="message_list">
    <ul class="guestbook_title"><li class="t0">留言时间</li><li class="t5">办理状态</li><li class="t2">信件编号</li>
    <li class="t3">信件标题</li><li class="t4">受理单位</li></ul>
    <ul class="odd"><li class="t0">2026-10-02</li><li class="t5"><span style="color: #df0010">未回复</span></li>
    <li class="t2">20261002001</li><li class="t3"><a href="/content/article/2"><font>路灯不亮</font></a></li><li class="t4">区城管局</li></ul>
    <ul class="even"><li class="t5"><span>已回复</span></li><li class="t0">2026-06-01</li><li class="t2">20260601003</li>
    <li class="t3"><a href="/content/article/1"><font>河道垃圾</font></a></li><li class="t4">区水利局</li></ul>
    </div>
    <script id="list_template" type="text/html"><ul class="odd"><li class="t0"><?=el.createDate?></li></ul></script>"""
    assert rows(read_list(parse_html(html), BASE, TODAY)) == [
        ("路灯不亮", "2026-10-02", None, "pending"), ("河道垃圾", "2026-06-01", None, "answered")]


def test_a_header_row_and_its_rows_in_two_lists_side_by_side():
    html = """<ul class="head"><li><p class="p4">留言时间</p><p class="p3">办理状态</p><p class="p1">信件标题</p></li></ul>
    <ul class="list"><li class="odd"><p class="p4">2026-09-01</p><p class="p3">已回复</p>
    <p class="p1"><a href="/a/1">萧县雨露计划补助</a></p></li></ul>"""
    assert rows(read_list(parse_html(html), BASE, TODAY)) == [("萧县雨露计划补助", "2026-09-01", None, "answered")]


def test_a_news_header_row_is_not_a_message_list():
    from mediawatch.checkers.interaction_layouts import header_rows
    html = """<ul class="head"><li>标题</li><li>发布日期</li></ul>
    <ul class="row"><li><a href="/n/1">区政府召开常务会议</a></li><li>2026-10-01</li></ul>"""
    assert header_rows(parse_html(html), BASE, TODAY) == []


def test_messages_shown_whole_without_a_link():
    """咨询投诉 pages that show each message and its answer on the list, with no page of their own."""
    html = """<div class="zxts"><ul>
    <li><div class="lynr"><div class="xx"><span class="tou">留言内容</span> 请问城区老旧小区改造何时开始？</div>
        <div class="time">留言时间： 2026-02-15</div></div>
        <div class="hfnr"><div class="xx"><span class="tou">回复内容</span> 经了解，2026年3月1日已启动摸底，预计年内开工。</div>
        <div class="time">回复时间： 2026-02-20</div></div></li>
    <li><div class="lynr"><div class="xx"><span class="tou">留言内容</span> 我的低保申请一直处理中，已经半年了，怎么回事？</div>
        <div class="time">留言时间： 2026-03-01</div></div></li>
    <li><div class="lynr"><div class="xx"><span class="tou">留言内容</span> 小区门口路灯坏了很久</div>
        <div class="time">留言时间： 2026-04-02</div><span class="zt">未回复</span></div></li>
    </ul></div>"""
    got = read_list(parse_html(html), BASE, TODAY)
    assert [(m["asked"], m["answered"], m["status"]) for m in got] == [
        ("2026-04-02", None, "pending"),   # the badge says so
        ("2026-03-01", None, None),        # "处理中" is in the writer's own sentence: not a status, never "unanswered"
        ("2026-02-15", "2026-02-20", "answered")]  # 回复时间 wins over the day inside the answer's text
    assert got[2]["title"].startswith("请问城区老旧小区改造") and got[2]["url"].startswith(BASE + "#m")
    assert len({m["url"] for m in got}) == 3
    again = read_list(parse_html(html), BASE, TODAY)
    assert [m["url"] for m in again] == [m["url"] for m in got]  # stable between runs (the cache's key)


def test_an_automatic_pre_answer_is_not_the_answer():
    """Lonsun message pages: 智能预答复 links to similar answers the minute a letter arrives."""
    page = """<table class="liuyancon"><tr><th>来信时间：</th><td>2026-07-26 23:08</td></tr>
    <tr><th>智能预答复情况：</th><td><div class="message_nr_top">系统自动为您推送类似知识库的链接</div>
    <span class="lxsj">预答复时间：2026-07-26 23:08</span></td></tr>
    <tr><th>答复情况：</th><td><div>答复单位：区水利局 答复时间：
                 2026-07-28 14:55 </div><div class="dfyj"><p>答复意见：</p><p>您好……</p></div></td></tr></table>"""
    assert read_detail(parse_html(page), TODAY) == (date(2026, 7, 26), date(2026, 7, 28), "answered")
    waiting = """<table><tr><th>来信时间：</th><td>2026-08-01 09:00</td></tr>
    <tr><th>智能预答复情况：</th><td><span>预答复内容：</span><a href="/k/1">类似问题</a>
    <span>预答复时间：2026-08-01 09:00</span></td></tr></table>"""
    assert read_detail(parse_html(waiting), TODAY) == (date(2026, 8, 1), None, None)
    listed = """<ul><li><a href="/m/9">咨询医保</a><span>留言时间：2026-08-01</span><span>自动回复时间：2026-08-01</span></li></ul>"""
    assert rows(read_list(parse_html(listed), BASE, TODAY)) == [("咨询医保", "2026-08-01", None, None)]


def test_a_pre_answer_day_before_the_question_label_is_neither_day():
    html = """<ul><li><a href="/m/8">咨询公积金</a><span>预答复时间：2026-08-03</span><span>留言时间：2026-08-02</span>
    <span>已回复</span></li></ul>"""
    assert rows(read_list(parse_html(html), BASE, TODAY)) == [("咨询公积金", "2026-08-02", None, "answered")]
