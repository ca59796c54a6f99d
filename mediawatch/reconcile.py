"""``accounts reconcile FILE``: the registry against the list exported from the national
政务新媒体信息报送系统 (one row per account: account name, platform, unit, status).

The export is read like every import (UTF-8 or GBK, header checked, every problem reported as
``FILE:LINE: column: reason``, exit 2) and nothing is written. Headers may be English
(``account, platform, unit, status``) or the Chinese of the export (账号名称, 平台, 主办单位, 状态);
an optional ``account_id`` column (the office's id) matches first. Accounts are otherwise matched
by platform and name (full-width/half-width and white space folded).

Reported: registry accounts missing from the export (未报送), export rows missing from the
registry and running there (未纳入监管), accounts closed here (status ``closed`` or a ``closed``
decision) that the export still lists as running (关停未报备), and accounts the export lists as
closed that are still watched here.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediawatch.closure import latest_decisions
from mediawatch.config import PLATFORMS
from mediawatch.csvfile import CsvTable, decode, read_table
from mediawatch.errors import ImportFileError
from mediawatch.rules.integrity import normalise_name
from mediawatch.store.models import Account

ALIASES = {"账号名称": "account", "账号": "account", "平台": "platform", "平台类型": "platform",
           "主办单位": "unit", "开办主体": "unit", "状态": "status", "运行状态": "status", "账号编号": "account_id"}
REQUIRED = ("account", "platform", "unit", "status")
OPTIONAL = ("account_id",) + tuple(ALIASES)
PLATFORM_WORDS = {
    "微博": "weibo", "新浪微博": "weibo", "微信": "wechat", "微信公众号": "wechat", "公众号": "wechat",
    "今日头条": "toutiao", "头条号": "toutiao", "头条": "toutiao", "抖音": "douyin", "快手": "kuaishou",
    "视频号": "channels", "微信视频号": "channels", "小红书": "xiaohongshu", "哔哩哔哩": "bilibili", "b站": "bilibili",
    "其他": "other",
}
RUNNING = {"running", "active", "正常", "正常运行", "运行", "运营中", "在用"}
CLOSED = {"closed", "已关停", "关停", "已注销", "注销", "停用", "已停用"}
NEW_MEDIA = tuple(p for p in PLATFORMS if p != "website")


@dataclass
class ExportRow:
    line: int
    account: str
    platform: str
    unit: str
    running: bool
    account_id: str = ""


def _platform(value: str) -> str | None:
    key = value.strip().lower()
    if key in NEW_MEDIA:
        return key
    return PLATFORM_WORDS.get(key)


def read_export(path: Path) -> list[ExportRow]:
    # the export carries more columns than these (序号, 认证主体 ...): they are allowed and ignored
    text, _ = decode(Path(path))
    first = next((r for r in csv.reader(io.StringIO(text, newline="")) if any(c.strip() for c in r)), [])
    table = read_table(path, required=(), optional=tuple(dict.fromkeys(REQUIRED + OPTIONAL + tuple(
        c.strip() for c in first))))
    header = {ALIASES.get(name, name) for name in table.header}
    problems = [table.problem(1, name, "required column missing") for name in REQUIRED if name not in header]
    if problems:
        raise ImportFileError(problems)
    rows = []
    for row in table.rows:
        v = {ALIASES.get(k, k): value for k, value in row.values.items()}
        found = _row(table, row.line, v, problems)
        if found is not None:
            rows.append(found)
    if problems:
        raise ImportFileError(problems)
    return rows


def _row(table: CsvTable, line: int, v: dict[str, str], problems: list[str]) -> ExportRow | None:
    before = len(problems)
    for column in REQUIRED:
        if not v.get(column):
            problems.append(table.problem(line, column, "required, empty"))
    platform = _platform(v.get("platform", "")) if v.get("platform") else None
    if v.get("platform") and platform is None:
        problems.append(table.problem(line, "platform", f"unknown platform {v['platform']!r} "
                                                        f"(expected {', '.join(NEW_MEDIA)} or the export's Chinese name)"))
    status = v.get("status", "").strip().lower()
    if status and status not in RUNNING | CLOSED:
        problems.append(table.problem(line, "status", f"unknown status {v['status']!r} (expected 正常/running or "
                                                      f"已关停/已注销/closed)"))
    if len(problems) > before:
        return None
    return ExportRow(line, v["account"], platform, v["unit"], status in RUNNING, v.get("account_id", ""))


def reconcile(session: Session, path: Path) -> list[dict[str, str]]:
    """One row per difference: kind (missing_in_export | missing_in_registry | closure_not_filed | closed_in_export)."""
    export = read_export(path)
    closed = {pk for pk, d in latest_decisions(session).items() if d.decision == "closed"}
    accounts = [a for a in session.scalars(select(Account).order_by(Account.account_id))
                if a.platform != "website" and a.active]
    by_id = {a.account_id: a for a in accounts}
    by_name = {(a.platform, normalise_name(a.name)): a for a in accounts}
    matched: set[int] = set()
    found: list[dict[str, str]] = []
    for row in export:
        account = by_id.get(row.account_id) if row.account_id else None
        account = account or by_name.get((row.platform, normalise_name(row.account)))
        if account is None:
            if row.running:  # an account closed there and unknown here is as it should be
                found.append(_finding("missing_in_registry", "报送系统有、本系统未登记", row.account, row.platform,
                                      row.unit, f"{path}:{row.line}"))
            continue
        matched.add(account.id)
        closed_here = account.status == "closed" or account.id in closed
        if row.running and closed_here:
            found.append(_finding("closure_not_filed", "已关停但报送系统仍为正常", account.name, account.platform,
                                  account.owner_unit, f"{path}:{row.line}", account.account_id))
        elif not row.running and not closed_here:
            found.append(_finding("closed_in_export", "报送系统已关停、本系统仍在监管", account.name, account.platform,
                                  account.owner_unit, f"{path}:{row.line}", account.account_id))
    for account in accounts:
        if account.id not in matched and account.status != "closed" and account.id not in closed:
            found.append(_finding("missing_in_export", "本系统登记、报送系统未报送", account.name, account.platform,
                                  account.owner_unit, "", account.account_id))
    return found


def _finding(kind: str, title: str, name: str, platform: str, unit: str, where: str, account_id: str = "") -> dict:
    return {"kind": kind, "title": title, "account_id": account_id, "name": name, "platform": platform,
            "owner_unit": unit, "export_line": where}
