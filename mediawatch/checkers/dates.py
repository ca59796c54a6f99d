"""The newest date on a list page (home page, column page): pure functions, no HTTP.

Dates as government sites write them: ``2026-11-20``, ``2026/11/20``, ``2026.11.20``,
``2026年11月20日`` (each with an optional time after it), full-width digits too, and a year-less
``[11-20]`` (also ``(11-20)``, ``【11-20】``, ``11-20`` or ``11/20`` alone in an element, and
``11月20日`` alone in an element) whose year is inferred: the latest such day not after today.
Modern templates also split a date into a big day and a small year-month (``20`` / ``2026-11``);
that is read when nothing else is. Dates after "now" (in Asia/Shanghai) are ignored.

What counts (``summarize``):

- an **item** is a link with a title-like text (at least ``MIN_TITLE`` characters) or a date beside
  it, outside the page's chrome (``nav``/``header``/``footer`` elements, or elements whose id or
  class is one of ``CHROME_NAMES``: menus, breadcrumbs, pagers, footers, friend-link boxes);
- an item's date is looked for in the largest element around its link that holds no other link
  (the ``<li>``, the table row, the ``div`` of the entry), then in its ``<li>``/``<tr>``/``<dd>``;
- a page that says it has nothing (``暂无信息``, ``暂无数据``, ``没有记录`` …) and has no dated
  item has no items (a blank column whose template still lists sub-columns stays blank).

``summarize(html, now)`` gives ``ListSummary(items, dated_items, newest_date)``: items but no
dated item means "not updated"; no items means blank.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Iterable

from mediawatch import clock

MIN_TITLE = 5  # characters of link text that make a link look like an entry title, not a menu
MIN_YEAR = 1990
ITEM_TEXT_LIMIT = 400  # an "item" larger than this is a section, not one entry
CHROME_TAGS = frozenset({"nav", "header", "footer", "script", "style", "noscript", "template", "select", "option",
                         "head", "title", "button", "form"})
CHROME_NAMES = frozenset("""
nav navs navbar menu menus mainnav subnav topnav header head top topbar footer foot bottom copyright
crumb crumbs breadcrumb breadcrumbs position location weizhi dqwz pager pagination paging page pages fenye
yqlj friendlink friendlinks links link-box linkbox share tools toolbar search skip
""".split())
BLANK_MARKERS = ("暂无信息", "暂无数据", "暂无内容", "暂无记录", "暂无相关", "暂无文章", "没有记录", "没有数据",
                 "没有信息", "无相关信息", "无相关记录", "无记录", "信息正在更新", "内容正在建设", "正在建设中", "栏目建设中")

_YMD = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{1,2})(?!\d)")
_CN = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_BRACKET_MD = re.compile(r"[\[(【〔（]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*[\])】〕）]")
_ALONE_MD = re.compile(r"^\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?\s*$")
_YM = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*月?(?![\d./-])")
_DAY = re.compile(r"^\s*(\d{1,2})\s*日?\s*$")


@dataclass
class ListSummary:
    items: int = 0
    dated_items: int = 0
    newest_date: date | None = None

    def as_data(self) -> dict:
        return {"items": self.items, "dated_items": self.dated_items,
                "newest_date": self.newest_date.isoformat() if self.newest_date else None}


def _today(now: datetime | date) -> date:
    return clock.local(now).date() if isinstance(now, datetime) else now


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _infer_year(month: int, day: int, today: date) -> date | None:
    """The latest ``month-day`` not after ``today`` (Feb 29 looks back to a leap year)."""
    for year in range(today.year, today.year - 5, -1):
        found = _valid(year, month, day)
        if found is not None and found <= today:
            return found
    return None


def normalize_text(text: str) -> str:
    """Full-width digits and punctuation to ASCII (``２０２６／１１／２０`` reads as ``2026/11/20``)."""
    return unicodedata.normalize("NFKC", text)


def dates_in(text: str, now: datetime | date, *, alone: bool = False) -> list[date]:
    """Every date written in ``text`` that is not after now. ``alone``: the text is one element's
    whole content, so a bare ``11-20`` or ``11月20日`` reads as a date too."""
    today = _today(now)
    text = normalize_text(text)
    found: list[date] = []
    for match in _YMD.finditer(text):
        found.append(_valid(int(match.group(1)), int(match.group(3)), int(match.group(4))))
    for match in _CN.finditer(text):
        found.append(_valid(int(match.group(1)), int(match.group(2)), int(match.group(3))))
    if not found:
        for match in _BRACKET_MD.finditer(text):
            found.append(_infer_year(int(match.group(1)), int(match.group(2)), today))
        if alone:
            match = _ALONE_MD.match(text)
            if match:
                found.append(_infer_year(int(match.group(1)), int(match.group(2)), today))
    return [d for d in found if d is not None and MIN_YEAR <= d.year and d <= today]


def newest(dates: Iterable[date]) -> date | None:
    return max(dates, default=None)


# --- pages ----------------------------------------------------------------------------------

def _names(element) -> set[str]:
    names = set((element.get("class") or "").lower().split())
    ident = (element.get("id") or "").lower().strip()
    if ident:
        names.add(ident)
    return names


def _is_chrome(element) -> bool:
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    return tag in CHROME_TAGS or bool(_names(element) & CHROME_NAMES)


def _text(element) -> str:
    return re.sub(r"\s+", " ", element.text_content()).strip()


def _element_dates(element, now: datetime | date) -> list[date]:
    """Dates in an element: in its whole text, or in its leaves read one by one (a year-less date
    alone in a ``<span>``, or a day beside a year-month)."""
    found = dates_in(_text(element), now)
    if found:
        return found
    leaves = [_text(e) for e in element.iter() if isinstance(e.tag, str) and len(e) == 0]
    for leaf in leaves:
        found.extend(dates_in(leaf, now, alone=True))
    if found:
        return found
    return _split_dates(leaves, now)


def _split_dates(leaves: list[str], now: datetime | date) -> list[date]:
    """``20`` and ``2026-11`` in neighbouring elements (day first or last)."""
    today = _today(now)
    found = []
    leaves = [normalize_text(leaf) for leaf in leaves if leaf]
    for i, leaf in enumerate(leaves):
        ym = _YM.fullmatch(leaf.strip())
        if not ym:
            continue
        for j in (i - 1, i + 1):
            if 0 <= j < len(leaves):
                day = _DAY.match(leaves[j])
                if day:
                    value = _valid(int(ym.group(1)), int(ym.group(2)), int(day.group(1)))
                    if value is not None and MIN_YEAR <= value.year and value <= today:
                        found.append(value)
                    break
    return found


def _link_counts(root) -> dict:
    """For every element, how many links it holds."""
    counts: dict = {}
    for anchor in root.iter("a"):
        if anchor.get("href") is None:
            continue
        element = anchor
        while element is not None:
            counts[element] = counts.get(element, 0) + 1
            element = element.getparent()
    return counts


def _item_element(anchor, counts: dict):
    """The largest element around ``anchor`` that holds no other link (bounded in size)."""
    element = anchor
    while True:
        parent = element.getparent()
        if parent is None or not isinstance(parent.tag, str) or parent.tag.lower() in ("body", "html"):
            return element
        if counts.get(parent, 0) > 1:
            return element
        if len(_text(parent)) > ITEM_TEXT_LIMIT:
            return element
        element = parent


def _row_element(element):
    for _ in range(4):
        element = element.getparent()
        if element is None or not isinstance(element.tag, str):
            return None
        if element.tag.lower() in ("li", "tr", "dd", "dl"):
            return element if len(_text(element)) <= ITEM_TEXT_LIMIT else None
    return None


def _in_chrome(anchor) -> bool:
    element = anchor.getparent()
    while element is not None and isinstance(element.tag, str):
        if _is_chrome(element):
            return True
        element = element.getparent()
    return False


def summarize(html, now: datetime | date) -> ListSummary:
    """Items, dated items and the newest date of a list page (see the module docstring)."""
    from mediawatch.checkers.links import parse_html

    root = parse_html(html)
    summary = ListSummary()
    dates: list[date] = []
    counts = _link_counts(root)
    for anchor in root.iter("a"):
        if anchor.get("href") is None or _in_chrome(anchor):
            continue
        title = _text(anchor) or (anchor.get("title") or "").strip()
        if not title:
            continue
        item = _item_element(anchor, counts)
        found = _element_dates(item, now)
        if not found:
            row = _row_element(item)
            if row is not None:
                found = _element_dates(row, now)
        if found:
            summary.dated_items += 1
            summary.items += 1
            dates.extend(found)
        elif len(title) >= MIN_TITLE:
            summary.items += 1
    summary.newest_date = newest(dates)
    if summary.dated_items == 0 and summary.items and _says_blank(root):
        summary.items = 0
    return summary


def _says_blank(root) -> bool:
    body = root.find("body")
    text = re.sub(r"\s+", "", (body if body is not None else root).text_content())
    return any(marker in text for marker in BLANK_MARKERS)
