"""What is due: the (warning, kind, recipient) triples not yet notified, grouped into notices.

A warning is due as

- ``new``     while it is open and its notice has not reached that recipient;
- ``overdue`` while it is open, its deadline has passed (deadline < now) and the overdue notice
  has not reached that recipient.

A warning that is both (first seen after its deadline) is shown once, as overdue, and both
kinds are recorded. Only warnings of accounts still in the registry (``active``) and not
closed are notified.

Recipients are the account's ``contact_email`` addresses (several separated by ``;``). Each
recipient gets one notice per owner unit covering the unit's due warnings on accounts that
name that address. Warnings of accounts with no address go to the office's own digest
(``office.email``); while that is empty too, the digest's recipient is ``""``: it is rendered
to a file and can never be sent.

"Not yet notified" depends on the mode: rendering (no ``--send``) skips triples that already
have a delivery row of any status, so the same notice is not written every day; sending skips
only those already ``sent``, so a notice that was rendered, or whose send failed, is mailed now.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediawatch import clock, closure
from mediawatch.config import Config
from mediawatch.registry import split_emails
from mediawatch.rules.catalog import PLATFORM_TITLES, rule_title
from mediawatch.store.models import Account, NoticeDelivery, Warning

OWN_SOURCE = "mediawatch"
NO_RECIPIENT = ""
CHUNK = 500


@dataclass
class Item:
    """One warning as a notice shows it."""

    warning_id: int
    rule: str
    rule_title: str
    source: str | None  # the issuing platform of an imported warning; None for our own
    external_id: str | None
    message: str
    evidence: dict[str, Any]
    account_id: str
    account_name: str
    platform: str
    platform_title: str
    url: str | None
    owner_unit: str
    opened_at: datetime
    deadline: datetime | None
    overdue: bool
    days_overdue: int | None  # calendar days past the deadline's date (0: it passed today)
    days_left: int | None
    kinds: list[str] = field(default_factory=list)
    # issue 17: the screenshot taken when the warning opened (path under the home folder; the link from a
    # notice file in reports/notices/<date>/), or why there is none; the unit's 整改反馈 state
    screenshot: str | None = None
    screenshot_href: str | None = None
    screenshot_note: str | None = None
    feedback: str = "未反馈"


def _owner_extras(session: Session, warning_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Issue 17: screenshot and feedback state of each warning, for ``Item``."""
    from mediawatch import feedback
    from mediawatch.evidence import screenshots_of

    shots, states = screenshots_of(session, warning_ids), feedback.states(session, warning_ids)
    extras: dict[int, dict[str, Any]] = {}
    for wid in warning_ids:
        shot = shots.get(wid) or {}
        path = shot.get("path")
        extras[wid] = {"screenshot": path, "screenshot_note": shot.get("note"),
                       "screenshot_href": "../../" + path.split("/", 1)[1] if path and "/" in path else path,
                       "feedback": feedback.label(states[wid])}
    return extras


@dataclass
class AccountTally:
    """An account's warnings in the closure window and what is left before the closure rule."""

    account_id: str
    name: str
    platform_title: str
    warnings_12m: int
    limit: int
    applies: bool  # the closure rule covers this platform

    @property
    def candidate(self) -> bool:
        return self.applies and self.warnings_12m > self.limit

    @property
    def until_candidate(self) -> int:
        """How many more warnings make the account a closure candidate (0 when it is one)."""
        return max(0, self.limit + 1 - self.warnings_12m)


@dataclass
class UnitSection:
    name: str
    new: list[Item] = field(default_factory=list)
    overdue: list[Item] = field(default_factory=list)
    accounts: list[AccountTally] = field(default_factory=list)
    keys: list[tuple[int, str]] = field(default_factory=list)  # (warning_id, kind) delivered with it

    @property
    def count(self) -> int:
        return len(self.new) + len(self.overdue)


@dataclass
class Notice:
    """One e-mail (and its files): to one recipient, about one owner unit, or the office's digest."""

    recipient: str
    digest: bool
    units: list[UnitSection]

    @property
    def keys(self) -> list[tuple[int, str]]:
        """(warning_id, kind) pairs this notice delivers."""
        return [key for unit in self.units for key in unit.keys]

    @property
    def owner_unit(self) -> str:
        return "、".join(u.name for u in self.units) if not self.digest else "（无联系邮箱单位汇总）"

    @property
    def n_new(self) -> int:
        return sum(len(u.new) for u in self.units)

    @property
    def n_overdue(self) -> int:
        return sum(len(u.overdue) for u in self.units)

    @property
    def n_warnings(self) -> int:
        return self.n_new + self.n_overdue


def window_label(config: Config) -> str:
    """How notices name the closure window: 近12个月, 近N天, 本年度."""
    if config.closure.window == "calendar_year":
        return "本年度"
    days = config.closure.window_days
    return "近12个月" if days in (365, 366) else f"近{days}天"


def recipients_of(account: Account, config: Config) -> tuple[list[str], bool]:
    """(addresses, digest): the account's contact addresses, else the office's own."""
    addresses = split_emails(account.contact_email or "")
    if addresses:
        return addresses, False
    return [config.office.email.strip() or NO_RECIPIENT], True


def _local_days(earlier: datetime, later: datetime) -> int:
    """Calendar days between two instants, as dates in Asia/Shanghai (what a reader counts)."""
    return (clock.local(later).date() - clock.local(earlier).date()).days


def _item(warning: Warning, account: Account, now: datetime) -> Item:
    overdue = warning.deadline is not None and warning.deadline < now
    days_left = _local_days(now, warning.deadline) if warning.deadline is not None and not overdue else None
    return Item(
        warning_id=warning.id, rule=warning.rule, rule_title=rule_title(warning.rule),
        source=None if warning.source == OWN_SOURCE else warning.source, external_id=warning.external_id,
        message=warning.message or "", evidence=dict(warning.evidence or {}),
        account_id=account.account_id, account_name=account.name, platform=account.platform,
        platform_title=PLATFORM_TITLES.get(account.platform, account.platform),
        url=account.url or account.feed_url, owner_unit=account.owner_unit,
        opened_at=warning.opened_at, deadline=warning.deadline, overdue=overdue,
        days_overdue=_local_days(warning.deadline, now) if overdue else None, days_left=days_left,
    )


def _deliveries(session: Session, warning_ids: list[int]) -> dict[tuple[int, str, str], str]:
    found: dict[tuple[int, str, str], str] = {}
    for start in range(0, len(warning_ids), CHUNK):
        rows = session.execute(select(NoticeDelivery.warning_id, NoticeDelivery.kind, NoticeDelivery.recipient,
                                      NoticeDelivery.status)
                               .where(NoticeDelivery.warning_id.in_(warning_ids[start:start + CHUNK])))
        for warning_id, kind, recipient, status in rows:
            found[(warning_id, kind, recipient)] = status
    return found


def _is_due(status: str | None, recipient: str, sending: bool) -> bool:
    if status is None:
        return True
    return sending and recipient != NO_RECIPIENT and status != "sent"


def due_notices(session: Session, config: Config, now: datetime, *, sending: bool) -> list[Notice]:
    """The notices to render (and, when ``sending``, to mail) now, in a stable order."""
    rows = session.execute(
        select(Warning, Account).join(Account, Account.id == Warning.account_pk)
        .where(Warning.status == "open", Account.active.is_(True), Account.status != "closed")
        .order_by(Account.owner_unit, Account.account_id, Warning.opened_at, Warning.id)).all()
    if not rows:
        return []
    delivered = _deliveries(session, [w.id for w, _ in rows])
    extras = _owner_extras(session, [w.id for w, _ in rows])
    counts = closure.warning_counts(session, config, now)
    limit = config.closure.max_warnings

    # (digest, recipient) -> unit name -> section; insertion order keeps units sorted
    grouped: dict[tuple[bool, str], dict[str, UnitSection]] = {}
    for warning, account in rows:
        item = _item(warning, account, now)
        item.__dict__.update(extras[warning.id])
        kinds = ["new"] + (["overdue"] if item.overdue else [])
        addresses, digest = recipients_of(account, config)
        for recipient in addresses:
            due = [k for k in kinds if _is_due(delivered.get((warning.id, k, recipient)), recipient, sending)]
            if not due:
                continue
            section = grouped.setdefault((digest, recipient), {}).setdefault(
                account.owner_unit, UnitSection(account.owner_unit))
            (section.overdue if item.overdue else section.new).append(Item(**{**item.__dict__, "kinds": due}))
            if not section.accounts or section.accounts[-1].account_id != account.account_id:
                section.accounts.append(AccountTally(
                    account_id=account.account_id, name=account.name, platform_title=item.platform_title,
                    warnings_12m=counts.get(account.id, 0), limit=limit,
                    applies=account.platform in config.closure.platforms))
            section.keys.extend((warning.id, k) for k in due)

    notices: list[Notice] = []
    for (digest, recipient), units in grouped.items():
        if digest:
            notices.append(Notice(recipient, True, list(units.values())))
        else:  # one notice per owner unit
            notices.extend(Notice(recipient, False, [section]) for section in units.values())
    notices.sort(key=lambda n: (n.digest, n.units[0].name, n.recipient))
    return notices
