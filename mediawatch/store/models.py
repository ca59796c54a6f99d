"""The data model. Migrations in ``migrations/versions`` build exactly this (a test compares them).

Times are stored as naive UTC and come back aware (``AwareDateTime``), on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import date as date_type
from datetime import datetime, timezone

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
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
        # covering: the warnings that meet a month (opened before its end, not resolved before its start)
        Index("ix_warnings_resolved_opened", "resolved_at", "opened_at", "status", "account_pk"),
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


class User(Base):
    """A console user: ``office`` (everything), ``unit`` (its owner unit's accounts only), ``leader`` (read-only)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(16))  # office | unit | leader
    owner_unit: Mapped[str | None] = mapped_column(String(200))  # a unit user's owner unit
    password_hash: Mapped[str] = mapped_column(Text)  # argon2id
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    last_login_at: Mapped[datetime | None]


class AuditEntry(Base):
    """Who changed what, when and why (every state change made in the console, and user management)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(64))  # warning.revoke, closure.decide, accounts.import, user.add, ...
    target: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(String(64))  # the client's address as the server saw it
    data: Mapped[dict] = mapped_column(default=dict)


# --- reaching the owners (migration 0009): contacts, reminders, feedback, 报备 windows ---------------------------


class Contact(Base):
    """One contact of a unit (contacts.csv): an e-mail address or an IM robot named in mediawatch.toml."""

    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("owner_unit", "channel", "target", name="uq_contacts_unit_channel_target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_unit: Mapped[str] = mapped_column(String(200), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    channel: Mapped[str] = mapped_column(String(16))  # email | dingtalk | wecom | feishu | webhook
    target: Mapped[str] = mapped_column(String(320))  # the address, or the robot's name in [robots]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class Reminder(Base):
    """One unit's reminders (预提醒) of one local day, gathered in one message; never a warning."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("owner_unit", "day", name="uq_reminders_unit_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_unit: Mapped[str] = mapped_column(String(200))
    day: Mapped[str] = mapped_column(String(10), index=True)  # YYYY-MM-DD, Asia/Shanghai
    items: Mapped[list] = mapped_column(default=list)
    created_at: Mapped[datetime]


class ReminderDelivery(Base):
    """One reminder to one recipient (an address, or ``channel:robot``): never sent twice."""

    __tablename__ = "reminder_deliveries"
    __table_args__ = (UniqueConstraint("reminder_id", "recipient", name="uq_reminder_delivery"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reminder_id: Mapped[int] = mapped_column(ForeignKey("reminders.id", ondelete="CASCADE"), index=True)
    recipient: Mapped[str] = mapped_column(String(320))
    status: Mapped[str] = mapped_column(String(16))  # pending | sent | failed | rendered
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class Feedback(Base):
    """整改反馈: the unit's report (feedback) and the office's answer (returned | verified)."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    warning_id: Mapped[int] = mapped_column(ForeignKey("warnings.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # feedback | returned | verified
    text: Mapped[str] = mapped_column(Text, default="")
    files: Mapped[list] = mapped_column(default=list)  # paths under the home folder
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime]


class MaintenanceWindow(Base):
    """临时报备: an approved window (site redesign, account migration) in which the account's rules say unknown."""

    __tablename__ = "maintenance_windows"
    __table_args__ = (Index("ix_maintenance_account_span", "account_pk", "starts_at", "ends_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_pk: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    ended_by: Mapped[str | None] = mapped_column(String(100))
# --- issue 16 -------------------------------------------------------------------------------

class ColumnExemption(Base):
    """A column the office exempts, for a period and with a reason, from the 19号 column counts
    (a column that legitimately has nothing new: no personnel change this year)."""

    __tablename__ = "column_exemptions"
    __table_args__ = (Index("ix_column_exemptions_account", "account_pk", "starts_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_pk: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    column_pk: Mapped[int] = mapped_column(ForeignKey("columns.id", ondelete="CASCADE"))
    starts_on: Mapped[date_type] = mapped_column(Date)  # local dates, both days included
    ends_on: Mapped[date_type] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]  # ended early by the office

    account: Mapped[Account] = relationship()
    column: Mapped[Column] = relationship()


class ScoreDeduction(Base):
    """A 扣分 the office records against a website for one month (19号 扣分指标: what a person judged
    in a 自查 or an inspection, e.g. 办事指南要素缺失), with the reason; withdrawn ones are kept."""

    __tablename__ = "score_deductions"
    __table_args__ = (Index("ix_score_deductions_month", "month", "account_pk"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_pk: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    indicator: Mapped[str] = mapped_column(String(100))
    item: Mapped[str] = mapped_column(String(200))
    points: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    withdrawn_at: Mapped[datetime | None]
    withdraw_reason: Mapped[str | None] = mapped_column(Text)

    account: Mapped[Account] = relationship()
