"""The entries of a list page (home page, column page) and their dates: pure functions, no HTTP.

- an **entry** is a link with a title-like text (at least ``MIN_TITLE`` characters) or a date beside
  it, outside the page's chrome: ``nav``/``header``/``footer`` elements, or elements whose id or
  class is one of ``CHROME_NAMES`` (menus, breadcrumbs, pagers, footers, friend-link boxes). An
  element that holds more than ``WRAPPER_SHARE`` of the page's links, or is also named as a layout
  wrapper (``LAYOUT_NAMES``: section, wrap, main, content …), is a layout wrapper, not chrome,
  whatever its other names (``<div class="top">`` around the whole page, a header left unclosed,
  the ``<div class="section page page2">`` screens of a full-screen portal);
- an entry's date is a date standing on its own (pages/dates.py) in the largest element around
  its link that holds no other link, else in its **row**: the nearest ``li``/``tr``/``dd``/``dl``, or
  a ``div``/``p``/``span``/``td`` whose other links are secondary (附件, 下载, 原文, PDF, an attachment
  URL) or go where the entry's link goes (a picture, title and teaser of one item). A row is one
  entry, however many links it has; its own date is the entry's date;
- a date inside a title or teaser sentence is never an entry's date: a page whose only dates are
  inside sentences has no dated entries;
- a page that says it has nothing (``暂无信息``, ``暂无数据``, ``没有记录`` …) and has no dated
  entry has no entries (a blank column whose template still lists sub-columns stays blank);
- page metadata (``<meta name="PubDate">``, ``ColumnName``, ``SiteIDCode`` … of 国办发〔2017〕47号)
  is read when present.

``read_entries(html, now, page_url)`` gives a ``PageReading`` (entries, what was set aside and why,
metadata); ``summarize`` gives its ``ListSummary(items, dated_items, newest_date)``: entries but no
dated entry means "not updated"; no entries means blank.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from mediawatch.pages.dates import YearLess, resolve_year, split_dates, standalone_dates, url_year_month
from mediawatch.pages.html import parse_html
from mediawatch.pages.urls import is_attachment, resolve

MIN_TITLE = 5  # characters of link text that make a link look like an entry title, not a menu
ITEM_TEXT_LIMIT = 400  # an "item" larger than this is a section, not one entry
ROW_LEVELS = 4  # ancestors looked at for an entry's row
ROW_MAX_LINKS = 6  # a row holds its title link and a few secondary ones (附件, 下载, PDF …)
WRAPPER_SHARE = 0.5  # an element holding more than this share of the page's links is a layout wrapper
WRAPPER_MIN_LINKS = 4  # … on a page of at least this many links
SECONDARY_TEXT = 4  # a link text this short (附件, 下载, 原文, PDF, 详情) is secondary in its row
CHROME_TAGS = frozenset({"nav", "header", "footer", "script", "style", "noscript", "template", "select", "option",
                         "head", "title", "button", "form"})
ABSOLUTE_CHROME = frozenset({"script", "style", "noscript", "template", "select", "option", "head", "title"})
CHROME_NAMES = frozenset("""
nav navs navbar menu menus mainnav subnav topnav header head top topbar footer foot bottom copyright
crumb crumbs breadcrumb breadcrumbs position location weizhi dqwz pager pagination paging page pages fenye
yqlj friendlink friendlinks links link-box linkbox share tools toolbar search skip
""".split())
# names of layout wrappers: an element named so is never chrome by its other names (a full-screen
# portal's <div id="top" class="section page1">, <div class="section page page2">)
LAYOUT_NAMES = frozenset("section fp-section sections wrap wrapper main content container layout screen "
                         "swiper-slide slide fullpage".split())
ROW_TAGS = frozenset({"li", "tr", "dd", "dl"})
LOOSE_ROW_TAGS = frozenset({"div", "p", "span", "td", "h3", "h4", "section", "article"})
SECONDARY_WORDS = ("附件", "下载", "原文", "pdf", "PDF", "图解", "解读", "word", "Word", "查看", "详情", "全文", "视频")
BLANK_MARKERS = ("暂无信息", "暂无数据", "暂无内容", "暂无记录", "暂无相关", "暂无文章", "没有记录", "没有数据",
                 "没有信息", "无相关信息", "无相关记录", "无记录", "信息正在更新", "内容正在建设", "正在建设中", "栏目建设中")
META_NAMES = ("PubDate", "ColumnName", "ColumnType", "SiteIDCode", "SiteName", "SiteDomain", "ArticleTitle",
              "ContentSource", "Url")


@dataclass
class ListSummary:
    items: int = 0
    dated_items: int = 0
    newest_date: date | None = None

    def as_data(self) -> dict:
        return {"items": self.items, "dated_items": self.dated_items,
                "newest_date": self.newest_date.isoformat() if self.newest_date else None}


@dataclass
class Entry:
    title: str
    url: str | None
    date: date | None = None
    date_source: str | None = None  # the element the date came from ("span.time", "tr (row)", "url …")
    not_dates: list[str] = field(default_factory=list)  # dates seen inside the title or a sentence

    def as_data(self) -> dict:
        return {"title": self.title, "url": self.url, "date": self.date.isoformat() if self.date else None,
                "date_source": self.date_source, "not_dates": self.not_dates}


@dataclass
class SetAside:
    element: str
    reason: str
    links: int = 0


@dataclass
class PageReading:
    entries: list[Entry] = field(default_factory=list)
    set_aside: list[SetAside] = field(default_factory=list)
    wrappers: list[str] = field(default_factory=list)  # elements named like chrome, kept as layout wrappers
    meta: dict[str, str] = field(default_factory=dict)
    says_blank: bool = False

    @property
    def summary(self) -> ListSummary:
        summary = ListSummary()
        dated = [e for e in self.entries if e.date is not None]
        summary.dated_items = len(dated)
        summary.items = len(dated) + sum(1 for e in self.entries if e.date is None and len(e.title) >= MIN_TITLE)
        summary.newest_date = max((e.date for e in dated), default=None)
        if summary.dated_items == 0 and summary.items and self.says_blank:
            summary.items = 0
        return summary


def summarize(html, now: datetime | date, page_url: str | None = None) -> ListSummary:
    return read_entries(html, now, page_url).summary


# --- elements -------------------------------------------------------------------------------

def _tag(element) -> str:
    return element.tag.lower() if isinstance(element.tag, str) else ""


def _names(element) -> set[str]:
    names = set((element.get("class") or "").lower().split())
    ident = (element.get("id") or "").lower().strip()
    if ident:
        names.add(ident)
    return names


def describe(element) -> str:
    """``div.footer``, ``ul#list``, ``td``: how an element is named in evidence."""
    tag = _tag(element) or "?"
    ident = (element.get("id") or "").strip()
    classes = (element.get("class") or "").split()
    return tag + (f"#{ident}" if ident else "") + (f".{classes[0]}" if classes else "")


def _text(element) -> str:
    return " ".join(element.text_content().split())


_DIGIT = re.compile(r"\d")


class _Memo(dict):
    """Per-page memo of an element's text (an element is asked about once per link inside it)."""

    def text(self, element) -> str:
        found = self.get(element)
        if found is None:
            found = self[element] = _text(element)
        return found

    def secondary(self, anchor) -> bool:
        key = (anchor, "secondary")
        found = self.get(key)
        if found is None:
            found = self[key] = _secondary(anchor)
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


class _Chrome:
    """Which elements are page chrome (memoized), and why."""

    def __init__(self, counts: dict, total: int):
        self.counts = counts
        self.total = total
        self.memo: dict = {}
        self.wrappers: list[str] = []

    def reason(self, element) -> str | None:
        """Why ``element`` itself is chrome, or None."""
        tag = _tag(element)
        if tag in ABSOLUTE_CHROME:
            return f"标签 <{tag}>"
        all_names = _names(element)
        names = all_names & CHROME_NAMES
        if names and all_names & LAYOUT_NAMES:
            self.wrappers.append(f"{describe(element)}（也名为版式容器 {' '.join(sorted(all_names & LAYOUT_NAMES))}）")
            names = set()
        if tag not in CHROME_TAGS and not names:
            return None
        held = self.counts.get(element, 0)
        if self.total >= WRAPPER_MIN_LINKS and held > WRAPPER_SHARE * self.total:
            self.wrappers.append(f"{describe(element)}（包含页面 {held}/{self.total} 个链接）")
            return None  # a layout wrapper named like chrome
        if tag in CHROME_TAGS:
            return f"页面框架标签 <{tag}>"
        return f"导航、页眉页脚、翻页或友情链接区（{' '.join(sorted(names))}）"

    def of(self, element):
        """The chrome element ``element`` sits in (itself or an ancestor) with its reason, or None."""
        if element is None or not isinstance(element.tag, str):
            return None
        if element in self.memo:
            return self.memo[element]
        reason = self.reason(element)
        found = (element, reason) if reason else self.of(element.getparent())
        self.memo[element] = found
        return found


def _item_element(anchor, counts: dict, memo: _Memo):
    """The largest element around ``anchor`` that holds no other link (bounded in size)."""
    element = anchor
    while True:
        parent = element.getparent()
        if parent is None or not isinstance(parent.tag, str) or _tag(parent) in ("body", "html"):
            return element
        if counts.get(parent, 0) > 1:
            return element
        if len(memo.text(parent)) > ITEM_TEXT_LIMIT:
            return element
        element = parent


def _secondary(anchor) -> bool:
    text = re.sub(r"\s+", "", anchor.text_content())
    href = anchor.get("href") or ""
    return len(text) <= SECONDARY_TEXT or any(w in text for w in SECONDARY_WORDS) or is_attachment(href.strip())


def _row_element(item, anchor, counts: dict, memo: _Memo):
    """The entry's row around ``item`` (see the module docstring), or None."""
    element = item
    for _ in range(ROW_LEVELS):
        element = element.getparent()
        if element is None or not isinstance(element.tag, str) or _tag(element) in ("body", "html"):
            return None
        if counts.get(element, 0) > ROW_MAX_LINKS or len(memo.text(element)) > ITEM_TEXT_LIMIT:
            return None
        tag = _tag(element)
        if tag in ROW_TAGS:
            return element
        if tag in LOOSE_ROW_TAGS:
            others = [a for a in element.iter("a") if a is not anchor and a.get("href") is not None]
            target = (anchor.get("href") or "").strip()
            if others and all(memo.secondary(a) or (a.get("href") or "").strip() == target for a in others):
                return element
    return None


def _pieces(element):
    """(element holding it, text) for every text piece inside ``element``, scripts left out."""
    for node in element.iter():
        if not isinstance(node.tag, str) or _tag(node) in ABSOLUTE_CHROME:
            continue
        if node.text and node.text.strip():
            yield node, node.text
        if node is not element and node.tail and node.tail.strip():
            parent = node.getparent()
            if parent is not None and _tag(parent) not in ABSOLUTE_CHROME:
                yield parent, node.tail


def _own_dates(element, now, memo: _Memo) -> tuple[list, str | None, list[str]]:
    """The dates standing on their own in ``element`` (dates or ``YearLess``), the element they
    came from, and the dates seen inside sentences."""
    found, source, in_sentences = [], None, []
    if not _DIGIT.search(memo.text(element)):
        return found, source, in_sentences  # no digit, no date
    in_links: list = []  # (holder, values) of dates that make up a link's whole text ("…——2026年3月5日…")
    for holder, piece in _pieces(element):
        values, alone = standalone_dates(piece, now, alone=True)
        if not values:
            continue
        if alone and _in_link(holder, element):
            in_links.append((holder, values))
        elif alone:
            found.extend(values)
            source = source or describe(holder)
        else:
            in_sentences.extend(v.isoformat() for v in values if isinstance(v, date))
    if found:  # the element's own date: one in a link's title is not the entry's date
        in_sentences.extend(v.isoformat() for _, values in in_links for v in values if isinstance(v, date))
    elif in_links:
        source = describe(in_links[0][0])
        found = [v for _, values in in_links for v in values]
    if not found:
        leaves = [_text(e) for e in element.iter() if isinstance(e.tag, str) and len(e) == 0]
        found = split_dates(leaves, now)
        if found:
            source = describe(element) + "（日、年月分写）"
    return found, source, in_sentences


def _in_link(holder, top) -> bool:
    """``holder`` is (inside) a link within ``top``."""
    element = holder
    while element is not None:
        if _tag(element) == "a":
            return True
        if element is top:
            return False
        element = element.getparent()
    return False


# --- the page -------------------------------------------------------------------------------

def page_meta(root) -> dict[str, str]:
    """``<meta name=…>`` values of 国办发〔2017〕47号 (PubDate, ColumnName, SiteIDCode …) when present."""
    wanted = {name.lower(): name for name in META_NAMES}
    meta: dict[str, str] = {}
    for element in root.iter("meta"):
        name = wanted.get((element.get("name") or "").strip().lower())
        content = (element.get("content") or "").strip()
        if name and content and name not in meta:
            meta[name] = content[:200]
    return meta


def read_entries(html, now: datetime | date, page_url: str | None = None) -> PageReading:
    """The entries of a list page with their dates, what was set aside, and the page's metadata."""
    root = parse_html(html)
    reading = PageReading(meta=page_meta(root))
    counts = _link_counts(root)
    memo = _Memo()
    chrome = _Chrome(counts, counts.get(root, 0))
    set_aside: dict = {}
    by_key: dict = {}
    pending: list = []  # (entry, year-less values, source, container)
    placed: list = []  # (entry, container)
    for anchor in root.iter("a"):
        if anchor.get("href") is None:
            continue
        hit = chrome.of(anchor.getparent())
        if hit is not None:
            element, reason = hit
            aside = set_aside.get(element)
            if aside is None:
                aside = set_aside[element] = SetAside(describe(element), reason)
            aside.links += 1
            continue
        title = memo.text(anchor) or (anchor.get("title") or "").strip()
        if not title:
            continue
        url = resolve(anchor.get("href"), page_url) if page_url else anchor.get("href")
        item = _item_element(anchor, counts, memo)
        found, source, in_sentences = _own_dates(item, now, memo)
        key = item
        if not found:
            row = _row_element(item, anchor, counts, memo)
            if row is not None:
                key = row
                found, source, more = _own_dates(row, now, memo)
                in_sentences += more
                source = f"{source}（所在行 {describe(row)}）" if source else None
        entry = by_key.get(key) or (_row_entry(anchor, by_key) if memo.secondary(anchor) else None)
        if entry is not None:  # another link of the same row (附件, 下载 …): one entry
            if len(entry.title) < MIN_TITLE <= len(title) and not memo.secondary(anchor):
                entry.title, entry.url = title[:200], url
            continue
        entry = by_key[key] = Entry(title[:200], url, not_dates=sorted(set(in_sentences)))
        reading.entries.append(entry)
        placed.append((entry, key.getparent()))
        full = [v for v in found if isinstance(v, date)]
        if full:
            entry.date, entry.date_source = max(full), source
        elif found:
            pending.append((entry, [v for v in found if isinstance(v, YearLess)], source, key.getparent()))
    _resolve_years(pending, placed, now)
    reading.set_aside = list(set_aside.values())
    reading.wrappers = chrome.wrappers
    body = root.find("body")
    text = re.sub(r"\s+", "", (body if body is not None else root).text_content())
    reading.says_blank = any(marker in text for marker in BLANK_MARKERS)
    return reading


def _row_entry(anchor, by_key: dict):
    """The entry already read for the row a secondary link (原文, PDF) sits in, if any."""
    element = anchor.getparent()
    for _ in range(ROW_LEVELS + 1):
        if element is None:
            return None
        if element in by_key:
            return by_key[element]
        element = element.getparent()
    return None


def _resolve_years(pending: list, placed: list, now) -> None:
    """Year-less dates: from the entry's URL, else not later than the newest year of the entries
    around them (same list), else the latest such day not after today."""
    if not pending:
        return
    years: dict = {}
    for entry, container in placed:
        hint = url_year_month(entry.url)
        year = entry.date.year if entry.date else hint[0] if hint else None
        if year is not None:
            years.setdefault(container, []).append(year)
    for entry, values, source, container in pending:
        neighbour = max(years.get(container) or [0]) or None
        resolved = [resolve_year(v, now, url=entry.url, neighbour_year=neighbour) for v in values]
        resolved = [r for r in resolved if r[0] is not None]
        if resolved:
            day, origin = max(resolved)
            entry.date = day
            entry.date_source = f"{source}；年份取自" + {"url": "链接地址", "neighbours": "同列表其他条目",
                                                        "today": "当前年份"}[origin]
