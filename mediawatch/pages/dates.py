"""Dates on list pages (home page, column page): pure functions, no HTTP.

Dates as government sites write them: ``2026-11-20``, ``2026/11/20``, ``2026.11.20``,
``2026年11月20日`` (each with an optional time after it), full-width digits too, and a year-less
``[11-20]`` (also ``(11-20)``, ``【11-20】``, ``11-20`` or ``11/20`` alone in an element, and
``11月20日`` alone in an element). Modern templates also split a date into a big day and a small
year-month (``20`` / ``2026-11``); that is read when nothing else is. Dates after "now" (in
Asia/Shanghai) are ignored.

An entry's date is a date that stands on its own: the text piece it is written in holds little
besides it (a label such as 发布时间, a time, brackets). A date inside a title or a teaser sentence
("2018年2月26日上午，…", "…标准（2016年6月13日）") is not an entry's date.

A year-less date takes its year with care (``resolve_year``): from the entry's URL when the URL
carries one (``/202007/t20200729_1.html``, ``/2020/07-29/``), else from its neighbours in the same
list (not later than their newest year), else the latest such day not after today.

How entries are found on a page is in pages/entries.py (``summarize``, ``read_entries``).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from mediawatch import clock

MIN_YEAR = 1990
# a text piece is a date on its own when, the date, a time, brackets and labels taken out, at most
# this many characters remain ("发布日期：2026-11-20 来源：区政府办"); a title or a sentence leaves more
STANDALONE_REST = 6
LABELS = re.compile(r"发布时间|发布日期|发文日期|成文日期|印发日期|公开日期|更新时间|更新日期|生成日期|时间|日期|发布|更新|"
                    r"浏览次数|浏览|阅读|点击|来源|作者|[\s\[\]()【】〔〕（）<>《》:：|/\\·•\-—_.,、]")
_TIME = re.compile(r"(?<!\d)\d{1,2}:\d{2}(?::\d{2})?(?!\d)")

_YMD = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{1,2})(?!\d)")
_CN = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_BRACKET_MD = re.compile(r"[\[(【〔（]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*[\])】〕）]")
_ALONE_MD = re.compile(r"^\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?\s*$")
_YM = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*月?(?![\d./-])")
_DAY = re.compile(r"^\s*(\d{1,2})\s*日?\s*$")
# a year (and month) in an entry's URL: /202007/, t20200729_, /2020/07-29/, /2020-07/, /2020/0729/
_URL_YM = re.compile(r"(?<!\d)((?:19|20)\d{2})[-/_]?(0[1-9]|1[0-2])(?:[-/_]?(?:0[1-9]|[12]\d|3[01]))?(?!\d)")


class YearLess:
    """A month-day read without its year, resolved later with the entry's URL and neighbours."""

    __slots__ = ("month", "day")

    def __init__(self, month: int, day: int):
        self.month, self.day = month, day

    def __repr__(self) -> str:
        return f"YearLess({self.month:02d}-{self.day:02d})"


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


def url_year_month(url: str | None) -> tuple[int, int] | None:
    """The publication year and month an entry's URL carries (TRS ``/202007/t20200729_…``), if any."""
    if not url:
        return None
    path = url.split("?", 1)[0].split("://", 1)[-1]
    path = path.split("/", 1)[1] if "/" in path else ""
    found = None
    for match in _URL_YM.finditer(path):
        found = (int(match.group(1)), int(match.group(2)))
    return found


def resolve_year(value: YearLess, now: datetime | date, *, url: str | None = None,
                 neighbour_year: int | None = None) -> tuple[date | None, str]:
    """The date of a year-less ``value`` and where its year came from (``url``, ``neighbours``, ``today``)."""
    today = _today(now)
    hint = url_year_month(url)
    if hint is not None:
        year, month = hint
        # published in the URL's month or shortly before it (Dec 31 in a January folder)
        found = _valid(year if value.month <= month else year - 1, value.month, value.day)
        if found is not None and MIN_YEAR <= found.year and found <= today:
            return found, "url"
    if neighbour_year is not None and neighbour_year < today.year:
        found = _infer_year(value.month, value.day, date(neighbour_year, 12, 31))
        if found is not None:
            return found, "neighbours"
    return _infer_year(value.month, value.day, today), "today"


def normalize_text(text: str) -> str:
    """Full-width digits and punctuation to ASCII (``２０２６／１１／２０`` reads as ``2026/11/20``)."""
    return unicodedata.normalize("NFKC", text)


def _full_dates(text: str) -> list[tuple[date | None, tuple[int, int]]]:
    found = []
    for pattern, groups in ((_YMD, (1, 3, 4)), (_CN, (1, 2, 3))):
        for match in pattern.finditer(text):
            y, m, d = (int(match.group(g)) for g in groups)
            found.append((_valid(y, m, d), match.span()))
    return found


def dates_in(text: str, now: datetime | date, *, alone: bool = False) -> list[date]:
    """Every date written in ``text`` that is not after now (year-less ones take the latest year
    not after today). ``alone``: the text is one element's whole content, so a bare ``11-20`` or
    ``11月20日`` reads as a date too."""
    today = _today(now)
    found: list[date | None] = []
    for value in _date_values(normalize_text(text), alone):
        found.append(_infer_year(value.month, value.day, today) if isinstance(value, YearLess) else value)
    return [d for d in found if d is not None and MIN_YEAR <= d.year and d <= today]


def _date_values(text: str, alone: bool) -> list:
    full = [d for d, _ in _full_dates(text)]
    if full:
        return full
    values: list = [YearLess(int(m.group(1)), int(m.group(2))) for m in _BRACKET_MD.finditer(text)]
    if alone:
        match = _ALONE_MD.match(text)
        if match:
            values.append(YearLess(int(match.group(1)), int(match.group(2))))
    return [v for v in values if not isinstance(v, YearLess) or (1 <= v.month <= 12 and 1 <= v.day <= 31)]


def standalone_dates(piece: str, now: datetime | date, *, alone: bool = False) -> tuple[list, bool]:
    """The dates of one text piece (full dates, or ``YearLess`` values) and whether they stand on
    their own (True) or sit inside a title or sentence (False)."""
    text = normalize_text(piece)
    spans = [span for _, span in _full_dates(text)]
    values = _date_values(text, alone)
    if not values:
        return [], False
    today = _today(now)
    values = [v for v in values if v is not None and (isinstance(v, YearLess) or (MIN_YEAR <= v.year and v <= today))]
    if spans:
        pieces, last = [], 0
        for start, end in sorted(spans):
            pieces.append(text[last:start])
            last = max(last, end)
        pieces.append(text[last:])
        rest = "".join(pieces)
    else:
        rest = _BRACKET_MD.sub("", text) if not alone or not _ALONE_MD.match(text) else ""
    rest = LABELS.sub("", _TIME.sub("", rest))
    return values, len(rest) <= STANDALONE_REST


def split_dates(leaves: list[str], now: datetime | date) -> list[date]:
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


def parse_meta_date(value: str | None, now: datetime | date) -> date | None:
    """A date in a ``<meta>`` value (``PubDate``: ``2025-07-14 01:59``), if it is one and not after now."""
    found = dates_in(value or "", now)
    return found[0] if found else None
