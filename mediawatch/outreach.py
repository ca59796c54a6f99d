"""Reaching the owners after each check: reminders, escalations, IM notices, and the office's digest.

``run_outreach(app, send=...)`` is what ``mediawatch remind`` and the daily cycle (after the mailed
notices) call. Each step is recorded so that nothing is sent twice:

1. **Reminders** (``reminders.create_due``): one ``Reminder`` per unit and local day, sent to each of
   the unit's contacts (``reminder_deliveries``, one row per recipient).
2. **Escalation**: an open warning past its deadline gets one ``escalated`` event (once, ever), and
   is sent again to its owner unit's contacts and to its ``supervisor_unit``'s (or, when that unit
   has no contact, to ``office.email``): ``notice_deliveries`` rows of kind ``escalated``.
3. **IM notices**: a new warning is also told to the owner unit's IM robots (``notice_deliveries``
   rows of kind ``new`` whose recipient is ``channel:robot``; mail goes through ``mediawatch notices``).
4. The office's digest ``reports/notices/<date>/办公室督办汇总.txt``: today's escalations, feedback
   awaiting the office's answer, today's reminders.

Delivery: a recipient whose row is ``sent`` is never sent again; ``failed`` is retried at the next
call; IM inside quiet hours is ``held`` (no row; due again after them). Without ``send`` messages
are written to files and recorded ``rendered``, so a later sending call still sends them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from mediawatch import clock, feedback, reminders, templating
from mediawatch.channels.contacts import Recipient, recipients
from mediawatch.channels.deliver import Deliverer, Message
from mediawatch.notices.render import safe_name
from mediawatch.rules.catalog import PLATFORM_TITLES, rule_title
from mediawatch.store.models import (Account, Feedback, NoticeDelivery, Reminder, ReminderDelivery, Warning,
                                     WarningEvent)

OWN = "mediawatch"
ESCALATED = "escalated"


@dataclass
class OutreachReport:
    folder: Path
    reminders: int = 0
    escalated: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def count(self, status: str) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1

    @property
    def failed(self) -> int:
        return self.statuses.get("failed", 0)

    def lines(self) -> list[str]:
        sent = ", ".join(f"{n} {s}" for s, n in sorted(self.statuses.items())) or "nothing to send"
        out = [f"reminders: {self.reminders} new today; escalations: {self.escalated} new; messages: {sent}"]
        out.extend(f"failed: {e}" for e in self.errors)
        return out

    def __str__(self) -> str:
        return "; ".join(self.lines())


def _office_recipient(config, unit: str) -> list[Recipient]:
    address = config.office.email.strip()
    return [Recipient("email", address, unit)] if address else []


def _warning_item(warning: Warning, account: Account, now: datetime, state: str, shot: str | None = None) -> dict:
    overdue_days = (clock.local(now).date() - clock.local(warning.deadline).date()).days if warning.deadline else 0
    return {"warning_id": warning.id, "rule": warning.rule, "rule_title": rule_title(warning.rule),
            "message": warning.message or "", "account_id": account.account_id, "account_name": account.name,
            "platform_title": PLATFORM_TITLES.get(account.platform, account.platform), "owner_unit": account.owner_unit,
            "supervisor_unit": account.supervisor_unit, "deadline": warning.deadline,
            "days_overdue": max(0, overdue_days), "feedback": feedback.label(state), "screenshot": shot}


class Outreach:
    def __init__(self, app, *, send: bool, now: datetime | None = None):
        self.app, self.config, self.store = app, app.config, app.store
        self.now = now or clock.now()
        self.today = clock.local(self.now).date()
        self.folder = Path(app.home) / "reports" / "notices" / self.today.isoformat()
        self.deliverer = Deliverer(self.config, sending=send)
        self.report = OutreachReport(self.folder)
        self.env = templating.environment(Path(app.home))

    def _render(self, name: str, **ctx) -> str:
        return self.env.get_template(name).render(office=self.config.office.as_dict(), today=self.today, **ctx)

    def _write(self, stem: str, text: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / f"{safe_name(stem)}.txt").write_text(text, encoding="utf-8")

    # --- 1. reminders -----------------------------------------------------------------------

    def reminders(self) -> None:
        with self.store.session() as session:
            created = reminders.create_due(session, self.config, self.now)
            self.report.reminders = len(created)
            todays = list(session.scalars(select(Reminder).where(Reminder.day == self.today.isoformat())
                                          .order_by(Reminder.owner_unit)))
            work = [(r.id, r.owner_unit, list(r.items), recipients(session, r.owner_unit)) for r in todays]
            sent = {(d.reminder_id, d.recipient): d.status for d in session.scalars(
                select(ReminderDelivery).where(ReminderDelivery.reminder_id.in_([r.id for r in todays])))}
        for reminder_id, unit, items, people in work:
            text = self._render("reminder.txt", unit=unit, items=items)
            if reminder_id in {r.id for r in created}:
                self._write(f"预提醒__{unit}", text)
            message = Message(f"【预提醒】{unit}：{len(items)}项即将达到预警标准", text,
                              self._render("reminder_im.txt", unit=unit, items=items))
            for person in people or _office_recipient(self.config, unit):
                if not self.deliverer.due(person, sent.get((reminder_id, person.key))):
                    continue
                status, error = self.deliverer.deliver(person, message, self.now)
                self._record_reminder(reminder_id, person, status, error)

    def _record_reminder(self, reminder_id: int, person: Recipient, status: str, error: str | None) -> None:
        self.report.count(status)
        if status == "held":
            return
        if error:
            self.report.errors.append(f"{person.unit} <{person.key}>: {error}")
        with self.store.session() as session:
            row = session.scalar(select(ReminderDelivery).where(ReminderDelivery.reminder_id == reminder_id,
                                                                ReminderDelivery.recipient == person.key))
            if row is None:
                row = ReminderDelivery(reminder_id=reminder_id, recipient=person.key, status=status, attempts=0,
                                       created_at=self.now)
                session.add(row)
            row.status = status
            if status in ("sent", "failed"):
                row.attempts = (row.attempts or 0) + 1
                row.sent_at = self.now if status == "sent" else row.sent_at
                row.last_error = error

    # --- 2. escalation and 3. IM notices ------------------------------------------------------

    def escalate(self) -> list[dict]:
        """Mark newly overdue warnings (once); return today's newly escalated, for the digest."""
        if not self.config.channels.escalate:
            return []
        marked = []
        with self.store.session() as session:
            done = select(WarningEvent.warning_id).where(WarningEvent.kind == ESCALATED)
            for warning, account in session.execute(
                    select(Warning, Account).join(Account, Account.id == Warning.account_pk)
                    .where(Warning.status == "open", Warning.source == OWN, Warning.deadline < self.now,
                           Account.active.is_(True), Account.status != "closed", Warning.id.not_in(done))
                    .order_by(Warning.id)):
                cc = account.supervisor_unit or self.config.office.short_name
                session.add(WarningEvent(warning_id=warning.id, at=self.now, kind=ESCALATED, actor=OWN,
                                         reason=f"逾期未整改：再次通知{account.owner_unit}，抄送主管单位{cc}"))
                marked.append(_warning_item(warning, account, self.now, "none"))
        self.report.escalated = len(marked)
        return marked

    def _due_warnings(self, session, kind: str):
        query = (select(Warning, Account).join(Account, Account.id == Warning.account_pk)
                 .where(Warning.status == "open", Account.active.is_(True), Account.status != "closed"))
        if kind == ESCALATED:
            query = query.where(Warning.id.in_(select(WarningEvent.warning_id).where(WarningEvent.kind == ESCALATED)))
        else:
            query = query.where(Warning.source == OWN)
        return session.execute(query.order_by(Account.owner_unit, Warning.id)).all()

    def notices(self, kind: str) -> None:
        """``escalated``: to owners and supervisors, every channel; ``new``: to owners' IM robots."""
        from mediawatch.evidence import screenshots_of

        with self.store.session() as session:
            rows = self._due_warnings(session, kind)
            ids = [w.id for w, _ in rows]
            states = feedback.states(session, ids)
            shots = screenshots_of(session, ids)
            sent = {(d.warning_id, d.recipient): d.status for d in session.scalars(
                select(NoticeDelivery).where(NoticeDelivery.kind == kind, NoticeDelivery.warning_id.in_(ids)))}
            # recipient key -> (recipient, supervisor?, items)
            batches: dict[tuple[str, str], tuple[Recipient, bool, list[dict]]] = {}
            contacts_of: dict[str, list[Recipient]] = {}
            for warning, account in rows:
                item = _warning_item(warning, account, self.now, states[warning.id],
                                     (shots.get(warning.id) or {}).get("path"))
                units = [(account.owner_unit, False)]
                if kind == ESCALATED:  # no supervisor_unit registered: the office stands in for it
                    units.append((account.supervisor_unit or self.config.office.short_name, True))
                for unit, supervisor in units:
                    if unit not in contacts_of:
                        contacts_of[unit] = recipients(session, unit)
                    people = contacts_of[unit]
                    if kind == ESCALATED and not people:
                        people = _office_recipient(self.config, unit)
                    if kind == "new":
                        people = [p for p in people if p.is_im]
                    for person in people:
                        if not self.deliverer.due(person, sent.get((warning.id, person.key))):
                            continue
                        batch = batches.setdefault((person.key, unit), (person, supervisor, []))
                        batch[2].append(item)
        for (key, unit), (person, supervisor, items) in batches.items():
            if kind == ESCALATED:
                text = self._render("escalation.txt", unit=unit, supervisor=supervisor, items=items)
                im = self._render("escalation_im.txt", unit=unit, supervisor=supervisor, items=items)
            else:
                text = im = self._render("notice_im.txt", unit=unit, items=items)
            title = (f"【督办】{unit}：{len(items)}条预警逾期未整改" if kind == ESCALATED
                     else f"【预警通知】{unit}：新增预警{len(items)}条")
            status, error = self.deliverer.deliver(person, Message(title, text, im), self.now)
            if kind == ESCALATED and status != "held":
                self._write(f"督办__{unit}__{person.key}", text)
            self._record_notice(kind, person, unit, [i["warning_id"] for i in items], status, error)

    def _record_notice(self, kind: str, person: Recipient, unit: str, ids: list[int], status: str,
                       error: str | None) -> None:
        self.report.count(status)
        if status == "held":
            return
        if error:
            self.report.errors.append(f"{unit} <{person.key}>: {error}")
        with self.store.session() as session:
            existing = {d.warning_id: d for d in session.scalars(select(NoticeDelivery).where(
                NoticeDelivery.kind == kind, NoticeDelivery.recipient == person.key, NoticeDelivery.warning_id.in_(ids)))}
            for warning_id in ids:
                row = existing.get(warning_id)
                if row is None:
                    row = NoticeDelivery(warning_id=warning_id, kind=kind, recipient=person.key, owner_unit=unit,
                                         status=status, attempts=0, created_at=self.now)
                    session.add(row)
                row.status = status
                if status in ("sent", "failed"):
                    row.attempts = (row.attempts or 0) + 1
                    row.sent_at = self.now if status == "sent" else row.sent_at
                    row.last_error = error

    # --- 4. the office's digest -----------------------------------------------------------------

    def digest(self, escalated: list[dict]) -> None:
        with self.store.session() as session:
            awaiting = []
            latest: dict[int, Feedback] = {}
            for row in session.scalars(select(Feedback).order_by(Feedback.at, Feedback.id)):
                latest[row.warning_id] = row
            for warning_id, row in latest.items():
                if row.kind != "feedback":
                    continue
                warning = session.get(Warning, warning_id)
                if warning is None or warning.status != "open":
                    continue
                awaiting.append({"warning_id": warning_id, "account_name": warning.account.name,
                                 "owner_unit": warning.account.owner_unit, "text": row.text})
            todays = [{"owner_unit": r.owner_unit, "items": r.items} for r in session.scalars(
                select(Reminder).where(Reminder.day == self.today.isoformat()).order_by(Reminder.owner_unit))]
        if escalated or awaiting or todays:
            previous = self.folder / "办公室督办汇总.txt"
            if previous.exists() and not escalated:
                return  # today's digest already lists today's escalations; keep it
            self._write("办公室督办汇总", self._render("office_digest.txt", escalated=escalated, awaiting=awaiting,
                                                      reminders=todays))

    def run(self) -> OutreachReport:
        try:
            self.reminders()
            escalated = self.escalate()
            self.notices(ESCALATED)
            self.notices("new")
            self.digest(escalated)
        finally:
            self.deliverer.close()
        return self.report


def run_outreach(app, *, send: bool, now: datetime | None = None) -> OutreachReport:
    return Outreach(app, send=send, now=now).run()
