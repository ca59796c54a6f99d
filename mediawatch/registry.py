"""The registry: ``accounts.csv`` (and ``columns.csv``) validated whole, then upserted in one transaction.

Any problem in any row: every problem is reported as ``FILE:LINE: column: reason`` and nothing
is written. Accounts missing from a new import become inactive; none is ever deleted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediawatch import clock
from mediawatch.config import FEED_PLATFORMS, PLATFORMS
from mediawatch.csvfile import MAX_ROWS, CsvTable, read_table
from mediawatch.errors import ImportFileError
from mediawatch.fields import column_limits, text_problems
from mediawatch.store import Store
from mediawatch.store.models import Account, Column
from mediawatch.transport import guard

ACCOUNT_REQUIRED = ("account_id", "platform", "name", "owner_unit")
ACCOUNT_OPTIONAL = ("supervisor_unit", "url", "platform_id", "feed_url", "source", "source_url",
                    "contact_email", "status")
COLUMN_REQUIRED = ("account_id", "column", "url", "category")
# interaction columns (issue 15): optional CSS or XPath selectors where the heuristics miss
SELECTOR_COLUMNS = ("item_selector", "asked_selector", "answered_selector", "status_selector",
                    "detail_answered_selector")
COLUMN_OPTIONAL: tuple[str, ...] = SELECTOR_COLUMNS

STATUSES = ("active", "suspended", "closed")
CATEGORIES = ("news", "notice", "policy", "personnel", "planning", "other", "interaction")
SOURCES = {
    "website": ("auto", "http"),
    "weibo": ("auto", "weibo_api", "feed", "posts_csv"),
    "wechat": ("auto", "feed", "wechat_json", "posts_csv"),
    # issue 16: toutiao, douyin, kuaishou, channels, xiaohongshu, bilibili, other
    **{platform: ("auto", "feed", "posts_csv") for platform in FEED_PLATFORMS},
}
EMAIL = re.compile(r"^[^@\s;,<>]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
ACCOUNT_ID = re.compile(r"^[A-Za-z0-9_.\-]{1,100}$")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    deactivated: int = 0
    unchanged: int = 0
    columns: int = 0
    encoding: str = "utf-8"
    messages: list[str] = field(default_factory=list)


def is_http_url(value: str) -> bool:
    return url_problem(value) is None


def url_problem(value: str) -> str | None:
    """Why ``value`` is not a URL we register, or None. Refused: what browsers and HTTP libraries
    read differently (a backslash, user info before an ``@``, control characters: the address
    guard would judge one host while another is reached), and anything not http(s) with a host."""
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value):
        return "contains a control character (a line break or tab inside the URL?)"
    if "\\" in value:
        return "contains a backslash; write '/'"
    try:
        normalized = guard.normalize(value)
        parts = urlsplit(normalized)
    except ValueError:
        return "is not an http(s) URL"
    if parts.username is not None or parts.password is not None:
        return "contains user info before an '@'; give the plain address"
    return None


def split_emails(value: str) -> list[str]:
    return [e.strip() for e in re.split(r"[;；,，]", value or "") if e.strip()]


ACCOUNT_LIMITS = column_limits(Account, ("account_id", "name", "owner_unit", "supervisor_unit", "platform_id"))
COLUMN_LIMITS = column_limits(Column, ("column",))
EMAIL_MAX = 254  # RFC 5321: the longest usable address


def validate_accounts(table: CsvTable) -> list[str]:
    problems: list[str] = []
    seen: dict[str, int] = {}
    for row in table.rows:
        v = row.values
        p = lambda column, reason: problems.append(table.problem(row.line, column, reason))  # noqa: E731
        for column, reason in text_problems(v, ACCOUNT_LIMITS):
            p(column, reason)
        for column in ACCOUNT_REQUIRED:
            if not v.get(column):
                p(column, "required, empty")
        account_id = v.get("account_id", "")
        if account_id:
            if not ACCOUNT_ID.match(account_id):
                p("account_id", f"{account_id!r}: use letters, digits, '_', '-', '.' only")
            elif account_id in seen:
                p("account_id", f"duplicate {account_id!r} (first on line {seen[account_id]})")
            else:
                seen[account_id] = row.line
        platform = v.get("platform", "").lower()
        if platform and platform not in PLATFORMS:
            p("platform", f"unknown platform {v['platform']!r} (expected {', '.join(PLATFORMS)})")
            platform = ""
        for column in ("url", "feed_url"):
            if v.get(column) and (problem := url_problem(v[column])):
                p(column, f"{v[column]!r} {problem}")
        # source_url may be a file; when it is a URL, the same rules
        if v.get("source_url", "").lower().startswith(("http:", "https:")) and (problem := url_problem(v["source_url"])):
            p("source_url", f"{v['source_url']!r} {problem}")
        source = (v.get("source") or "auto").lower()
        if platform and source not in SOURCES[platform]:
            p("source", f"unknown source {v['source']!r} for {platform} (expected {', '.join(SOURCES[platform])})")
        if platform == "website" and not v.get("url"):
            p("url", "required for a website")
        if platform == "weibo" and not (v.get("platform_id") or v.get("feed_url") or v.get("source_url")):
            p("platform_id", "a weibo account needs its uid (platform_id) or a feed_url")
        if platform == "weibo" and v.get("platform_id") and not v["platform_id"].isdigit():
            p("platform_id", f"{v['platform_id']!r}: a Weibo uid is digits")
        if platform == "wechat" and not (v.get("feed_url") or v.get("source_url")):
            p("feed_url", "a wechat account needs a feed_url (or a source_url for wechat_json/posts_csv)")
        if platform in FEED_PLATFORMS and not (v.get("feed_url") or v.get("source_url")):  # issue 16
            p("feed_url", f"a {platform} account needs a feed_url (e.g. an RSSHub route) or a posts CSV in source_url")
        if source in ("wechat_json", "posts_csv") and not v.get("source_url"):
            p("source_url", f"required for source {source}")
        if source == "feed" and not v.get("feed_url"):
            p("feed_url", "required for source feed")
        if source == "weibo_api" and not v.get("platform_id"):
            p("platform_id", "required for source weibo_api")
        for email in split_emails(v.get("contact_email", "")):
            if not EMAIL.match(email) or len(email) > EMAIL_MAX:
                p("contact_email", f"{email!r} is not an email address")
        status = (v.get("status") or "active").lower()
        if status not in STATUSES:
            p("status", f"unknown status {v['status']!r} (expected {', '.join(STATUSES)})")
    return problems


def validate_columns(table: CsvTable, websites: set[str], known: set[str]) -> list[str]:
    problems: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    for row in table.rows:
        v = row.values
        p = lambda column, reason: problems.append(table.problem(row.line, column, reason))  # noqa: E731
        for column, reason in text_problems(v, COLUMN_LIMITS):
            p(column, reason)
        for column in COLUMN_REQUIRED:
            if not v.get(column):
                p(column, "required, empty")
        account_id = v.get("account_id", "")
        if account_id and account_id not in known:
            p("account_id", f"{account_id!r} is not in the accounts file")
        elif account_id and account_id not in websites:
            p("account_id", f"{account_id!r} is not a website account")
        if v.get("url") and (problem := url_problem(v["url"])):
            p("url", f"{v['url']!r} {problem}")
        if v.get("category") and v["category"].lower() not in CATEGORIES:
            p("category", f"unknown category {v['category']!r} (expected {', '.join(CATEGORIES)})")
        for column in SELECTOR_COLUMNS:
            if v.get(column):
                reason = selector_problem(v[column])
                if reason:
                    p(column, reason)
        key = (account_id, v.get("url", ""))
        if all(key) and key in seen:
            p("url", f"duplicate column URL for {account_id!r} (first on line {seen[key]})")
        elif all(key):
            seen[key] = row.line
    return problems


def selector_problem(selector: str) -> str | None:
    """Why a CSS or XPath selector cannot be used (None when it can)."""
    from lxml import etree

    try:
        if selector.startswith(("/", ".", "(")):
            etree.XPath(selector)
        else:
            from cssselect import GenericTranslator

            GenericTranslator().css_to_xpath(selector)
    except Exception as exc:  # noqa: BLE001 - any parse error is the operator's
        return f"{selector!r} is not a valid CSS or XPath selector ({exc.__class__.__name__})"
    return None


def read_accounts(path: Path, max_rows: int = MAX_ROWS) -> CsvTable:
    table = read_table(path, required=ACCOUNT_REQUIRED, optional=ACCOUNT_OPTIONAL, max_rows=max_rows)
    problems = validate_accounts(table)
    if problems:
        raise ImportFileError(problems)
    return table


def _account_values(v: dict[str, str]) -> dict[str, object]:
    def opt(column: str) -> str | None:
        return v.get(column) or None

    emails = split_emails(v.get("contact_email", ""))
    return {
        "platform": v["platform"].lower(),
        "name": v["name"],
        "owner_unit": v["owner_unit"],
        "supervisor_unit": opt("supervisor_unit"),
        "url": opt("url"),
        "platform_id": opt("platform_id"),
        "feed_url": opt("feed_url"),
        "source": (v.get("source") or "auto").lower(),
        "source_url": opt("source_url"),
        "contact_email": ";".join(emails) or None,
        "status": (v.get("status") or "active").lower(),
    }


def import_registry(store: Store, accounts_path: Path, columns_path: Path | None = None, *,
                    max_rows: int = MAX_ROWS) -> ImportResult:
    """Validate both files whole, then upsert in one transaction."""
    table = read_accounts(accounts_path, max_rows)
    column_table = None
    if columns_path is not None:
        column_table = read_table(columns_path, required=COLUMN_REQUIRED, optional=COLUMN_OPTIONAL,
                                  max_rows=max_rows)
        websites = {r.values["account_id"] for r in table.rows if r.values["platform"].lower() == "website"}
        known = {r.values["account_id"] for r in table.rows}
        problems = validate_columns(column_table, websites, known)
        if problems:
            raise ImportFileError(problems)
    result = ImportResult(encoding=table.encoding)
    now = clock.now()
    with store.session() as session:
        existing = {a.account_id: a for a in session.scalars(select(Account))}
        in_file: set[str] = set()
        for row in table.rows:
            values = _account_values(row.values)
            account_id = row.values["account_id"]
            in_file.add(account_id)
            account = existing.get(account_id)
            if account is None:
                account = Account(account_id=account_id, active=True, created_at=now, updated_at=now, **values)
                session.add(account)
                existing[account_id] = account
                result.created += 1
                continue
            changed = {k: val for k, val in values.items() if getattr(account, k) != val}
            if changed or not account.active:
                for k, val in changed.items():
                    setattr(account, k, val)
                account.active = True
                account.updated_at = now
                result.updated += 1
            else:
                result.unchanged += 1
        for account_id, account in existing.items():
            if account_id not in in_file and account.active:
                account.active = False
                account.updated_at = now
                result.deactivated += 1
        session.flush()
        if column_table is not None:
            result.columns = _upsert_columns(session, column_table, existing)
        result.messages.extend(one_account_per_platform(existing.values()))  # issue 16
    return result


def one_account_per_platform(accounts) -> list[str]:
    """123号 (国办发〔2018〕123号): 同一单位在同一平台原则上只开设一个政务新媒体账号. Findings, not errors:
    one line per owner unit and platform with more than one active new-media account."""
    from mediawatch.rules.catalog import PLATFORM_TITLES

    groups: dict[tuple[str, str], list[str]] = {}
    for account in accounts:
        if account.active and account.status != "closed" and account.platform != "website":
            groups.setdefault((account.owner_unit, account.platform), []).append(account.account_id)
    return [f"finding: {unit} has {len(ids)} {platform} accounts ({', '.join(sorted(ids))}): "
            f"123号 同一单位在同一平台原则上只开设一个{PLATFORM_TITLES.get(platform, platform)}账号"
            for (unit, platform), ids in sorted(groups.items()) if len(ids) > 1]


def _upsert_columns(session: Session, table: CsvTable, accounts: dict[str, Account]) -> int:
    wanted: dict[int, dict[str, dict[str, str]]] = {}
    for row in table.rows:
        account = accounts[row.values["account_id"]]
        wanted.setdefault(account.id, {})[row.values["url"]] = row.values
    current = session.scalars(select(Column)).all()
    by_key = {(c.account_pk, c.url): c for c in current}
    for column in current:
        column.active = column.url in wanted.get(column.account_pk, {})
    for account_pk, columns in wanted.items():
        for url, v in columns.items():
            column = by_key.get((account_pk, url))
            if column is None:
                column = Column(account_pk=account_pk, url=url)
                session.add(column)
            column.column = v["column"]
            column.category = v["category"].lower()
            column.selectors = {k: v[k] for k in SELECTOR_COLUMNS if v.get(k)} or None
            column.active = True
    return sum(len(c) for c in wanted.values())


def account_rows(session: Session, config, now) -> list[dict[str, object]]:
    """``accounts list``: each account with open warnings, 12-month count and closure status (the one SQL
    of store/reads.py, here through the session's connection)."""
    from mediawatch.store.reads import CoreReader, account_rows as rows

    return rows(CoreReader(session.connection()), config, now)
