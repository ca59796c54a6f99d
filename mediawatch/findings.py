"""Findings the office confirms before they count (tampering), and the state carried between runs.

- A failing rule listed in ``rules.confirm_first`` (default ``tamper_suspected``) opens its warning
  as ``pending`` (待确认): no deadline, no notice, not counted by the closure rule or the bulletin.
  ``warnings confirm ID`` makes it ``open`` (the deadline runs from the confirmation; notices
  follow); ``warnings dismiss ID --reason`` revokes it and accepts the page as it was seen as the
  new baseline, so the same state is not reported again. A pending finding whose page returns to
  the baseline stays pending: the office still decides.
- The tamper baseline (``tamper_baselines``): recorded from a site's first readable home page,
  replaced on a dismissal.
- The interaction detail cache: answered days read from message pages, taken from the column's
  latest ``interaction`` observation.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediawatch.config import Config
from mediawatch.errors import BadInput
from mediawatch.store.models import Account, TamperBaseline, Warning, WarningEvent
from mediawatch.store.models import Observation as ObservationRow

PENDING = "pending"


def starts_pending(rule: str, config: Config) -> bool:
    return rule in config.rules.confirm_first


# --- the tamper baseline --------------------------------------------------------------------

def load_baseline(session: Session, account_pk: int) -> dict | None:
    row = session.scalar(select(TamperBaseline).where(TamperBaseline.account_pk == account_pk))
    return None if row is None else _baseline(row)


def load_baselines(session: Session, account_pks: list[int]) -> dict[int, dict]:
    """``load_baseline`` of several accounts in one query (the runner reads a chunk's at once); absent: none yet."""
    return {row.account_pk: _baseline(row) for row in session.scalars(
        select(TamperBaseline).where(TamperBaseline.account_pk.in_(account_pks)))}


def _baseline(row: TamperBaseline) -> dict:
    return {"script_hosts": list(row.script_hosts or []), "frame_lines": list(row.frame_lines or []),
            "accepted_at": row.accepted_at, "accepted_by": row.accepted_by}


def record_baseline(session: Session, account_pk: int, seen: dict, *, actor: str, reason: str,
                    now: datetime) -> None:
    row = session.scalar(select(TamperBaseline).where(TamperBaseline.account_pk == account_pk))
    if row is None:
        row = TamperBaseline(account_pk=account_pk)
        session.add(row)
    row.script_hosts = sorted(seen.get("script_hosts") or [])
    row.frame_lines = list(seen.get("frame_lines") or [])
    row.accepted_at, row.accepted_by, row.reason = now, actor, reason


def after_evaluation(session: Session, account: Account, given, now: datetime) -> None:
    """A website's first readable home page becomes its baseline."""
    seen = given.one("tamper")
    if seen is None or not seen.ok or given.baseline() is not None:  # the rules' own view of the baseline
        return
    record_baseline(session, account.id, seen.data, actor="mediawatch", reason="首次检查建立基线", now=now)


# --- confirm / dismiss ----------------------------------------------------------------------

def _pending(session: Session, warning_id: int) -> Warning:
    warning = session.get(Warning, warning_id)
    if warning is None:
        raise BadInput(f"ID: no warning {warning_id}")
    if warning.status != PENDING:
        raise BadInput(f"ID: warning {warning_id} is {warning.status}, not pending confirmation")
    return warning


def confirm(session: Session, warning_id: int, actor: str, now: datetime, config: Config) -> Warning:
    warning = _pending(session, warning_id)
    clash = session.scalar(select(Warning.id).where(Warning.account_pk == warning.account_pk,
                                                    Warning.rule == warning.rule, Warning.status == "open",
                                                    Warning.source == warning.source))
    if clash is not None:
        raise BadInput(f"ID: warning {clash} for the same account and rule is already open")
    warning.status, warning.updated_at = "open", now
    warning.deadline = now + timedelta(days=config.warnings.deadline_days)
    session.add(WarningEvent(warning_id=warning.id, at=now, kind="confirmed", actor=actor, reason="确认为页面篡改",
                             data={}))
    return warning


def dismiss(session: Session, warning_id: int, reason: str, actor: str, now: datetime) -> Warning:
    if not reason.strip():
        raise BadInput("--reason: required")
    warning = _pending(session, warning_id)
    warning.status, warning.revoked_at, warning.updated_at = "revoked", now, now
    session.add(WarningEvent(warning_id=warning.id, at=now, kind="dismissed", actor=actor, reason=reason.strip(),
                             data={}))
    if warning.rule == "tamper_suspected":
        record_baseline(session, warning.account_pk, warning.evidence or {}, actor=actor,
                        reason=f"排除警示{warning.id}：{reason.strip()}", now=now)
    return warning


# --- the interaction detail cache -----------------------------------------------------------

class InteractionCache:
    """Answered days read from message pages in earlier runs, per (account, column URL)."""

    def __init__(self, store):
        self.store = store

    def get(self, account_pk: int, column_url: str) -> dict[str, dict]:
        with self.store.session() as session:
            data = session.scalar(
                select(ObservationRow.data).where(ObservationRow.account_pk == account_pk,
                                                  ObservationRow.kind == "interaction",
                                                  ObservationRow.target == column_url,
                                                  ObservationRow.ok.is_(True))
                .order_by(ObservationRow.as_of.desc(), ObservationRow.id.desc()).limit(1))
        found: dict[str, dict] = {}
        for message in (data or {}).get("messages") or []:
            if message.get("answered") and message.get("url"):
                found[message["url"]] = {"asked": message.get("asked"), "answered": message["answered"]}
        return found


class AttachmentCache:
    """Attachments read in the account's previous check: validator (ETag/Last-Modified and length), note
    and the (masked) hits found in each, so an unchanged file costs a HEAD, not a download and a parse."""

    def __init__(self, store):
        self.store = store

    def get(self, account_pk: int) -> dict[str, dict]:
        with self.store.session() as session:
            data = session.scalar(
                select(ObservationRow.data).where(ObservationRow.account_pk == account_pk,
                                                  ObservationRow.kind == "privacy", ObservationRow.ok.is_(True))
                .order_by(ObservationRow.as_of.desc(), ObservationRow.id.desc()).limit(1))
        return self.from_data(data or {})

    @staticmethod
    def from_data(data: dict) -> dict[str, dict]:
        """url -> {validator, note, hits} from one ``privacy`` observation's data."""
        found: dict[str, dict] = {}
        for entry in data.get("attachments") or []:
            if entry.get("url") and entry.get("validator"):
                found[entry["url"]] = {"validator": entry["validator"], "note": entry.get("note"), "hits": []}
        for hit in data.get("hits") or []:
            if hit.get("attachment") in found:
                found[hit["attachment"]]["hits"].append(hit)
        return found
