"""The store: one SQLAlchemy engine over SQLite (default) or any SQLAlchemy URL, PostgreSQL included.

``open_store`` upgrades the schema to the newest migration; a database at a revision this
version does not know is refused rather than guessed at.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from mediawatch.errors import StoreError

DB_FILE = "mediawatch.db"
MIGRATIONS = Path(__file__).with_name("migrations")


def default_url(home: Path) -> str:
    return f"sqlite:///{(home / DB_FILE).resolve()}"


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    try:
        engine = create_engine(url, future=True)
    except Exception as exc:  # bad URL, missing driver
        raise StoreError(f"cannot open database {url!r}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def alembic_config(engine: Engine) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def upgrade(engine: Engine, revision: str = "head") -> None:
    known = {s.revision for s in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}
    current = current_revision(engine)
    if current is not None and current not in known:
        raise StoreError(
            f"the database is at schema revision {current}, which this version of mediawatch does not know; "
            "upgrade mediawatch")
    command.upgrade(alembic_config(engine), revision)


class Store:
    def __init__(self, engine: Engine):
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False, future=True)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error."""
        session = self.sessions()
        try:
            with session.begin():
                yield session
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


def open_store(url: str, *, migrate: bool = True) -> Store:
    engine = make_engine(url)
    if migrate:
        try:
            upgrade(engine)
        except StoreError:
            raise
        except Exception as exc:
            raise StoreError(f"cannot open database {engine.url!r}: {exc}") from exc
    return Store(engine)
