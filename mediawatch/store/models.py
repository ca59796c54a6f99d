"""The data model. Migrations in ``migrations/versions`` build exactly this (a test compares them).

Times are stored as naive UTC and come back aware (``AwareDateTime``), on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


class AwareDateTime(TypeDecorator):
    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: AwareDateTime, dict: JSON, list: JSON}


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[str] = mapped_column(String(100), unique=True)
    platform: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    owner_unit: Mapped[str] = mapped_column(String(200), index=True)
    supervisor_unit: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(Text)
    platform_id: Mapped[str | None] = mapped_column(String(200))
    feed_url: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(32), default="auto")
    source_url: Mapped[str | None] = mapped_column(Text)
    contact_email: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="active")
    # present in the latest registry import; accounts are never deleted
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    columns: Mapped[list["Column"]] = relationship(back_populates="account", order_by="Column.id")


class Column(Base):
    __tablename__ = "columns"
    __table_args__ = (UniqueConstraint("account_pk", "url", name="uq_columns_account_url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_pk: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    column: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # interaction columns: optional CSS/XPath selectors (item_selector, asked_selector, ...) from columns.csv
    selectors: Mapped[dict | None] = mapped_column(JSON, nullable=True)

    account: Mapped[Account] = relationship(back_populates="columns")


class CheckRun(Base):
    """One ``check`` (or ``probe``) run, as of one clock time. Resumed when killed."""

    __tablename__ = "check_runs"
    __table_args__ = (Index("ix_check_runs_kind_as_of", "kind", "as_of"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # check | probe
    as_of: Mapped[datetime]
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    # running | done | degraded | interrupted
    status: Mapped[str] = mapped_column(String(16), default="running")
    scope: Mapped[dict] = mapped_column(default=dict)
    stats: Mapped[dict] = mapped_column(default=dict)
    message: Mapped[str | None] = mapped_column(Text)


class AccountCheck(Base):
    """One account within one run: the unit of commit (checked, then evaluated)."""

    __tablename__ = "account_checks"
    __table_args__ = (
        UniqueConstraint("run_id", "account_pk", name="uq_account_checks_run_account"),
        Index("ix_account_checks_account_as_of", "account_pk", "as_of"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("check_runs.id", ondelete="CASCADE"))
    account_pk: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    as_of: Mapped[datetime]
    checked_at: Mapped[datetime]
    # ok | check_failed
    outcome: Mapped[str] = mapped_column(String(16))
    failure: Mapped[str | None] = mapped_column(Text)
    network_failure: Mapped[bool] = mapped_column(Boolean, default=False)
    evaluated_at: Mapped[datetime | None]
    verdicts: Mapped[dict] = mapped_column(default=dict)


class Observation(Base):
    __tablename__ = "observations"
    __table_args__ = (Index("ix_observations_account_kind", "account_pk", "kind", "as_of"),
                      # the rules read one account's observations of one run
                      Index("ix_observations_run_account", "run_id", "account_pk"))

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("check_runs.id", ondelete="CASCADE"))
    account_pk: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    as_of: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(32))
    target: Mapped[str | None] = mapped_column(Text)
    ok: Mapped[bool] = mapped_column(Boolean)
    error_kind: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict] = mapped_column(default=dict)


class Probe(Base):
    """One availability probe of a website's home page."""

    __tablename__ = "probes"
    __table_args__ = (Index("ix_probes_account_at", "account_pk", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_pk: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    ok: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[int | None] = mapped_column(Integer)
    elapsed_ms: Mapped[float | None] = mapped_column(Float)
    error_kind: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(Text)
    # a probe taken while our own network was down is kept but does not count
    network_ok: Mapped[bool] = mapped_column(Boolean, default=True)


class Warning(Base):
    __tablename__ = "warnings"
    __table_args__ = (
        # at most one open warning of our own per account and rule, whatever crashes
        Index(
            "uq_warnings_open",
            "account_pk",
            "rule",
            unique=True,
            sqlite_where=text("status = 'open' AND source = 'mediawatch'"),
            postgresql_where=text("status = 'open' AND source = 'mediawatch'"),
        ),
        Index("ix_warnings_account_opened", "account_pk", "opened_at"),
        # covering indexes: the closure rule's window count and the open-warning count per account
        Index("ix_warnings_window", "opened_at", "status", "account_pk"),
        Index("ix_warnings_status_account", "status", "account_pk"),
        UniqueConstraint("source", "external_id", name="uq_warnings_source_external"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_pk: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))  # open | resolved | revoked
    opened_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    deadline: Mapped[datetime | None]
    message: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[dict] = mapped_column(default=dict)
    # 'mediawatch' for our own; otherwise the issuing platform of an imported warning
    source: Mapped[str] = mapped_column(String(100), default="mediawatch")
    external_id: Mapped[str | None] = mapped_column(String(200))
    opened_run_id: Mapped[int | None] = mapped_column(ForeignKey("check_runs.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime]

    account: Mapped[Account] = relationship()
    events: Mapped[list["WarningEvent"]] = relationship(back_populates="warning", order_by="WarningEvent.id")


class WarningEvent(Base):
    __tablename__ = "warning_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    warning_id: Mapped[int] = mapped_column(ForeignKey("warnings.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(16))  # opened | updated | resolved | revoked | imported | overdue
    actor: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("check_runs.id", ondelete="SET NULL"), index=True)
    data: Mapped[dict] = mapped_column(default=dict)

    warning: Mapped[Warning] = relationship(back_populates="events")


class NoticeDelivery(Base):
    """One warning's notice to one recipient: never sent twice."""

    __tablename__ = "notice_deliveries"
    __table_args__ = (UniqueConstraint("warning_id", "kind", "recipient", name="uq_notice_delivery"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    warning_id: Mapped[int] = mapped_column(ForeignKey("warnings.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # new | overdue
    recipient: Mapped[str] = mapped_column(String(320))
    owner_unit: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))  # pending | sent | failed | rendered
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    path: Mapped[str | None] = mapped_column(Text)


class ClosureDecision(Base):
    __tablename__ = "closure_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_pk: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    decision: Mapped[str] = mapped_column(String(16))  # closed | rectify | exempt
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[datetime]


class Bulletin(Base):
    __tablename__ = "bulletins"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    path: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime]
    figures: Mapped[dict] = mapped_column(default=dict)


class TamperBaseline(Base):
    """A website home page as the office accepted it: its external script/iframe hosts and frame text."""

    __tablename__ = "tamper_baselines"
    __table_args__ = (UniqueConstraint("account_pk", name="uq_tamper_baselines_account"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_pk: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    script_hosts: Mapped[list] = mapped_column(JSON)
    frame_lines: Mapped[list] = mapped_column(JSON)
    accepted_at: Mapped[datetime]
    accepted_by: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text)


class DaemonLock(Base):
    """Who runs the daemon on this database: a second one refuses to start."""

    __tablename__ = "daemon_lock"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime]
    heartbeat_at: Mapped[datetime]
