"""临时报备: maintenance windows approved by the office (a site redesign, an account migration).

Inside a window every rule of the account answers *unknown* (``rules.evaluate`` reads
``RuleInput.maintenance``): no warning opens, none resolves, an open one stays as it was. The
reminders skip the account, and the bulletin lists the windows of its month.

Plain functions, called by the CLI and the web console alike; the caller commits:

    add_window(session, account_id, starts, ends, reason, actor, now) -> MaintenanceWindow
    list_windows(session, *, account_id=None, now=None, include_ended=True) -> list[dict]
    end_window(session, window_id, actor, now) -> MaintenanceWindow
    active_window(session, account, at) -> MaintenanceWindow | None
    active_windows(session, account_pks, at) -> {account_pk: MaintenanceWindow}
    windows_between(session, start, end) -> list[dict]
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from mediawatch import clock
from mediawatch.config import Config
from mediawatch.errors import BadInput
from mediawatch.store.models import Account, MaintenanceWindow

CHUNK = 500


def parse_bound(text: str, option: str, *, end: bool) -> datetime:
    """``--from`` / ``--to``: a date (a whole local day: --to includes that day) or an ISO time."""
    text = (text or "").strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return clock.start_of_local_day(day + timedelta(days=1) if end else day)
        return clock.parse_datetime(text)
    except ValueError:
        raise BadInput(f"{option}: not a date or time (YYYY-MM-DD or ISO 8601): {text!r}") from None


def _account(session: Session, account: str | int) -> Account:
    if isinstance(account, int):
        found = session.get(Account, account)
    else:
        found = session.scalar(select(Account).where(Account.account_id == account))
    if found is None:
        raise BadInput(f"ACCOUNT: no account {account!r} in the registry")
    return found


def effective_end(window: MaintenanceWindow) -> datetime:
    """When the window stops: its planned end, or earlier when the office ended it."""
    if window.ended_at is not None and window.ended_at < window.ends_at:
        return max(window.ended_at, window.starts_at)
    return window.ends_at


def add_window(session: Session, account_id: str, starts: datetime, ends: datetime, reason: str, actor: str,
               now: datetime, config: Config | None = None) -> MaintenanceWindow:
    """Record an approved window; refuses an empty reason, an end not after the start, an overlong window."""
    account = _account(session, account_id)
    if not reason.strip():
        raise BadInput("--reason: required (what the unit is doing: 网站改版, 账号迁移 ...)")
    if ends <= starts:
        raise BadInput("--to: must be after --from")
    if config is not None:
        limit = config.maintenance.max_days
        if (ends - starts) > timedelta(days=limit):
            raise BadInput(f"--to: a window may last at most {limit} days (maintenance.max_days)")
    window = MaintenanceWindow(account_pk=account.id, starts_at=starts, ends_at=ends, reason=reason.strip(),
                               actor=actor, created_at=now)
    session.add(window)
    session.flush()
    return window


def end_window(session: Session, window_id: int, actor: str, now: datetime) -> MaintenanceWindow:
    """End a window now (the work finished early); the account's rules count again from now."""
    window = session.get(MaintenanceWindow, window_id)
    if window is None:
        raise BadInput(f"ID: no maintenance window {window_id}")
    if window.ended_at is not None:
        raise BadInput(f"ID: maintenance window {window_id} was already ended")
    if effective_end(window) <= now:
        raise BadInput(f"ID: maintenance window {window_id} is already over")
    window.ended_at, window.ended_by = now, actor
    return window


def active_windows(session: Session, account_pks: Iterable[int], at: datetime) -> dict[int, MaintenanceWindow]:
    """The window covering ``at`` for each of these accounts that has one."""
    pks = list(account_pks)
    found: dict[int, MaintenanceWindow] = {}
    for start in range(0, len(pks), CHUNK):
        rows = session.scalars(select(MaintenanceWindow).where(
            MaintenanceWindow.account_pk.in_(pks[start:start + CHUNK]), MaintenanceWindow.starts_at <= at,
            MaintenanceWindow.ends_at > at, or_(MaintenanceWindow.ended_at.is_(None), MaintenanceWindow.ended_at > at))
            .order_by(MaintenanceWindow.id))
        for window in rows:
            found.setdefault(window.account_pk, window)
    return found


def active_window(session: Session, account: str | int, at: datetime) -> MaintenanceWindow | None:
    """The window covering ``at`` for one account (its ``account_id`` or primary key), or None."""
    pk = _account(session, account).id
    return active_windows(session, [pk], at).get(pk)


def windows_during(session: Session, account_pk: int, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The account's windows overlapping [start, end], as (start, effective end): what happened inside
    one (a site down for its redesign) is not evidence for a rule afterwards either."""
    rows = session.scalars(select(MaintenanceWindow).where(
        MaintenanceWindow.account_pk == account_pk, MaintenanceWindow.starts_at <= end,
        MaintenanceWindow.ends_at > start))
    return [(w.starts_at, effective_end(w)) for w in rows if effective_end(w) > start]


def describe(window: MaintenanceWindow) -> str:
    """How a rule's unknown verdict names the window."""
    return (f"报备期内（{clock.local(window.starts_at):%Y-%m-%d %H:%M} 至 {clock.local(effective_end(window)):%Y-%m-%d %H:%M}，"
            f"{window.reason}）：不作判定")


def _row(window: MaintenanceWindow, account: Account, now: datetime | None) -> dict[str, Any]:
    end = effective_end(window)
    if now is None:
        state = "ended" if window.ended_at is not None else "planned"
    elif window.ended_at is not None and window.ended_at <= now:
        state = "ended"
    elif now < window.starts_at:
        state = "planned"
    elif now < end:
        state = "active"
    else:
        state = "over"
    return {"id": window.id, "account_id": account.account_id, "name": account.name,
            "owner_unit": account.owner_unit, "platform": account.platform,
            "from": clock.iso(window.starts_at), "to": clock.iso(window.ends_at), "ended_at": clock.iso(window.ended_at),
            "until": clock.iso(end), "reason": window.reason, "actor": window.actor, "state": state,
            "first_day": clock.local(window.starts_at).date().isoformat(),
            "last_day": clock.local(end - timedelta(microseconds=1)).date().isoformat()}


def list_windows(session: Session, *, account_id: str | None = None, now: datetime | None = None,
                 include_ended: bool = True) -> list[dict[str, Any]]:
    query = select(MaintenanceWindow, Account).join(Account, Account.id == MaintenanceWindow.account_pk)
    if account_id:
        query = query.where(Account.account_id == _account(session, account_id).account_id)
    rows = [_row(w, a, now) for w, a in session.execute(query.order_by(MaintenanceWindow.starts_at,
                                                                        MaintenanceWindow.id))]
    return rows if include_ended else [r for r in rows if r["state"] not in ("ended", "over")]


def windows_between(session: Session, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Windows that overlap [start, end) (the bulletin's month), as rows."""
    rows = []
    for window, account in session.execute(
            select(MaintenanceWindow, Account).join(Account, Account.id == MaintenanceWindow.account_pk)
            .where(MaintenanceWindow.starts_at < end, MaintenanceWindow.ends_at > start)
            .order_by(MaintenanceWindow.starts_at, MaintenanceWindow.id)):
        if effective_end(window) > start:
            rows.append(_row(window, account, end))
    return rows
