"""The store on SQLite and PostgreSQL: migrations, aware times, the open-warning guard."""

from datetime import datetime, timedelta, timezone

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from mediawatch.errors import StoreError
from mediawatch.store import alembic_config, current_revision, head_revision, make_engine, open_store, upgrade
from mediawatch.store.models import Account, Base, Warning

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone(timedelta(hours=8)))


def _account(**kw):
    values = dict(account_id="a1", platform="website", name="网站", owner_unit="单位", url="https://a.example.gov.cn/",
                  created_at=NOW, updated_at=NOW)
    values.update(kw)
    return Account(**values)


def test_migrations_build_exactly_the_models(any_db_url):
    engine = make_engine(any_db_url)
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []


def test_upgrade_keeps_existing_data(any_db_url):
    engine = make_engine(any_db_url)
    command.upgrade(alembic_config(engine), "0001")
    assert current_revision(engine) == "0001"
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO accounts (account_id, platform, name, owner_unit, url, source, status, active, created_at, "
            "updated_at) VALUES ('old-1', 'website', '旧网站', '区财政局', 'https://old.example.gov.cn/', 'auto', "
            "'active', true, '2025-01-01 00:00:00', '2025-01-01 00:00:00')"))
    engine.dispose()
    store = open_store(any_db_url)
    assert current_revision(store.engine) == head_revision()
    with store.session() as s:
        old = s.scalar(select(Account).where(Account.account_id == "old-1"))
        assert old.name == "旧网站" and old.owner_unit == "区财政局"
        assert old.created_at == datetime(2025, 1, 1, tzinfo=timezone.utc)
        s.add(Warning(account_pk=old.id, rule="unavailable", status="open", opened_at=NOW, message="", evidence={},
                      updated_at=NOW))
    store.dispose()


def test_times_come_back_aware_and_equal(any_db_url):
    store = open_store(any_db_url)
    with store.session() as s:
        s.add(_account())
    with store.session() as s:
        got = s.scalar(select(Account))
        assert got.created_at == NOW and got.created_at.tzinfo is not None
    store.dispose()


def test_naive_datetime_is_refused(any_db_url):
    store = open_store(any_db_url)
    with pytest.raises(Exception, match="naive"):
        with store.session() as s:
            s.add(_account(created_at=datetime(2026, 1, 1)))
    store.dispose()


def test_at_most_one_open_warning_per_account_and_rule(any_db_url):
    store = open_store(any_db_url)
    with store.session() as s:
        s.add(_account())
    with store.session() as s:
        pk = s.scalar(select(Account.id))
        s.add(Warning(account_pk=pk, rule="unavailable", status="open", opened_at=NOW, evidence={}, updated_at=NOW))
        s.add(Warning(account_pk=pk, rule="unavailable", status="resolved", opened_at=NOW, evidence={},
                      updated_at=NOW))
        s.add(Warning(account_pk=pk, rule="unavailable", status="open", opened_at=NOW, evidence={}, updated_at=NOW,
                      source="省平台", external_id="X-1"))
    with pytest.raises(IntegrityError):
        with store.session() as s:
            s.add(Warning(account_pk=pk, rule="unavailable", status="open", opened_at=NOW, evidence={},
                          updated_at=NOW))
    store.dispose()


def test_unknown_revision_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    open_store(url).dispose()
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(StoreError, match="9999"):
        open_store(url)


def test_sqlite_pragmas(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'p.db'}")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    store.dispose()
