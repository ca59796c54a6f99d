"""Hostile and mistaken input: refused with file, line and field (exit 2, nothing written), or
written out harmlessly (formulas as text); huge files refused without loading them."""

from __future__ import annotations

import csv
import io
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from mediawatch.app import App
from mediawatch.store.models import Account
from report_fixtures import load_month

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data" / "bulletin"
HEADER = "account_id,platform,name,owner_unit,url,contact_email\n"


def _accounts(cli, rows: str) -> Path:
    path = cli.home / "accounts.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


# --- control characters and lengths at import -----------------------------------------------------

@pytest.mark.parametrize("field, row", [
    ("owner_unit", 'edu,website,区教育局网站,"区教育局\n办公室",https://edu.example.gov.cn/,\n'),
    ("name", 'edu,website,"区教育局\x0b网站",区教育局,https://edu.example.gov.cn/,\n'),
    ("name", "edu,website," + "长" * 201 + ",区教育局,https://edu.example.gov.cn/,\n"),
    ("owner_unit", "edu,website,区教育局网站," + "单" * 201 + ",https://edu.example.gov.cn/,\n"),
    ("contact_email", "edu,website,区教育局网站,区教育局,https://edu.example.gov.cn/," + "a" * 250 + "@x.gov.cn\n"),
])
def test_control_characters_and_overlong_values_are_refused_at_import(cli, field, row):
    path = _accounts(cli, "ok,website,区政府网站,区政府办,https://www.example.gov.cn/,\n" + row)
    result = cli("accounts", "import", str(path), expect=2)
    assert f"{path}:3: {field}:" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert cli("accounts", "list", "--format", "json").stdout.strip() == "[]"  # nothing written


def test_columns_file_names_are_checked_too(cli):
    path = _accounts(cli, "web,website,区政府网站,区政府办,https://www.example.gov.cn/,\n")
    columns = cli.home / "columns.csv"
    columns.write_text('account_id,column,url,category\nweb,"通知\r\n公告",https://www.example.gov.cn/tzgg/,notice\n',
                       encoding="utf-8")
    result = cli("accounts", "import", str(path), "--columns", str(columns), expect=2)
    assert f"{columns}:2: column:" in result.stderr


# --- huge files stream --------------------------------------------------------------------------

def _peak_rss_mb(args: list[str], home: Path) -> tuple[subprocess.CompletedProcess, float]:
    """Run the CLI in a child and return its peak resident memory (ru_maxrss of a fresh child)."""
    code = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
            "sys.stdout.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) + '\\n' + r.stderr); "
            "sys.exit(r.returncode)")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", code, sys.executable, "-m", "mediawatch", "--home", str(home)] + args,
                          capture_output=True, text=True, env=env, timeout=300)
    first, _, rest = done.stdout.partition("\n")
    return subprocess.CompletedProcess(done.args, done.returncode, rest, done.stderr), int(first) / 1024


@pytest.mark.parametrize("shape", ["rows", "one_line"])
def test_a_100_mb_accounts_file_is_refused_without_loading_it(tmp_path, shape):
    home = tmp_path / "home"
    home.mkdir()
    path = tmp_path / "accounts.csv"
    with open(path, "w", encoding="utf-8") as f:
        f.write(HEADER)
        if shape == "rows":
            block = "".join(f"acct{i},website,某某区某某局政府网站{i},某某区某某局,https://x{i}.example.gov.cn/,\n"
                            for i in range(10_000))
        else:
            block = "x" * 1_000_000
        while f.tell() < 100 * 1024 * 1024:
            f.write(block)
    done, peak = _peak_rss_mb(["accounts", "import", str(path)], home)
    assert done.returncode == 2, done.stdout
    assert f"{path}:" in done.stdout and "Traceback" not in done.stdout
    assert done.stdout.count("\n") < 300  # problems are listed up to a cap, not a million lines
    assert peak < 250, f"peak RSS {peak:.0f} MB to refuse a 100 MB file"


# --- formula injection --------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil.example/","点此")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,1)"]


def test_formulas_in_names_reach_annex_and_csv_as_text(home, db_url, cli):
    app = App(home, db_url)
    load_month(app.store, DATA / "month.json")
    with app.store.session() as s:
        ids = [a.id for a in s.query(Account).order_by(Account.id).limit(len(FORMULAS))]
        for pk, formula in zip(ids, FORMULAS):
            s.execute(update(Account).where(Account.id == pk).values(name=formula, owner_unit=formula + "单位"))
    app.close()
    cli("bulletin", "--month", "2026-10", now="2026-11-02T09:00:00+08:00")
    folder = home / "reports" / "2026-10"

    book = load_workbook(folder / "annex.xlsx")
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    hostile = [c for c in cells if c.value.lstrip().startswith(("=", "+", "-", "@"))]
    assert {c.value for c in hostile} >= set(FORMULAS)
    assert all(c.data_type == "s" for c in hostile), [(c.value, c.data_type) for c in hostile if c.data_type != "s"]

    rows = list(csv.reader(io.StringIO((folder / "annex.csv").read_text(encoding="utf-8-sig"))))
    texts = [cell for row in rows[1:] for cell in row]
    assert all(not cell.startswith(("=", "+", "-", "@")) for cell in texts), [c for c in texts if c[:1] in "=+-@"]
    assert {"'" + f for f in FORMULAS} <= set(texts)

    listed = list(csv.DictReader(io.StringIO(cli("accounts", "list", "--format", "csv").stdout)))
    names = {row["name"] for row in listed}
    assert {"'" + f for f in FORMULAS} <= names
    assert all(not row[k].startswith(("=", "+", "-", "@")) for row in listed for k in ("name", "owner_unit"))


# --- config values ------------------------------------------------------------------------------

@pytest.mark.parametrize("toml, key", [
    ("[schedule]\nprobes_per_day = 0\n", "schedule.probes_per_day"),
    ('[schedule]\ndaily_check_time = "25:99"\n', "schedule.daily_check_time"),
    ("[http]\ntimeout_seconds = nan\n", "http.timeout_seconds"),
    ("[http]\ntimeout_seconds = inf\n", "http.timeout_seconds"),
    ("[http]\nretries = -1\n", "http.retries"),
    ("[http]\nbackoff_seconds = -0.5\n", "http.backoff_seconds"),
    ("[warnings]\ndeadline_days = -10\n", "warnings.deadline_days"),
    ("[rules]\nunavailable_failure_ratio = 1.5\n", "rules.unavailable_failure_ratio"),
    ("[rules]\ncolumn_max_silence_days = { news = 0 }\n", "rules.column_max_silence_days.news"),
    ("[closure]\nmax_warnings = -1\n", "closure.max_warnings"),
    ("[schedule]\nbulletin_day = 31\n", "schedule.bulletin_day"),
    ('[http]\nallowed_private_networks = ["10.0.0.0/33"]\n', "http.allowed_private_networks"),
])
def test_bad_config_values_exit_2_naming_the_key(cli, toml, key):
    (cli.home / "mediawatch.toml").write_text(toml, encoding="utf-8")
    result = cli("accounts", "list", expect=2)
    assert key in result.stderr and "Traceback" not in result.stderr


# --- dates out of range -------------------------------------------------------------------------

@pytest.mark.parametrize("args, now", [
    (("bulletin", "--month", "0000-01"), None),
    (("bulletin", "--month", "9999-12"), None),
    (("bulletin", "--month", "2026-10"), "9999-12-25"),
    (("check",), "9999-12-25"),
    (("accounts", "list"), "0001-01-01T00:00:00+00:00"),
])
def test_dates_out_of_range_exit_2_without_a_trace(cli, args, now):
    result = cli(*args, now=now, expect=2)
    assert ("--month" in result.stderr or "--now" in result.stderr) and "Traceback" not in result.stderr
    reports = cli.home / "reports"
    assert not reports.exists() or not any(reports.iterdir())
