"""contacts.csv: each unit's contacts, each on its channel.

Columns ``owner_unit, name, channel, target``: ``channel`` is ``email`` (``target`` an address) or
an IM robot kind — ``dingtalk``, ``wecom``, ``feishu``, ``webhook`` — whose ``target`` is the name
of a robot in ``mediawatch.toml`` (``[channels.robots.NAME]``, of the same kind). The robot's webhook
URL and signing secret are read from the environment variables the config names, at send time:
nothing secret is in the CSV or the config file. A unit may have several contacts; the accounts'
``contact_email`` addresses count as e-mail contacts of their owner unit as well.

``contacts import`` validates the whole file first (exit 2, every problem as FILE:LINE: column:
reason, nothing written), then replaces the contacts with the file's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from mediawatch.config import ROBOT_KINDS, Config
from mediawatch.csvfile import read_table
from mediawatch.errors import ImportFileError
from mediawatch.registry import split_emails
from mediawatch.store.models import Account, Contact

CHANNELS = ("email",) + ROBOT_KINDS
EMAIL = re.compile(r"^[^@\s;,]+@[^@\s;,]+\.[^@\s;,]+$")


@dataclass(frozen=True)
class Recipient:
    """Where one message goes: an address, or a robot (``key`` is ``channel:name``)."""

    channel: str
    target: str
    unit: str

    @property
    def key(self) -> str:
        return self.target if self.channel == "email" else f"{self.channel}:{self.target}"

    @property
    def is_im(self) -> bool:
        return self.channel != "email"


def import_contacts(store, config: Config, path: Path, now: datetime) -> int:
    table = read_table(Path(path), required=("owner_unit", "channel", "target"), optional=("name",))
    robots = config.channels.robots
    problems: list[str] = []
    seen: set[tuple[str, str, str]] = set()
    rows = []
    for row in table.rows:
        v = row.values
        unit, channel, target = v.get("owner_unit", ""), v.get("channel", "").lower(), v.get("target", "")
        if not unit:
            problems.append(table.problem(row.line, "owner_unit", "required, empty"))
        if channel not in CHANNELS:
            problems.append(table.problem(row.line, "channel", f"must be one of {', '.join(CHANNELS)}, got {channel!r}"))
        elif channel == "email":
            if not EMAIL.match(target):
                problems.append(table.problem(row.line, "target", f"not an e-mail address: {target!r}"))
        elif target not in robots:
            problems.append(table.problem(row.line, "target", f"no robot {target!r} in mediawatch.toml "
                                                              f"([channels.robots.{target or 'NAME'}])"))
        elif robots[target].get("kind") != channel:
            problems.append(table.problem(row.line, "target", f"robot {target!r} is a {robots[target].get('kind')} "
                                                              f"robot, not {channel}"))
        key = (unit, channel, target)
        if key in seen:
            problems.append(table.problem(row.line, "target", "the same contact appears twice"))
        seen.add(key)
        rows.append(Contact(owner_unit=unit, name=v.get("name", ""), channel=channel, target=target, active=True,
                            created_at=now))
    if problems:
        raise ImportFileError(problems)
    with store.session() as session:
        session.execute(delete(Contact))
        session.add_all(rows)
    return len(rows)


def contact_rows(session: Session) -> list[dict]:
    return [{"owner_unit": c.owner_unit, "name": c.name, "channel": c.channel, "target": c.target}
            for c in session.scalars(select(Contact).where(Contact.active.is_(True))
                                     .order_by(Contact.owner_unit, Contact.id))]


def recipients(session: Session, unit: str) -> list[Recipient]:
    """A unit's contacts: contacts.csv's, then its accounts' ``contact_email`` addresses (no duplicates)."""
    found: list[Recipient] = []
    for c in session.scalars(select(Contact).where(Contact.owner_unit == unit, Contact.active.is_(True))
                             .order_by(Contact.id)):
        found.append(Recipient(c.channel, c.target, unit))
    for value in session.scalars(select(Account.contact_email).where(Account.owner_unit == unit,
                                                                     Account.active.is_(True))):
        for address in split_emails(value or ""):
            found.append(Recipient("email", address, unit))
    unique: dict[str, Recipient] = {}
    for r in found:
        unique.setdefault(r.key, r)
    return list(unique.values())
