"""A command loads only what it uses: `--help` no database, HTTP or data library; an up-to-date database
opens without alembic (its head is read from the migration files)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("sqlalchemy", "alembic", "aiohttp", "requests", "pandas", "lxml", "openpyxl", "jinja2")


def loaded(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
                         capture_output=True, text=True, cwd=ROOT, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_help_loads_no_heavy_library():
    modules = loaded("from click.testing import CliRunner\nfrom mediawatch.cli import cli\n"
                     "assert CliRunner().invoke(cli, ['--help']).exit_code == 0")
    assert not {m for m in modules if m.split(".")[0] in HEAVY}


def test_an_up_to_date_database_opens_without_alembic(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    first = loaded(f"from mediawatch.store import open_store\nopen_store({url!r}).dispose()")
    assert "alembic" in first  # a new database is migrated by alembic
    again = loaded(f"from mediawatch.store import open_store, head_revision\nopen_store({url!r}).dispose()")
    assert "alembic" not in again
    revision = loaded(f"from mediawatch.store import make_engine, current_revision, head_revision\n"
                      f"assert current_revision(make_engine({url!r})) == head_revision()")
    assert "alembic" in revision  # (the check itself asks alembic, to be sure the file reading agrees)
