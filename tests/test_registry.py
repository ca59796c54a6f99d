"""The registry import: every row validated first, errors as FILE:LINE: column: reason, nothing written."""

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from mediawatch.store import open_store
from mediawatch.store.models import Account, Column, Warning

ROOT = Path(__file__).resolve().parent.parent
HEADER = "account_id,platform,name,owner_unit,url,platform_id,feed_url,contact_email,status\n"
GOOD = HEADER + (
    "site-a,website,区发改局网站,区发改局,https://fgj.example.gov.cn/,,,fgj@example.gov.cn,\n"
    "wb-a,weibo,XX发布,区委宣传部,,9900000001,,,active\n"
    "wx-a,wechat,XX财政,区财政局,,,https://rss.example.org/czj.xml,a@example.gov.cn;b@example.gov.cn,\n"
)


def write(tmp_path: Path, text: str, name: str = "accounts.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def accounts(db_url: str) -> dict[str, Account]:
    store = open_store(db_url)
    try:
        with store.session() as s:
            return {a.account_id: a for a in s.scalars(select(Account))}
    finally:
        store.dispose()


def test_example_registry_imports(cli):
    out = cli("accounts", "import", str(ROOT / "accounts.csv"), "--columns", str(ROOT / "columns.csv"))
    assert "16 new" in out.stdout and "10 columns" in out.stdout
    rows = json.loads(cli("accounts", "list", "--format", "json").stdout)
    assert len(rows) == 16
    portal = next(r for r in rows if r["account_id"] == "gov-portal")
    assert portal == {"account_id": "gov-portal", "platform": "website", "name": "XX区人民政府门户网站",
                      "owner_unit": "区大数据管理中心", "active": True, "open_warnings": 0, "warnings_12m": 0,
                      "closure_candidate": False}


def test_valid_import_stores_every_field(cli, tmp_path, db_url):
    cli("accounts", "import", str(write(tmp_path, GOOD)))
    found = accounts(db_url)
    assert set(found) == {"site-a", "wb-a", "wx-a"}
    assert found["site-a"].url == "https://fgj.example.gov.cn/" and found["site-a"].status == "active"
    assert found["wb-a"].platform_id == "9900000001"
    assert found["wx-a"].contact_email == "a@example.gov.cn;b@example.gov.cn"
    assert found["site-a"].created_at.tzinfo is not None


BAD_ROWS = [
    ("x1,blog,名称,单位,https://a.example.gov.cn/,,,,", "platform", "unknown platform 'blog'"),
    ("x1,website,名称,单位,,,,,", "url", "required for a website"),
    ("x1,website,名称,单位,ftp://a.example.gov.cn/,,,,", "url", "is not an http(s) URL"),
    ("x1,weibo,名称,单位,,,,,", "platform_id", "needs its uid"),
    ("x1,wechat,名称,单位,,,,,", "feed_url", "needs a feed_url"),
    ("site-a,website,名称,单位,https://b.example.gov.cn/,,,,", "account_id", "duplicate 'site-a' (first on line 2)"),
    ("x1,website,名称,单位,https://a.example.gov.cn/,,,not-an-email,", "contact_email", "is not an email address"),
    ("x1,website,名称,单位,https://a.example.gov.cn/,,,,retired", "status", "unknown status 'retired'"),
    ("x1,website,,单位,https://a.example.gov.cn/,,,,", "name", "required, empty"),
]


@pytest.mark.parametrize("row,column,reason", BAD_ROWS, ids=[c for _, c, _ in BAD_ROWS])
def test_bad_row_is_reported_and_nothing_written(cli, tmp_path, db_url, row, column, reason):
    cli("accounts", "import", str(write(tmp_path, GOOD, "before.csv")))
    before = accounts(db_url)
    path = write(tmp_path, GOOD + row + "\n")
    out = cli("accounts", "import", str(path), expect=2)
    assert f"{path}:5: {column}: " in out.stderr
    assert reason in out.stderr
    after = accounts(db_url)
    assert set(after) == set(before)
    assert all(after[k].updated_at == before[k].updated_at for k in before)


def test_all_errors_listed_at_once(cli, tmp_path):
    path = write(tmp_path, HEADER + "a,blog,n,u,,,,,\nb,website,n,u,,,,,\nc,weibo,n,u,,,,x@,\n")
    err = cli("accounts", "import", str(path), expect=2).stderr
    assert f"{path}:2: platform:" in err
    assert f"{path}:3: url:" in err
    assert f"{path}:4: platform_id:" in err
    assert f"{path}:4: contact_email:" in err


def test_unknown_column_and_empty_file(cli, tmp_path):
    path = write(tmp_path, "account_id,platform,name,owner_unit,wechat_no\nx,website,n,u,1\n")
    assert f"{path}:1: wechat_no: unknown column" in cli("accounts", "import", str(path), expect=2).stderr
    empty = write(tmp_path, "", "empty.csv")
    assert f"{empty}:1: (file): the file is empty" in cli("accounts", "import", str(empty), expect=2).stderr
    header_only = write(tmp_path, HEADER, "header.csv")
    assert f"{header_only}:2: (file): no rows" in cli("accounts", "import", str(header_only), expect=2).stderr


def test_missing_file_is_bad_input(cli, tmp_path):
    assert "cannot read" in cli("accounts", "import", str(tmp_path / "nope.csv"), expect=2).stderr


def test_gbk_and_bom_files(cli, tmp_path, db_url):
    cli("accounts", "import", str(write(tmp_path, GOOD, "gbk.csv", encoding="gb18030")))
    assert accounts(db_url)["site-a"].name == "区发改局网站"
    cli("accounts", "import", str(write(tmp_path, "\ufeff" + GOOD.replace("区发改局网站", "发改网站"), "bom.csv")))
    assert accounts(db_url)["site-a"].name == "发改网站"


def test_multiline_field_reports_starting_line(cli, tmp_path):
    text = HEADER + 'site-a,website,"两行\n名称",单位,https://a.example.gov.cn/,,,,\nx,blog,n,u,,,,,\n'
    path = write(tmp_path, text)
    assert f"{path}:4: platform:" in cli("accounts", "import", str(path), expect=2).stderr


def test_reimport_marks_missing_inactive_and_keeps_history(cli, tmp_path, db_url):
    cli("accounts", "import", str(write(tmp_path, GOOD)))
    store = open_store(db_url)
    from mediawatch import clock
    with store.session() as s:
        wb = s.scalar(select(Account).where(Account.account_id == "wb-a"))
        s.add(Warning(account_pk=wb.id, rule="not_updated", status="resolved", opened_at=clock.now(),
                      message="", evidence={}, updated_at=clock.now()))
    store.dispose()
    fewer = HEADER + GOOD.splitlines(keepends=True)[1] + GOOD.splitlines(keepends=True)[3]
    out = cli("accounts", "import", str(write(tmp_path, fewer, "fewer.csv")))
    assert "1 marked inactive" in out.stdout
    found = accounts(db_url)
    assert found["wb-a"].active is False and found["site-a"].active is True
    store = open_store(db_url)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Warning)) == 1
    store.dispose()
    rows = {r["account_id"]: r for r in json.loads(cli("accounts", "list", "--format", "json").stdout)}
    assert rows["wb-a"]["active"] is False
    cli("accounts", "import", str(write(tmp_path, GOOD, "again.csv")))
    assert accounts(db_url)["wb-a"].active is True


def test_columns_imported_in_same_transaction(cli, tmp_path, db_url):
    columns = write(tmp_path, "account_id,column,url,category\nsite-a,工作动态,https://fgj.example.gov.cn/gzdt/,news\n"
                              "wb-a,x,https://x.example.gov.cn/,news\n", "columns.csv")
    err = cli("accounts", "import", str(write(tmp_path, GOOD)), "--columns", str(columns), expect=2).stderr
    assert f"{columns}:3: account_id: 'wb-a' is not a website account" in err
    assert accounts(db_url) == {}
    bad_category = write(tmp_path, "account_id,column,url,category\nsite-a,工作动态,https://fgj.example.gov.cn/g/,blog\n",
                         "c2.csv")
    assert f"{bad_category}:2: category: unknown category" in cli(
        "accounts", "import", str(write(tmp_path, GOOD)), "--columns", str(bad_category), expect=2).stderr
    good = write(tmp_path, "account_id,column,url,category\nsite-a,工作动态,https://fgj.example.gov.cn/g/,news\n", "c3.csv")
    cli("accounts", "import", str(write(tmp_path, GOOD)), "--columns", str(good))
    store = open_store(db_url)
    with store.session() as s:
        cols = s.scalars(select(Column)).all()
        assert [(c.column, c.category, c.active) for c in cols] == [("工作动态", "news", True)]
    store.dispose()
