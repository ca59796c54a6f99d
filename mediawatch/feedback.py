"""整改反馈: the unit reports what it fixed; the office verifies it or returns it (退回) with a reason.

A warning's feedback state is that of its latest record:

    none       未反馈   nothing reported yet (or the warning is not ours to answer)
    submitted  已反馈   the unit reported; the office has not answered
    returned   退回     the office sent it back with a reason; the unit reports again
    verified   已核实   the office accepted the report; the next passing check resolves the warning as always

Plain functions for the CLI and the web console; the caller commits. Attachments are copied under
``<home>/feedback/<warning id>/`` and recorded by their path relative to the home folder. Each
action is also a ``WarningEvent`` (``feedback``, ``returned``, ``verified``) in the warning's history.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediawatch import clock
from mediawatch.config import Config
from mediawatch.errors import BadInput
from mediawatch.store.models import Feedback, Warning, WarningEvent
from mediawatch.warnings import get as get_warning

STATE_OF_KIND = {"feedback": "submitted", "returned": "returned", "verified": "verified"}
LABELS = {"none": "未反馈", "submitted": "已反馈", "returned": "退回", "verified": "已核实"}
FOLDER = "feedback"
CHUNK = 500


def _event(session: Session, warning: Warning, kind: str, at: datetime, actor: str, reason: str,
           data: dict | None = None) -> None:
    session.add(WarningEvent(warning_id=warning.id, at=at, kind=kind, actor=actor, reason=reason, data=data or {}))


def _latest(session: Session, warning_id: int) -> Feedback | None:
    return session.scalar(select(Feedback).where(Feedback.warning_id == warning_id)
                          .order_by(Feedback.at.desc(), Feedback.id.desc()).limit(1))


def state(session: Session, warning_id: int) -> str:
    latest = _latest(session, warning_id)
    return "none" if latest is None else STATE_OF_KIND[latest.kind]


def states(session: Session, warning_ids: Iterable[int], until: datetime | None = None) -> dict[int, str]:
    """Each warning's state (missing ids: ``none``), as of ``until`` when given, read a chunk at a time."""
    ids = list(warning_ids)
    found: dict[int, str] = {}
    for start in range(0, len(ids), CHUNK):
        query = select(Feedback).where(Feedback.warning_id.in_(ids[start:start + CHUNK]))
        if until is not None:
            query = query.where(Feedback.at < until)
        for row in session.scalars(query.order_by(Feedback.at, Feedback.id)):
            found[row.warning_id] = STATE_OF_KIND[row.kind]
    return {i: found.get(i, "none") for i in ids}


def label(state_code: str) -> str:
    return LABELS.get(state_code, state_code)


def _check_files(files: Iterable[Path], max_mb: float | None) -> list[Path]:
    checked = []
    for path in files:
        path = Path(path)
        if not path.is_file():
            raise BadInput(f"--file: {path}: no such file")
        if max_mb is not None and path.stat().st_size > max_mb * 1_000_000:
            raise BadInput(f"--file: {path}: larger than {max_mb} MB (feedback.max_file_mb)")
        checked.append(path)
    return checked


def _copy(files: list[Path], home: Path, warning_id: int, now: datetime) -> list[str]:
    folder = home / FOLDER / str(warning_id)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = clock.local(now).strftime("%Y%m%d-%H%M%S")
    kept = []
    for n, path in enumerate(files, 1):
        target = folder / f"{stamp}-{n}-{path.name}"
        shutil.copyfile(path, target)
        kept.append(target.relative_to(home).as_posix())
    return kept


def record_feedback(session: Session, warning_id: int, text: str, actor: str, now: datetime, *,
                    files: Iterable[Path] = (), home: Path | None = None, config: Config | None = None) -> Feedback:
    """The unit's 整改反馈 on an open warning: what it fixed, with attachments kept under ``home``."""
    text = (text or "").strip()
    if not text:
        raise BadInput("--text: required (what was fixed, and how)")
    warning = get_warning(session, warning_id)
    if warning.status != "open":
        raise BadInput(f"ID: warning {warning_id} is {warning.status}: feedback is for open warnings")
    current = state(session, warning_id)
    if current == "verified":
        raise BadInput(f"ID: the feedback on warning {warning_id} was already verified")
    checked = _check_files(files, config.feedback.max_file_mb if config is not None else None)
    if checked and home is None:
        raise TypeError("record_feedback with files needs home=")
    kept = _copy(checked, Path(home), warning_id, now) if checked else []
    row = Feedback(warning_id=warning_id, kind="feedback", text=text, files=kept, actor=actor, at=now)
    session.add(row)
    _event(session, warning, "feedback", now, actor, text, {"files": kept})
    session.flush()
    return row


def _answer(session: Session, warning_id: int, kind: str, text: str, actor: str, now: datetime) -> Feedback:
    warning = get_warning(session, warning_id)
    current = state(session, warning_id)
    if current != "submitted":
        raise BadInput(f"ID: warning {warning_id} has no feedback awaiting an answer ({label(current)})")
    row = Feedback(warning_id=warning_id, kind=kind, text=text, files=[], actor=actor, at=now)
    session.add(row)
    _event(session, warning, kind, now, actor, text or ("整改反馈已核实" if kind == "verified" else ""))
    session.flush()
    return row


def verify_feedback(session: Session, warning_id: int, actor: str, now: datetime, note: str = "") -> Feedback:
    """The office accepts the report (已核实); the next check passing resolves the warning as always."""
    return _answer(session, warning_id, "verified", (note or "").strip(), actor, now)


def return_feedback(session: Session, warning_id: int, reason: str, actor: str, now: datetime) -> Feedback:
    """The office sends the report back (退回) with a reason; the unit reports again."""
    reason = (reason or "").strip()
    if not reason:
        raise BadInput("--reason: required (why the report is returned)")
    return _answer(session, warning_id, "returned", reason, actor, now)


def history(session: Session, warning_id: int) -> list[dict[str, Any]]:
    return [{"at": clock.iso(f.at), "kind": f.kind, "state": STATE_OF_KIND[f.kind], "label": label(STATE_OF_KIND[f.kind]),
             "text": f.text, "files": list(f.files or []), "actor": f.actor}
            for f in session.scalars(select(Feedback).where(Feedback.warning_id == warning_id)
                                     .order_by(Feedback.at, Feedback.id))]
