"""Reminders (预提醒): what is about to become a warning, told to the unit before it does. Never a warning.

Computed from what is already stored — the observations of the latest completed check run and the
open warnings — by small plug-ins registered under a name (``KINDS``), each returning items:

- ``silence``      a Weibo/WeChat account without a post, or a home page without a new item, for
                   ``[reminders] remind_after_days`` (10) of its 14-day limit, not yet past it;
- ``column``       a column whose silence reached ``column_share`` (80 %) of its category's limit;
- ``certificate``  the site's certificate expires within ``certificate_days`` — read from a
                   ``site_profile`` observation when the checkers store one; none stored: no item;
- ``deadline``     an open warning whose rectification deadline is at most ``deadline_days_before``
                   (2) days away.

An account in a 报备 window, inactive or closed gets none. Everything due for one unit on one local
day is gathered in one ``Reminder`` (unique per unit and day: at most one message a day, however
often this runs); items that appear later that day wait for the next day.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediawatch import clock
from mediawatch.config import Config
from mediawatch.maintenance import active_windows
from mediawatch.rules.base import parse_day
from mediawatch.rules.catalog import PLATFORM_TITLES, rule_title
from mediawatch.store.models import Account, CheckRun, Observation, Reminder, Warning

OWN = "mediawatch"


@dataclass
class ReminderInput:
    account: Account
    observations: list[Observation]
    open_warnings: list[Warning]
    today: date
    now: datetime
    config: Config

    def of_kind(self, kind: str) -> list[Observation]:
        return [o for o in self.observations if o.kind == kind]

    @property
    def open_rules(self) -> set[str]:
        return {w.rule for w in self.open_warnings}


Plugin = Callable[[ReminderInput], list[dict]]
KINDS: dict[str, Plugin] = {}


def register(name: str, plugin: Plugin) -> None:
    if name in KINDS:
        raise ValueError(f"reminder kind {name!r} registered twice")
    KINDS[name] = plugin


def _item(given: ReminderInput, kind: str, text: str, **extra) -> dict:
    a = given.account
    return {"kind": kind, "account_id": a.account_id, "account_name": a.name, "platform": a.platform,
            "platform_title": PLATFORM_TITLES.get(a.platform, a.platform), "text": text, **extra}


def silence(given: ReminderInput) -> list[dict]:
    cfg, rules = given.config.reminders, given.config.rules
    items = []
    for o in given.of_kind("posts"):
        if not o.ok or "not_updated" in given.open_rules:
            continue
        latest = o.data.get("latest_post_at")
        if not latest:
            continue
        days = (given.today - clock.local(clock.parse_datetime(latest)).date()).days
        limit = rules.new_media_max_silence_days
        if cfg.remind_after_days <= days <= limit:
            items.append(_item(given, "silence", f"已{days}天未发布信息，超过{limit}天将被预警（内容不更新）",
                               days=days, limit=limit, since=latest[:10]))
    for o in given.of_kind("homepage"):
        if not o.ok or "homepage_not_updated" in given.open_rules:
            continue
        newest = parse_day(o.data.get("newest_date"))
        if newest is None:
            continue
        days, limit = (given.today - newest).days, rules.homepage_max_silence_days
        if cfg.remind_after_days <= days <= limit:
            items.append(_item(given, "silence", f"首页已{days}天未更新，超过{limit}天将被预警（首页不更新）",
                               days=days, limit=limit, since=newest.isoformat()))
    return items


def column(given: ReminderInput) -> list[dict]:
    if "column_stale" in given.open_rules:
        return []
    share, limits = given.config.reminders.column_share, given.config.rules.column_max_silence_days
    items = []
    for o in given.of_kind("column"):
        limit = limits.get(o.data.get("category"))
        newest = parse_day(o.data.get("newest_date"))
        if not o.ok or limit is None or newest is None:
            continue
        days = (given.today - newest).days
        if math.ceil(share * limit) <= days <= limit:
            name = o.data.get("column") or o.data.get("url") or o.target
            items.append(_item(given, "column", f"栏目“{name}”已{days}天未更新，超过{limit}天将被预警（栏目不更新）",
                               days=days, limit=limit, column=name, url=o.data.get("url") or o.target))
    return items


def _not_after(data: dict) -> str | None:
    cert = data.get("certificate")
    if isinstance(cert, dict):
        for key in ("not_after", "expires_at", "expires"):
            if cert.get(key):
                return str(cert[key])
    for key in ("certificate_not_after", "cert_not_after", "certificate_expires"):
        if data.get(key):
            return str(data[key])
    return None


def certificate(given: ReminderInput) -> list[dict]:
    """From a ``site_profile`` observation (stored by the site-requirements check when it runs)."""
    items = []
    for o in given.of_kind("site_profile"):
        value = _not_after(o.data or {}) if o.ok else None
        day = parse_day(value)
        if day is None:
            continue
        left = (day - given.today).days
        if 0 <= left <= given.config.reminders.certificate_days:
            items.append(_item(given, "certificate", f"网站证书将于{day.isoformat()}到期（剩余{left}天），请及时更换",
                               days_left=left, expires=day.isoformat()))
    return items


def deadline(given: ReminderInput) -> list[dict]:
    items = []
    for w in given.open_warnings:
        if w.deadline is None or w.deadline < given.now:
            continue
        left = (clock.local(w.deadline).date() - given.today).days
        if 0 <= left <= given.config.reminders.deadline_days_before:
            when = "今日" if left == 0 else f"{left}天后"
            items.append(_item(given, "deadline", f"预警#{w.id}（{rule_title(w.rule)}）整改期限{when}届满"
                                                  f"（{clock.local(w.deadline).date().isoformat()}），请抓紧整改并反馈",
                               warning_id=w.id, rule=w.rule, days_left=left))
    return items


for _name, _plugin in (("silence", silence), ("column", column), ("certificate", certificate), ("deadline", deadline)):
    register(_name, _plugin)


def _latest_run(session: Session) -> int | None:
    return session.scalar(select(CheckRun.id).where(CheckRun.kind == "check", CheckRun.status == "done")
                          .order_by(CheckRun.as_of.desc(), CheckRun.id.desc()).limit(1))


def compute(session: Session, config: Config, now: datetime) -> dict[str, list[dict]]:
    """Every unit's items due now (owner unit -> items), from the latest completed check run."""
    run_id = _latest_run(session)
    accounts = {a.id: a for a in session.scalars(select(Account).where(Account.active.is_(True),
                                                                       Account.status == "active"))}
    observations: dict[int, list[Observation]] = {}
    if run_id is not None:
        for o in session.scalars(select(Observation).where(Observation.run_id == run_id).order_by(Observation.id)):
            observations.setdefault(o.account_pk, []).append(o)
    warnings: dict[int, list[Warning]] = {}
    for w in session.scalars(select(Warning).where(Warning.status == "open", Warning.source == OWN)):
        warnings.setdefault(w.account_pk, []).append(w)
    paused = active_windows(session, list(accounts), now)
    today = clock.local(now).date()
    due: dict[str, list[dict]] = {}
    for pk, account in sorted(accounts.items(), key=lambda kv: (kv[1].owner_unit, kv[1].account_id)):
        if pk in paused:
            continue
        given = ReminderInput(account, observations.get(pk, []), warnings.get(pk, []), today, now, config)
        for plugin in KINDS.values():
            items = plugin(given)
            if items:
                due.setdefault(account.owner_unit, []).extend(items)
    return due


def create_due(session: Session, config: Config, now: datetime) -> list[Reminder]:
    """Today's reminders, one per unit with something due; a unit reminded today gets no second one."""
    if not config.reminders.enabled:
        return []
    day = clock.local(now).date().isoformat()
    already = set(session.scalars(select(Reminder.owner_unit).where(Reminder.day == day)))
    created = []
    for unit, items in compute(session, config, now).items():
        if unit in already:
            continue
        reminder = Reminder(owner_unit=unit, day=day, items=items, created_at=now)
        session.add(reminder)
        created.append(reminder)
    session.flush()
    return created
