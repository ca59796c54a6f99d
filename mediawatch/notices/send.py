"""Render the due notices, mail them over SMTP, and record each delivery so none is sent twice.

``prepare_and_send(app, send=...)`` is what ``mediawatch notices`` and the daemon (after each
check) call. Every notice is written to ``<home>/reports/notices/<date>/`` as HTML and text.

Deliveries (``notice_deliveries``, one row per warning, kind and recipient):

- ``rendered``: written to a file, not mailed (no ``--send``, no ``smtp.host``, or no address);
- ``sent``: the SMTP server accepted it; never sent again;
- ``failed``: the send failed (``last_error``, ``attempts``); retried on the next sending call.

A row is written after the server's answer, in its own transaction, one notice at a time: a
crash between the server's acceptance and that commit is the one case where a notice can go
out twice (at least once beats never for a warning).

The SMTP password is read from the environment variable named by ``smtp.password_env``, never
from the config file.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from mediawatch import clock
from mediawatch.config import Config
from mediawatch.notices.collect import NO_RECIPIENT, Notice, due_notices
from mediawatch.notices.render import message, render, sender_address, write_files
from mediawatch.store import Store
from mediawatch.store.models import NoticeDelivery


class SendError(Exception):
    """SMTP could not be used at all (configuration, connection, login)."""


@dataclass
class Outcome:
    """One notice: to whom, about which unit, and what happened to it."""

    owner_unit: str
    recipient: str
    digest: bool
    warnings: int
    new: int
    overdue: int
    status: str  # sent | failed | rendered
    path: str
    retried: bool = False  # an earlier send of (part of) it had failed
    error: str | None = None


@dataclass
class NoticeReport:
    folder: Path
    sending: bool
    outcomes: list[Outcome] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def _count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def sent(self) -> int:
        return self._count("sent")

    @property
    def failed(self) -> int:
        return self._count("failed")

    @property
    def rendered(self) -> int:
        return self._count("rendered")

    @property
    def retried(self) -> int:
        return sum(1 for o in self.outcomes if o.retried and o.status == "sent")

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    def summary(self) -> str:
        return "notices: " + str(self)

    def __str__(self) -> str:
        if not self.outcomes:
            return "nothing new or overdue to notify"
        parts = [f"{len(self.outcomes)} notices in {self.folder}"]
        if self.sending:
            parts.append(f"{self.sent} sent" + (f" ({self.retried} after an earlier failure)" if self.retried else ""))
            parts.append(f"{self.failed} failed")
        if self.rendered:
            parts.append(f"{self.rendered} written to files only")
        return ", ".join(parts)


class Mailer:
    """One SMTP connection for a batch of notices, opened on first use and reopened once if dropped."""

    def __init__(self, config: Config):
        self.config = config
        self.smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        cfg = self.config.smtp
        timeout = cfg.timeout_seconds
        try:
            if cfg.security == "ssl":
                smtp = smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=timeout, context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(cfg.host, cfg.port, timeout=timeout)
                if cfg.security == "starttls":
                    smtp.ehlo()
                    smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
            if cfg.user:
                password = os.environ.get(cfg.password_env, "")
                if not password:
                    smtp.close()
                    raise SendError(f"smtp.user is set but the environment variable {cfg.password_env} is empty")
                smtp.login(cfg.user, password)
        except SendError:
            raise
        except (OSError, smtplib.SMTPException) as exc:
            raise SendError(f"SMTP {cfg.host}:{cfg.port}: {exc.__class__.__name__}: {exc}") from exc
        return smtp

    def send(self, msg) -> None:
        for attempt in (1, 2):
            if self.smtp is None:
                self.smtp = self._connect()
            try:
                self.smtp.send_message(msg)
                return
            except smtplib.SMTPServerDisconnected:
                self.smtp = None
                if attempt == 2:
                    raise

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self.smtp = None


def attach_screenshots(msg, notice: Notice, home: Path):
    """Issue 17: each warning's screenshot (``reports/evidence/<id>.png``) goes with the mail as an attachment."""
    for unit in notice.units:
        for item in unit.overdue + unit.new:
            path = home / item.screenshot if item.screenshot else None
            if path is not None and path.is_file():
                msg.add_attachment(path.read_bytes(), maintype="image", subtype="png",
                                   filename=f"预警{item.warning_id}页面截图.png")
    return msg


def _record(store: Store, notice: Notice, status: str, now: datetime, path: Path, error: str | None) -> bool:
    """Upsert one row per (warning, kind, recipient); True when any of them had failed before."""
    retried = False
    with store.session() as session:
        existing = {(d.warning_id, d.kind): d for d in session.scalars(
            select(NoticeDelivery).where(NoticeDelivery.recipient == notice.recipient,
                                         NoticeDelivery.warning_id.in_({w for w, _ in notice.keys})))}
        units = {key: unit.name for unit in notice.units for key in unit.keys}
        for key in notice.keys:
            row = existing.get(key)
            if row is None:
                row = NoticeDelivery(warning_id=key[0], kind=key[1], recipient=notice.recipient,
                                     owner_unit=units[key], status=status, attempts=0, created_at=now)
                session.add(row)
            elif row.status == "sent":
                continue
            retried = retried or row.status == "failed"
            row.status, row.path = status, str(path)
            if status in ("sent", "failed"):
                row.attempts = (row.attempts or 0) + 1
            if status == "sent":
                row.sent_at, row.last_error = now, None
            elif status == "failed":
                row.last_error = error
    return retried


def prepare_and_send(app, config: Config | None = None, now: datetime | None = None, send: bool = False, *,
                     home: Path | None = None) -> NoticeReport:
    """Render every due notice to files; with ``send`` (and ``smtp.host`` set) mail them too.

    ``app`` is an ``App``, or a ``Store`` together with ``home`` (the folder holding ``reports/``
    and the office's ``templates/``). Failed sends are reported in the result, never raised.
    """
    if isinstance(app, Store):
        if home is None:
            raise TypeError("prepare_and_send(store, ...) needs home=")
        store, home_dir = app, Path(home)
    else:
        store, home_dir = app.store, Path(home or app.home)
        config = config or app.config
    if config is None:
        raise TypeError("prepare_and_send needs a config")
    now = now or clock.now()
    folder = home_dir / "reports" / "notices" / clock.local(now).date().isoformat()
    sending = send and bool(config.smtp.host.strip())
    report = NoticeReport(folder=folder, sending=sending)
    if send and not sending:
        report.notes.append("smtp.host is not set: notices were written to files, not sent")
    if sending and not sender_address(config):
        report.notes.append("smtp.sender (or office.email) is not set: notices cannot be sent")
        sending = report.sending = False

    with store.session() as session:
        notices = due_notices(session, config, now, sending=sending)
    mailer = Mailer(config) if sending else None
    connect_error: str | None = None
    try:
        for notice in notices:
            rendered = render(notice, config, now, home_dir)
            path = write_files(notice, rendered, folder)
            status, error = "rendered", None
            if mailer is not None and notice.recipient != NO_RECIPIENT:
                if connect_error is not None:
                    status, error = "failed", connect_error
                else:
                    try:
                        mailer.send(attach_screenshots(message(notice, rendered, config, now), notice, home_dir))
                        status = "sent"
                    except SendError as exc:  # no connection: the rest fail the same way
                        status, error = "failed", str(exc)
                        connect_error = error
                    except (OSError, smtplib.SMTPException) as exc:
                        status, error = "failed", f"{exc.__class__.__name__}: {exc}"
            elif notice.recipient == NO_RECIPIENT:
                report.notes.append(f"{sum(u.count for u in notice.units)} warnings of units without contact_email "
                                    "have nowhere to go: set office.email to receive the office's digest")
            retried = _record(store, notice, status, now, path, error)
            report.outcomes.append(Outcome(
                owner_unit=notice.owner_unit, recipient=notice.recipient, digest=notice.digest,
                warnings=notice.n_warnings, new=notice.n_new, overdue=notice.n_overdue, status=status,
                path=str(path), retried=retried, error=error))
    finally:
        if mailer is not None:
            mailer.close()
    return report
