"""Is an ``ok: 1`` answer of the m.weibo.cn container API shaped as the platform shapes it?

A value of the wrong type (a ``screen_name`` that is a list or a number, ``verified`` as a string,
a card that is not an object) is a malformed answer: the check is ``check_failed``, never a verdict
built on a stringified list. ``"mblog": null`` is not a type error here: such a card is a post we
cannot read, and the source decides what that means (``unreadable_post_cards``).
"""

from __future__ import annotations

from typing import Any

_TEXT = (str,)
_ID = (str, int)


def _kind(value: Any) -> str:
    return {list: "a list", dict: "an object", bool: "true/false", int: "a number", float: "a number",
            str: "text", type(None): "null"}.get(type(value), type(value).__name__)


def _field(holder: dict[str, Any], key: str, types: tuple[type, ...], where: str) -> str | None:
    if key not in holder or holder[key] is None:
        return None
    value = holder[key]
    if isinstance(value, bool) and bool not in types:
        return f"{where}.{key} is {_kind(value)}"
    if not isinstance(value, types):
        return f"{where}.{key} is {_kind(value)}"
    return None


def user_problem(user: Any, where: str) -> str | None:
    if user is None:
        return None
    if not isinstance(user, dict):
        return f"{where} is {_kind(user)}, not an object"
    for key, types in (("screen_name", _TEXT), ("id", _ID), ("verified", (bool,)), ("verified_type", (int,))):
        problem = _field(user, key, types, where)
        if problem:
            return problem
    return None


def _card_problem(card: Any, where: str, depth: int = 0) -> str | None:
    if not isinstance(card, dict):
        return f"{where} is {_kind(card)}, not an object"
    group = card.get("card_group")
    if group is not None:
        if not isinstance(group, list) or depth > 2:
            return f"{where}.card_group is {_kind(group)}, not a list"
        for index, inner in enumerate(group):
            problem = _card_problem(inner, f"{where}.card_group[{index}]", depth + 1)
            if problem:
                return problem
    mblog = card.get("mblog")
    if mblog is None:
        return None
    if not isinstance(mblog, dict):
        return f"{where}.mblog is {_kind(mblog)}, not an object"
    for key, types in (("id", _ID), ("mid", _ID), ("created_at", _TEXT), ("text", _TEXT)):
        problem = _field(mblog, key, types, f"{where}.mblog")
        if problem:
            return problem
    return user_problem(mblog.get("user"), f"{where}.mblog.user")


def answer_problem(data: dict[str, Any]) -> str | None:
    """What in ``data`` (an ``ok: 1`` answer's ``data``) is not of the platform's types, or None."""
    problem = user_problem(data.get("userInfo"), "data.userInfo")
    if problem:
        return problem
    info = data.get("cardlistInfo")
    if info is not None and not isinstance(info, dict):
        return f"data.cardlistInfo is {_kind(info)}, not an object"
    for index, card in enumerate(data.get("cards") or []):
        problem = _card_problem(card, f"data.cards[{index}]")
        if problem:
            return problem
    return None


def unreadable_post_cards(cards: list[Any]) -> int:
    """Post cards (``card_type`` 9, or a card carrying the ``mblog`` key) whose ``mblog`` is not an object."""
    count = 0
    for card in cards:
        if not isinstance(card, dict):
            continue
        if isinstance(card.get("card_group"), list):
            count += unreadable_post_cards(card["card_group"])
        if ("mblog" in card or str(card.get("card_type")) == "9") and not isinstance(card.get("mblog"), dict):
            count += 1
    return count
