"""The store: one SQLAlchemy engine over SQLite (default) or any SQLAlchemy URL, PostgreSQL included.

``open_store`` upgrades the schema to the newest migration; a database at a revision this
version does not know is refused rather than guessed at.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from typing import TYPE_CHECKING

from mediawatch.errors import StoreError

if TYPE_CHECKING:  # imported where used: a command that opens no database never loads them
    from alembic.config import Config as AlembicConfig
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session

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
    from sqlalchemy import create_engine, event

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
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def upgrade(engine: Engine, revision: str = "head") -> None:
    if revision == "head" and _at_head(engine):
        return  # the usual case, decided without loading alembic (~0.4 s of imports)
    from alembic import command
    from alembic.script import ScriptDirectory

    known = {s.revision for s in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}
    current = current_revision(engine)
    if current is not None and current not in known:
        raise StoreError(
            f"the database is at schema revision {current}, which this version of mediawatch does not know; "
            "upgrade mediawatch")
    command.upgrade(alembic_config(engine), revision)


_REVISION = re.compile(r"""^(down_revision|revision)\s*(?::[^=]*)?=\s*(.+?)\s*$""", re.M)


def _script_head() -> str | None:
    """The one head of the migration scripts, read from their ``revision``/``down_revision``
    lines; None when that is not plain (several heads, merges, computed ids): alembic decides."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = dict((key, value) for key, value in _REVISION.findall(path.read_text(encoding="utf-8")))
        revision, down = found.get("revision"), found.get("down_revision")
        if revision is None or not _quoted(revision) or (down not in (None, "None") and not _quoted(down)):
            return None
        revisions.add(revision.strip("\"'"))
        if down not in (None, "None"):
            parents.add(down.strip("\"'"))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _quoted(value: str) -> bool:
    return len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'"


def _at_head(engine: Engine) -> bool:
    head = _script_head()
    if head is None:
        return False
    from sqlalchemy import text

    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).fetchall()
    except Exception:  # noqa: BLE001 - no table yet (a new database): alembic creates it
        return False
    return [row[0] for row in rows] == [head]


class Store:
    def __init__(self, engine: Engine):
        from sqlalchemy.orm import sessionmaker

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
