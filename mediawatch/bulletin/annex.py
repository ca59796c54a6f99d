"""The bulletin's annex: ``annex.xlsx`` (sheets: accounts, units, problems, trend) and ``annex.csv`` (accounts).

Written with openpyxl in write-only mode, row by row, so 10,000 accounts cost little memory.
The CSV is UTF-8 with a BOM, which Excel opens without garbling the Chinese.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from mediawatch import clock
from mediawatch.bulletin.document import Document
from mediawatch.formulas import csv_row, xlsx_row

STATE_TITLES = {"open": "未整改", "overdue": "逾期未整改", "resolved": "已整改"}


def _result(row: dict[str, Any]) -> str:
    if not row["checked"]:
        return "未检查"
    return "不合格" if row["failing"] else "合格"


def account_columns(doc: Document) -> list[tuple[str, Any]]:
    return [
        ("账号编号", lambda r: r["account_id"]),
        ("平台", lambda r: r["platform_title"]),
        ("名称", lambda r: r["name"]),
        ("主办单位", lambda r: r["owner_unit"]),
        ("主管单位", lambda r: r["supervisor_unit"]),
        ("地址", lambda r: r["url"]),
        ("本月成功检查次数", lambda r: r["checks_ok"]),
        ("本月检查失败次数", lambda r: r["checks_failed"]),
        ("检查结果", _result),
        ("本月问题数", lambda r: r["problems"]),
        ("问题类型", lambda r: r["problem_types"]),
        ("月末未整改预警数", lambda r: r["open_end"]),
        ("月末逾期预警数", lambda r: r["overdue_end"]),
        (f"{doc.window_label}预警次数", lambda r: r["warnings_12m"]),
        ("建议关停整改", lambda r: "是" if r["candidate"] else ""),
        # issue 16: the 19号 verdict beside ours
        ("19号口径检查结果", lambda r: r.get("v19", "")),
        ("19号否决项", lambda r: r.get("v19_items", "")),
        ("19号判定依据", lambda r: r.get("v19_detail", "")),
        ("19号扣分指标得分", lambda r: r.get("v19_score", "")),
        ("19号扣分明细", lambda r: r.get("v19_deductions", "")),
    ]


def account_rows(doc: Document) -> list[list[Any]]:
    """The accounts sheet's rows (also the CSV's: made once for both)."""
    columns = account_columns(doc)
    return [[get(row) for _, get in columns] for row in doc.accounts.to_dict("records")]


def unit_rows(doc: Document) -> Iterable[list[Any]]:
    for r in doc.unit_table:
        yield [r["owner_unit"], r["registered"], r["checked"], r["failing"], r["passing"],
               f"{r['pass_rate']}%" if r["pass_rate"] is not None else "未检查", r["problems"], r["open_end"],
               r["overdue_end"], r["candidates"],
               f"{r['pass_rate_19']}%" if r.get("pass_rate_19") is not None else "未检查"]  # the last: issue 16


UNIT_HEADER = ["主办单位", "纳入监管账号数", "已检查", "不合格", "合格", "合格率", "本月问题数", "月末未整改预警数",
               "月末逾期预警数", "建议关停整改账号数", "19号口径合格率"]
PROBLEM_HEADER = ["预警编号", "主办单位", "平台", "名称", "账号编号", "问题类型", "来源", "问题描述", "检查时最后更新",
                  "发现时间", "整改期限", "月末状态"]
TREND_HEADER = ["月份", "已检查", "不合格", "合格", "合格率"]


def problem_rows(doc: Document) -> Iterable[list[Any]]:
    for unit in doc.units:
        for r in unit.rows:
            yield [r.warning_id, r.owner_unit, r.platform_title, r.account_name, r.account_id, r.problem,
                   r.source or "本系统监测", r.description, r.last_update or "",
                   clock.local(r.opened).date().isoformat(),
                   clock.local(r.deadline).date().isoformat() if r.deadline else "", STATE_TITLES[r.state]]


def trend_rows(doc: Document) -> Iterable[list[Any]]:
    for t in doc.trend:
        yield [t["month"], t["checked"], t["failing"], t["passing"],
               f"{t['pass_rate']}%" if t["pass_rate"] is not None else "无检查"]


def site_requirement_rows(doc: Document) -> tuple[list[str], list[list[Any]]]:
    """Issue 16: the 网站基本要求 sheet (国办发〔2017〕47号), one row per website."""
    from mediawatch.bulletin.verdicts import SITE_HEADERS

    table = doc.site_requirements or {"items": [], "rows": []}
    header = ["网站", "主办单位", "检测日期"] + [SITE_HEADERS[i] for i in table["items"]]
    rows = [[r["name"], r["owner_unit"], r["checked_on"] or "未检测"] + [r.get(i, "") for i in table["items"]]
            for r in table["rows"]]
    return header, rows


def _sheet(book: Workbook, title: str, header: list[str], rows: Iterable[list[Any]], widths: list[int]) -> None:
    sheet = book.create_sheet(title)
    for i, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + i)].width = width
    sheet.freeze_panes = "A2"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="EDEDED")
    cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font, cell.fill, cell.alignment = bold, fill, Alignment(wrap_text=True, vertical="center")
        cells.append(cell)
    sheet.append(cells)
    for row in rows:
        sheet.append(xlsx_row(sheet, row))


def write(doc: Document, folder: Path) -> tuple[Path, Path]:
    book = Workbook(write_only=True)
    header = [name for name, _ in account_columns(doc)]
    accounts = account_rows(doc)
    _sheet(book, "账号明细", header, accounts, [16, 14, 24, 22, 18, 30, 10, 10, 10, 10, 24, 10, 10, 10, 10])
    _sheet(book, "单位汇总", UNIT_HEADER, unit_rows(doc), [24, 10, 8, 8, 8, 10, 10, 10, 10, 12])
    _sheet(book, "问题清单", PROBLEM_HEADER, problem_rows(doc), [10, 22, 14, 24, 16, 14, 18, 40, 14, 12, 12, 12])
    _sheet(book, "合格率趋势", TREND_HEADER, trend_rows(doc), [10, 10, 10, 10, 10])
    site_header, site_rows = site_requirement_rows(doc)  # issue 16
    _sheet(book, "网站基本要求", site_header, site_rows, [24, 22, 12] + [16] * (len(site_header) - 3))
    if getattr(doc, "interaction", None):  # issue 15: 互动交流 yearly figures
        from mediawatch.bulletin import interaction_counts

        _sheet(book, "互动交流（年度）", interaction_counts.HEADER, interaction_counts.rows(doc.interaction),
               [16, 24, 22, 10, 12, 12, 12, 14, 18])
    xlsx = folder / "annex.xlsx"
    tmp = xlsx.with_name("annex.xlsx.tmp")
    book.save(tmp)
    tmp.replace(xlsx)

    path = folder / "annex.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(csv_row(row) for row in accounts)
    return xlsx, path
