"""The monthly bulletin: figures against a month computed by hand, the document's sections, the annex."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from mediawatch.app import App
from mediawatch.bulletin import write_bulletin
from mediawatch.bulletin.period import parse_month
from mediawatch.errors import BadInput
from mediawatch.store.models import Bulletin
from report_fixtures import at, load_month, month_app  # noqa: F401 - month_app: the fixture ``app``

DATA = Path(__file__).resolve().parent / "data" / "bulletin"
EXPECTED = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))
ISSUED = at("2026-11-02 09:00")


@pytest.fixture
def result(app):
    return write_bulletin(app, "2026-10", now=ISSUED)


def test_figures_match_the_month_computed_by_hand(result):
    f = result.figures
    for key in ("registered", "checked", "unchecked", "failing", "passing", "pass_rate", "previous_pass_rate",
                "rate_change", "problems_total", "by_platform", "problems", "recheck", "method"):
        assert f[key] == EXPECTED[key], key
    assert list(f["problems"]) == EXPECTED["problem_order"]
    trend = {t["month"]: (None if t["pass_rate"] is None else
                          {k: t[k] for k in ("checked", "failing", "passing", "pass_rate")}) for t in f["trend"]}
    assert trend == EXPECTED["trend"]
    assert f["candidates"] == EXPECTED["candidates"]
    assert f["decisions"] == EXPECTED["decisions"]
    assert len(f["overdue_ids"]) == len(EXPECTED["overdue"])


def test_the_document_reads_like_a_bulletin(result):
    html = result.html.read_text(encoding="utf-8")
    assert "<script" not in html.lower()  # no script, and an account named <script> shows as text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;交通" in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")  # nothing to fetch
    assert "<link" not in html and "src=" not in html
    for text in ("XX区政府网站和政务新媒体2026年10月检查情况通报", "XX区人民政府办公室", "区府办通〔2026〕10号",
                 "国办秘函〔2019〕19号", "2026年10月1日至10月31日", "检查方式", "一、总体情况", "二、存在问题",
                 "三、关停整改", "四、工作要求", "合格率37.50%", "下降29.17个百分点", "2026年11月2日",
                 "2026年11月12日前",  # the rectification deadline: issued + 10 days
                 "近12个月合格率", "问题类型", "内容不更新2个（占33.33%", "逾期未整改的预警", "上月问题复核情况",
                 "已整改2个", "未整改1个", "整改率66.67%", "限期整改（2026-10-25）", "附件"):
        assert text in html, text
    assert html.count("<svg") == 4  # two charts, each drawn for wide and for narrow screens
    assert "<polyline" in html and "<rect" in html
    # problems by unit, with what the check saw
    for account_id, day in EXPECTED["last_updates"].items():
        assert day in html, account_id
    assert "省政务新媒体监管平台" in html  # an imported warning names its source
    assert "下月的预警" not in html and "下月的决定" not in html and "误报" not in html
    for row in EXPECTED["overdue"]:
        assert f"{row['days_overdue']}天</td>" in html
    assert "@media print" in html and "size: A4" in html


def test_annex_has_every_account_and_unit(result):
    book = load_workbook(result.xlsx, read_only=True)
    assert book.sheetnames == ["账号明细", "单位汇总", "问题清单", "合格率趋势", "网站基本要求"]  # the last: issue 16
    accounts = list(book["账号明细"].iter_rows(values_only=True))
    header, rows = accounts[0], accounts[1:]
    assert len(rows) == EXPECTED["registered"]
    by_id = {r[0]: dict(zip(header, r)) for r in rows}
    assert by_id["wx-town"]["检查结果"] == "未检查" and by_id["wb-xc"]["检查结果"] == "不合格"
    assert by_id["web-gov"]["检查结果"] == "合格"
    assert by_id["wb-closure"]["近12个月预警次数"] == EXPECTED["candidate_warnings"]
    assert by_id["wb-closure"]["建议关停整改"] == "是"
    assert "web-new" not in by_id and "wx-inactive" not in by_id

    units = list(book["单位汇总"].iter_rows(values_only=True))
    got = {r[0]: dict(zip(units[0], r)) for r in units[1:]}
    assert set(got) == set(EXPECTED["units"])
    for unit, want in EXPECTED["units"].items():
        row = got[unit]
        assert (row["纳入监管账号数"], row["已检查"], row["不合格"], row["合格"], row["本月问题数"],
                row["月末未整改预警数"], row["月末逾期预警数"], row["建议关停整改账号数"]) == (
            want["registered"], want["checked"], want["failing"], want["passing"], want["problems"],
            want["open_end"], want["overdue_end"], want["candidates"]), unit
        assert row["合格率"] == (f"{want['pass_rate']}%" if want["pass_rate"] is not None else "未检查"), unit

    problems = list(book["问题清单"].iter_rows(values_only=True))
    assert len(problems) - 1 == EXPECTED["problems_total"]
    states = {r[4]: r[11] for r in problems[1:]}
    titles = {"open": "未整改", "overdue": "逾期未整改", "resolved": "已整改"}
    assert states == {k: titles[v] for k, v in EXPECTED["states"].items()}

    with open(result.csv, encoding="utf-8-sig", newline="") as f:
        table = list(csv.reader(f))
    assert table[0] == list(header) and len(table) - 1 == EXPECTED["registered"]


def test_the_bulletin_is_recorded(app, result):
    with app.store.session() as s:
        row = s.scalar(select(Bulletin).where(Bulletin.month == "2026-10"))
    assert row.path == str(result.html) and row.figures["pass_rate"] == "37.50"
    assert result.html == app.home / "reports" / "2026-10" / "bulletin.html"


def test_a_month_without_checks_says_so(app, tmp_path):
    result = write_bulletin(app, "2026-06", out=tmp_path / "june", now=ISSUED)
    html = result.html.read_text(encoding="utf-8")
    assert result.figures["checked"] == 0 and result.figures["pass_rate"] is None
    assert "本月无检查记录" in html and "合格率37.50%" not in html
    assert (tmp_path / "june" / "annex.xlsx").exists() and (tmp_path / "june" / "annex.csv").exists()


def test_cli_bulletin(any_cli, home):
    cli = any_cli
    app = App(home, cli.db_url)
    load_month(app.store, DATA / "month.json")
    app.close()
    out = cli("bulletin", "--month", "2026-10", now="2026-11-02T09:00:00+08:00")
    assert "bulletin.html" in out.stdout and "pass rate 37.50%" in out.stdout
    assert (home / "reports" / "2026-10" / "annex.xlsx").exists()
    other = cli("bulletin", "--month", "2026-10", "--out", str(home / "elsewhere"))
    assert (home / "elsewhere" / "bulletin.html").exists() and other.exit_code == 0
    bad = cli("bulletin", "--month", "2026-13", expect=2)
    assert "--month" in bad.stderr


@pytest.mark.parametrize("text", ["2026-13", "2026/10", "10-2026", "", "2026-1"])
def test_bad_months_are_refused(text):
    with pytest.raises(BadInput):
        parse_month(text)


def test_office_settings_shape_the_heading(home, any_db_url):
    (home / "mediawatch.toml").write_text(
        '[office]\nname = "瓯海区人民政府办公室"\nshort_name = "瓯政办"\nphone = "0577-88888888"\n'
        '[bulletin]\nregion = "瓯海区"\ndoc_number = "{short_name}函〔{year}〕{month}号"\n'
        'requirements = "第一条要求，{deadline}前报送。\\n第二条要求。"\nrectify_days = 5\n', encoding="utf-8")
    app = App(home, any_db_url)
    try:
        load_month(app.store, DATA / "month.json")
        html = write_bulletin(app, "2026-10", now=ISSUED).html.read_text(encoding="utf-8")
    finally:
        app.close()
    assert "瓯海区政府网站和政务新媒体2026年10月检查情况通报" in html and "瓯政办函〔2026〕10号" in html
    assert "第一条要求，2026年11月7日前报送。</p>" in html and "第二条要求。</p>" in html
    assert "0577-88888888" in html


def test_the_trend_shortcut_agrees_with_the_full_count(app):
    """The trend's older months are counted by the database alone; they must equal the full computation."""
    from mediawatch.bulletin.figures import month_counts, month_status

    with app.store.session() as s:
        for key in ("2026-01", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"):
            month = parse_month(key)
            assert month_counts(s, month) == month_status(s, month).figures(), key
