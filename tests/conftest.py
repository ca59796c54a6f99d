"""Shared fixtures: a real local HTTP server, a fresh home folder, the CLI run in-process."""

from __future__ import annotations

import os
import traceback
from pathlib import Path

import pytest
from click.testing import CliRunner

from mediawatch import clock
from mediawatch.simulation.server import LocalServer

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def _reset_clock():
    clock.set_now(None)
    yield
    clock.set_now(None)


@pytest.fixture
def server():
    with LocalServer() as srv:
        yield srv


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A fresh home folder; its config lets checks reach 127.0.0.1 and turns politeness delays off."""
    path = tmp_path / "home"
    path.mkdir()
    (path / "mediawatch.toml").write_text(
        "[http]\nallow_private_addresses = true\ntimeout_seconds = 3\nbackoff_seconds = 0.05\n"
        "[weibo]\ndelay_seconds = 0.0\n[wechat]\ndelay_seconds = 0.0\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def db_url(home: Path) -> str:
    """SQLite in the home folder (the default an office runs)."""
    return f"sqlite:///{home / 'mediawatch.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db_url(request, home: Path) -> str:
    """The same test on SQLite and on a fresh PostgreSQL database (MEDIAWATCH_TEST_PG_URL, an admin URL).

    Without that variable the PostgreSQL half is skipped, except under CI, where it fails.
    """
    if request.param == "sqlite":
        return f"sqlite:///{home / 'mediawatch.db'}"
    pg = os.environ.get("MEDIAWATCH_TEST_PG_URL")
    if not pg:
        if os.environ.get("CI"):
            pytest.fail("CI must run the store tests on PostgreSQL: MEDIAWATCH_TEST_PG_URL is not set")
        pytest.skip("MEDIAWATCH_TEST_PG_URL not set")
    return _fresh_pg_database(pg)


def _fresh_pg_database(admin_url: str) -> str:
    import uuid

    from sqlalchemy import create_engine, text

    name = "mw_" + uuid.uuid4().hex[:12]
    engine = create_engine(admin_url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    base, _, _ = admin_url.rpartition("/")
    return f"{base}/{name}"


class Cli:
    """Runs ``mediawatch`` in-process with a home and database, as an operator would."""

    def __init__(self, home: Path, db_url: str):
        self.home = home
        self.db_url = db_url

    def __call__(self, *args: str, now: str | None = None, expect: int | None = 0):
        from mediawatch.cli import cli, main  # noqa: F401

        argv = ["--home", str(self.home), "--db", self.db_url]
        if now:
            argv += ["--now", now]
        runner = CliRunner()
        result = runner.invoke(_entry, argv + list(args), catch_exceptions=True)
        if expect is not None and result.exit_code != expect:
            detail = "".join(traceback.format_exception(*result.exc_info)) if result.exc_info else ""
            raise AssertionError(
                f"mediawatch {' '.join(args)} exited {result.exit_code}, expected {expect}\n"
                f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}\n{detail}")
        return result


def _entry_main(args=None):
    import sys

    from mediawatch.cli import main

    sys.argv = ["mediawatch"] + list(args or [])
    main()


import click  # noqa: E402


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True,
                                 "help_option_names": []})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def _entry(args):
    """Run the real ``main()`` (its error handling and exit codes included)."""
    _entry_main(args)


@pytest.fixture
def cli(home: Path, db_url: str) -> Cli:
    return Cli(home, db_url)


@pytest.fixture
def any_cli(home: Path, any_db_url: str) -> Cli:
    """``cli`` on SQLite and on PostgreSQL."""
    return Cli(home, any_db_url)
