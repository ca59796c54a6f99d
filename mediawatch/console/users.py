"""Console users: added, listed, disabled and given new passwords from the command line.

Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106's second recommended
parameter set); only the hash is stored. Every change is written to the audit log.
"""

from __future__ import annotations

import re
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from mediawatch.config import Config
from mediawatch.console import audit
from mediawatch.errors import BadInput
from mediawatch.store.models import Account, User

ROLES = ("office", "unit", "leader")
NAME = re.compile(r"^[A-Za-z0-9_.\-@]{1,100}$")
_hasher = PasswordHasher()
# verified when the name is unknown, so a wrong name costs as long as a wrong password
_DUMMY = _hasher.hash("mediawatch: no such user")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(config: Config, password: str) -> None:
    minimum = config.console.min_password_length
    if len(password) < minimum:
        raise BadInput(f"password: at least {minimum} characters")
    if password != password.strip():
        raise BadInput("password: no leading or trailing spaces")


def get(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise BadInput(f"NAME: no user {name!r}")
    return user


def add(session: Session, config: Config, name: str, role: str, unit: str | None, password: str, *,
        actor: str, now: datetime) -> User:
    if not NAME.match(name):
        raise BadInput(f"NAME: {name!r}: use letters, digits, '_', '-', '.', '@' only")
    if role not in ROLES:
        raise BadInput(f"--role: must be one of {', '.join(ROLES)}")
    if role == "unit":
        if not unit:
            raise BadInput("--unit: required for a unit user (the owner_unit of its accounts)")
        if session.scalar(select(Account.id).where(Account.owner_unit == unit).limit(1)) is None:
            raise BadInput(f"--unit: no account in the registry has owner_unit {unit!r}")
    elif unit:
        raise BadInput(f"--unit: only for role unit, not {role}")
    if session.scalar(select(User.id).where(User.name == name)) is not None:
        raise BadInput(f"NAME: user {name!r} exists (use `users passwd` to change the password)")
    check_password(config, password)
    user = User(name=name, role=role, owner_unit=unit or None, password_hash=hash_password(password), active=True,
                created_at=now, updated_at=now)
    session.add(user)
    audit.record(session, actor=actor, role="cli", action="user.add", target=name, now=now,
                 data={"role": role, "owner_unit": unit})
    return user


def disable(session: Session, name: str, *, actor: str, now: datetime) -> User:
    user = get(session, name)
    if not user.active:
        raise BadInput(f"NAME: user {name!r} is already disabled")
    user.active, user.updated_at = False, now
    audit.record(session, actor=actor, role="cli", action="user.disable", target=name, now=now)
    return user


def passwd(session: Session, config: Config, name: str, password: str, *, actor: str, now: datetime) -> User:
    user = get(session, name)
    check_password(config, password)
    user.password_hash, user.updated_at = hash_password(password), now  # ends the user's open sessions
    audit.record(session, actor=actor, role="cli", action="user.passwd", target=name, now=now)
    return user


def listing(session: Session) -> list[dict[str, object]]:
    from mediawatch import clock

    return [{"name": u.name, "role": u.role, "owner_unit": u.owner_unit or "", "active": u.active,
             "created_at": clock.iso(u.created_at), "last_login_at": clock.iso(u.last_login_at) or ""}
            for u in session.scalars(select(User).order_by(User.name))]


def authenticate(session: Session, name: str, password: str) -> User | None:
    """The active user with this name and password, or None (the same work either way)."""
    user = session.scalar(select(User).where(User.name == name))
    try:
        _hasher.verify(user.password_hash if user is not None else _DUMMY, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user
