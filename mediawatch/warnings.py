"""The warning lifecycle (预警): open on fail, update while failing, resolve on pass, revoke by the office.

- A failing rule opens a warning for (account, rule) unless one is open; then it updates that one.
- A passing check resolves it; a later failure is a new warning.
- Past its deadline an open warning is overdue (an ``overdue`` event is recorded once).
- The office may revoke a warning with a reason. It stays in the record and no longer counts.
  A warning revoked while its failure went on is the record of that whole episode: the same
  failure does not open a new warning until a check has passed (then ``resolved_at`` is set
  on the revoked warning to close the episode).
Every change is a ``WarningEvent`` with time, actor and reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediawatch import clock
from mediawatch.config import Config
from mediawatch.errors import BadInput
from mediawatch.rules.base import FAIL, PASS, Verdict
from mediawatch.store.models import Account, Warning, WarningEvent

SYSTEM = "mediawatch"


@dataclass
class Change:
    kind: str  # opened | updated | resolved | overdue | episode_ended
    rule: str
    warning_id: int


def is_overdue(warning: Warning, now: datetime) -> bool:
    return warning.status == "open" and warning.deadline is not None and warning.deadline < now


def _event(session: Session, warning: Warning, kind: str, at: datetime, *, actor: str = SYSTEM,
           reason: str | None = None, run_id: int | None = None, data: dict | None = None) -> None:
    session.add(WarningEvent(warning_id=warning.id, at=at, kind=kind, actor=actor, reason=reason, run_id=run_id,
                             data=data or {}))


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    strip = lambda d: json.dumps({k: v for k, v in d.items() if k != "checked_at"}, sort_keys=True,  # noqa: E731
                                 ensure_ascii=False, default=str)
    return strip(a) == strip(b)


def apply_verdicts(session: Session, account: Account, verdicts: list[Verdict], *, as_of: datetime, run_id: int | None,
                   config: Config, open_warnings: list[Warning] | None = None,
                   revoked: list[Warning] | None = None) -> list[Change]:
    """Turn one account's verdicts into warning changes (the caller commits, once, per account).

    ``open_warnings`` and ``revoked`` (the account's own open warnings, and its own revoked ones not
    yet ended by a pass) may be given when the caller read them for many accounts at once."""
    warn = config.warnings
    changes: list[Change] = []
    if open_warnings is None:
        open_warnings = list(session.scalars(select(Warning).where(
            Warning.account_pk == account.id, Warning.status.in_(("open", "pending")), Warning.source == SYSTEM)))
    open_by_rule = {w.rule: w for w in open_warnings}
    episodes = _RevokedEpisodes(session, account.id, revoked)
    for verdict in verdicts:
        if not config.rules.warn.get(verdict.rule, True):
            continue
        current = open_by_rule.get(verdict.rule)
        evidence = dict(verdict.evidence, checked_at=clock.iso(as_of))
        if verdict.outcome == FAIL:
            if current is not None:
                if not _same(current.evidence, evidence) or current.message != verdict.message:
                    current.evidence, current.message, current.updated_at = evidence, verdict.message, as_of
                    _event(session, current, "updated", as_of, run_id=run_id, reason=verdict.message)
                    changes.append(Change("updated", verdict.rule, current.id))
                if is_overdue(current, as_of) and not _has_event(session, current, "overdue"):
                    _event(session, current, "overdue", as_of, run_id=run_id,
                           reason=f"整改期限{clock.local(current.deadline).date().isoformat()}已过")
                    changes.append(Change("overdue", verdict.rule, current.id))
                continue
            if episodes.get(verdict.rule) is not None:
                continue
            pending = verdict.rule in config.rules.confirm_first  # issue 15: the office confirms first
            warning = Warning(account_pk=account.id, rule=verdict.rule, status="pending" if pending else "open",
                              opened_at=as_of, deadline=None if pending else as_of + timedelta(days=warn.deadline_days),
                              message=verdict.message,
                              evidence=evidence, source=SYSTEM, opened_run_id=run_id, updated_at=as_of)
            session.add(warning)
            session.flush()
            _event(session, warning, "opened", as_of, run_id=run_id, reason=verdict.message)
            open_by_rule[verdict.rule] = warning
            changes.append(Change("opened", verdict.rule, warning.id))
        elif verdict.outcome == PASS:
            if current is not None and current.status == "pending":
                continue  # issue 15: a finding awaiting confirmation stays for the office to decide
            if current is not None:
                current.status, current.resolved_at, current.updated_at = "resolved", as_of, as_of
                _event(session, current, "resolved", as_of, run_id=run_id, reason="复查通过")
                del open_by_rule[verdict.rule]
                changes.append(Change("resolved", verdict.rule, current.id))
            else:
                episode = episodes.get(verdict.rule)
                if episode is not None:
                    episode.resolved_at = as_of
                    _event(session, episode, "resolved", as_of, run_id=run_id, reason="撤销后复查通过，本轮问题结束")
                    changes.append(Change("episode_ended", verdict.rule, episode.id))
    return changes


def _has_event(session: Session, warning: Warning, kind: str) -> bool:
    return session.scalar(select(WarningEvent.id).where(WarningEvent.warning_id == warning.id,
                                                        WarningEvent.kind == kind).limit(1)) is not None


class _RevokedEpisodes:
    """Per rule, the account's latest own warning if it was revoked while still failing and no pass
    followed (that failure episode opens nothing new). Read once per account, when first asked."""

    def __init__(self, session: Session, account_pk: int, revoked: list[Warning] | None = None):
        self.session, self.account_pk = session, account_pk
        self._revoked = revoked
        self._by_rule: dict[str, Warning] | None = None

    def get(self, rule: str) -> Warning | None:
        if self._by_rule is None:
            if self._revoked is None:
                self._revoked = list(self.session.scalars(
                    select(Warning).where(Warning.account_pk == self.account_pk, Warning.source == SYSTEM,
                                          Warning.status == "revoked", Warning.resolved_at.is_(None))))
            candidates = {w.id: w for w in self._revoked}
            self._by_rule = {}
            for name in {w.rule for w in candidates.values()}:  # rare: only after a revocation
                latest = self.session.scalar(
                    select(Warning.id).where(Warning.account_pk == self.account_pk, Warning.rule == name,
                                             Warning.source == SYSTEM)
                    .order_by(Warning.opened_at.desc(), Warning.id.desc()).limit(1))
                if latest in candidates:
                    self._by_rule[name] = candidates[latest]
        return self._by_rule.get(rule)


def get(session: Session, warning_id: int) -> Warning:
    warning = session.get(Warning, warning_id)
    if warning is None:
        raise BadInput(f"ID: no warning {warning_id}")
    return warning


def revoke(session: Session, warning_id: int, reason: str, actor: str, now: datetime) -> Warning:
    if not reason.strip():
        raise BadInput("--reason: required")
    warning = get(session, warning_id)
    if warning.status == "revoked":
        raise BadInput(f"ID: warning {warning_id} is already revoked")
    warning.status, warning.revoked_at, warning.updated_at = "revoked", now, now
    _event(session, warning, "revoked", now, actor=actor, reason=reason.strip())
    return warning


def resolve(session: Session, warning_id: int, reason: str, actor: str, now: datetime) -> Warning:
    """The office marks a warning rectified by hand (imported warnings have no check to pass)."""
    if not reason.strip():
        raise BadInput("--reason: required")
    warning = get(session, warning_id)
    if warning.status != "open":
        raise BadInput(f"ID: warning {warning_id} is {warning.status}, not open")
    warning.status, warning.resolved_at, warning.updated_at = "resolved", now, now
    _event(session, warning, "resolved", now, actor=actor, reason=reason.strip())
    return warning


def to_json(warning: Warning, account: Account, now: datetime) -> dict[str, Any]:
    """The contract's JSON of one warning."""
    return {
        "id": warning.id,
        "account_id": account.account_id,
        "platform": account.platform,
        "rule": warning.rule,
        "status": warning.status,
        "opened_at": clock.iso(warning.opened_at),
        "resolved_at": clock.iso(warning.resolved_at),
        "deadline": clock.iso(warning.deadline),
        "overdue": is_overdue(warning, now),
        "message": warning.message,
        "evidence": warning.evidence,
        "source": warning.source,
        "external_id": warning.external_id,
        "revoked_at": clock.iso(warning.revoked_at),
    }


def listing(session: Session, *, account_id: str | None, status: str, now: datetime) -> list[dict[str, Any]]:
    query = select(Warning, Account).join(Account, Account.id == Warning.account_pk)
    if account_id:
        if session.scalar(select(Account.id).where(Account.account_id == account_id)) is None:
            raise BadInput(f"--account: no account {account_id!r} in the registry")
        query = query.where(Account.account_id == account_id)
    if status != "all":
        query = query.where(Warning.status == status)
    query = query.order_by(Warning.opened_at, Warning.id)
    return [to_json(w, a, now) for w, a in session.execute(query)]


def history(warning: Warning) -> list[dict[str, Any]]:
    return [{"at": clock.iso(e.at), "kind": e.kind, "actor": e.actor, "reason": e.reason, "run_id": e.run_id}
            for e in warning.events]
