"""The closure rule (瓯海 item 12): more than N warnings within the window makes a closure candidate.

Counted with one grouped query over ``warnings`` (index on account, opened_at), so it stays fast
at a province's scale. Revoked warnings never count; imported ones count like our own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session

from mediawatch.closure_window import UNCOUNTED_STATUSES, uncounted_rules, window_start  # noqa: F401 - closure.window_start
from mediawatch.config import Config
from mediawatch.errors import BadInput
from mediawatch.store.models import Account, ClosureDecision, Warning

DECISIONS = ("closed", "rectify", "exempt")


@dataclass
class Candidate:
    account_pk: int
    account_id: str
    name: str
    platform: str
    owner_unit: str
    warnings_12m: int
    warning_ids: list[int] = field(default_factory=list)
    decision: str | None = None
    decision_reason: str | None = None
    decided_at: datetime | None = None


def counting(start: datetime, end: datetime, config: Config | None = None):
    """The WHERE clause of a warning that counts toward the closure rule."""
    clauses = (Warning.status.not_in(UNCOUNTED_STATUSES), Warning.opened_at > start, Warning.opened_at <= end)
    if config is not None:  # issue 16: site requirements count only when the office says so
        excluded = uncounted_rules(config)
        if excluded:
            clauses += (Warning.rule.not_in(excluded),)
    return clauses


def warning_counts(session: Session, config: Config, now: datetime) -> dict[int, int]:
    start = window_start(config, now)
    rows = session.execute(
        select(Warning.account_pk, func.count()).where(*counting(start, now, config)).group_by(Warning.account_pk))
    return dict(rows.all())


def open_counts(session: Session) -> dict[int, int]:
    rows = session.execute(
        select(Warning.account_pk, func.count()).where(Warning.status == "open").group_by(Warning.account_pk))
    return dict(rows.all())


def latest_decisions(session: Session, account_pks: list[int] | None = None) -> dict[int, ClosureDecision]:
    query = select(ClosureDecision).order_by(ClosureDecision.decided_at, ClosureDecision.id)
    if account_pks is not None:
        query = query.where(ClosureDecision.account_pk.in_(account_pks))
    return {d.account_pk: d for d in session.scalars(query)}


def candidates(session: Session, config: Config, now: datetime, *, owner_unit: str | None = None, offset: int = 0,
               limit: int | None = None) -> list[Candidate]:
    """Accounts over the closure rule, most warnings first, each with the ids of the warnings that count.

    One grouped query (covering index on opened_at, status, account_pk) gives the counts and ids.
    ``owner_unit`` keeps one unit's accounts; ``offset``/``limit`` give one page (see ``candidates_page``).
    """
    return candidates_page(session, config, now, owner_unit=owner_unit, offset=offset, limit=limit)[0]


def candidates_page(session: Session, config: Config, now: datetime, *, owner_unit: str | None = None,
                    offset: int = 0, limit: int | None = None) -> tuple[list[Candidate], int]:
    """``candidates`` and the number of all candidates (before offset and limit), in one query."""
    start = window_start(config, now)
    threshold = config.closure.max_warnings
    whole = limit is None  # the whole list: the ids aggregated in the grouped query; a page: read for its rows only
    columns = [Warning.account_pk, func.count().label("n")]
    if whole:
        columns.append(func.aggregate_strings(cast(Warning.id, String), ",").label("ids"))
    counted = select(*columns).where(*counting(start, now, config))
    if owner_unit is not None:
        counted = counted.join(Account, Account.id == Warning.account_pk).where(Account.owner_unit == owner_unit)
    over = counted.group_by(Warning.account_pk).having(func.count() > threshold).subquery()
    query = (
        select(Account.id, Account.account_id, Account.name, Account.platform, Account.owner_unit, over.c.n,
               over.c.ids if whole else over.c.n, func.count().over().label("total"))
        .join(over, over.c.account_pk == Account.id)
        .where(Account.platform.in_(config.closure.platforms))
        .order_by(over.c.n.desc(), Account.account_id)
    )
    if offset:
        query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    rows = session.execute(query).all()
    if not rows:
        total = session.execute(query.offset(None).limit(1)).first() if offset else None
        return [], total[-1] if total else 0
    pks = [row[0] for row in rows]
    ids: dict[int, list[int]] = {pk: [] for pk in pks}
    if whole:
        for row in rows:
            ids[row[0]] = [int(i) for i in str(row[6]).split(",")]
    else:
        for pk, warning_id in session.execute(select(Warning.account_pk, Warning.id)
                                              .where(*counting(start, now, config), Warning.account_pk.in_(pks))):
            ids[pk].append(warning_id)
    decisions = latest_decisions(session, pks if len(pks) <= 500 else None)
    result = []
    for pk, account_id, name, platform, owner_unit_, n, _ids, _total in rows:
        decision = decisions.get(pk)
        result.append(Candidate(
            account_pk=pk, account_id=account_id, name=name, platform=platform, owner_unit=owner_unit_,
            warnings_12m=n, warning_ids=sorted(ids[pk]),
            decision=decision.decision if decision else None,
            decision_reason=decision.reason if decision else None,
            decided_at=decision.decided_at if decision else None,
        ))
    return result, rows[0][-1]


def decide(session: Session, account_id: str, decision: str, reason: str, actor: str, now: datetime) -> ClosureDecision:
    if decision not in DECISIONS:
        raise BadInput(f"--decision: must be one of {', '.join(DECISIONS)}")
    if not reason.strip():
        raise BadInput("--reason: required")
    account = session.scalar(select(Account).where(Account.account_id == account_id))
    if account is None:
        raise BadInput(f"ACCOUNT: no account {account_id!r} in the registry")
    record = ClosureDecision(account_pk=account.id, decision=decision, reason=reason.strip(), actor=actor,
                             decided_at=now)
    session.add(record)
    return record


def is_closed(session: Session, account_pk: int) -> bool:
    decision = latest_decisions(session, [account_pk]).get(account_pk)
    return decision is not None and decision.decision == "closed"
