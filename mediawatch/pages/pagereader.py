"""Reading a website's home page or column page the way a person would: the one code path the
website checker and ``mediawatch explain`` share.

``PageReader(fetch_page, fetch_any, config, now)``; ``read(result, home=True)`` gives a ``Reading``:

1. a page that does not load or decode is a failure (``failure``: error kind, message);
2. an anti-bot challenge answering 200 (WZWS, 安全狗 …, pages/wayin.py) is ``challenge``: the
   check failed, never a verdict on the site;
3. a page with no dated entry that is only a way in (redirect, frames, 引导页) is followed, at most
   ``crawl.way_in_max_hops`` steps inside the site's registered domain (``followed``); when it
   cannot be, ``unknown_reason`` says why (the rules then say unknown, never "no dated entry"); a way
   in named without a target (a POST form, a computed redirect) first lets step 4 look for a list;
4. a list written by script is read from the markup the script writes, else from its JS/JSON
   source (``crawl.script_sources_max``), else ``unknown_reason`` says the list could not be read;
5. a home page with still no dated entry is judged by the columns it links to (19号): the newest
   dates of up to ``crawl.column_fallback_pages`` linked pages (``columns_read``, ``date_from``
   ``"columns"``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable

from mediawatch.pages.dates import standalone_dates
from mediawatch.pages.entries import Entry, ListSummary, PageReading, read_entries
from mediawatch.pages.html import parse_html
from mediawatch.pages.page import page_failure, text_of, tree_of
from mediawatch.pages.urls import is_attachment, resolve
from mediawatch.pages.wayin import (
    MAX_TARGETS,
    builds_by_script,
    challenge,
    find_way_in,
    same_site,
    script_sources,
    written_html,
)

COLUMN_TEXT = (2, 12)  # a link to a column reads like a column name: this many characters
SCRIPT_MIN_ENTRIES = 2  # dates (and titles) a script's data must hold to be read as a list
TITLE_CJK = 5  # Chinese characters that make a string literal read as a title


@dataclass
class Reading:
    result: object  # the FetchResult finally read (after any way in)
    failure: tuple[str, str] | None = None
    challenge: str | None = None
    page: PageReading | None = None
    summary: ListSummary = field(default_factory=ListSummary)
    followed: list[dict] = field(default_factory=list)
    unknown_reason: str | None = None
    date_from: str = "page"  # page | script | columns
    script_source: str | None = None
    columns_read: list[dict] = field(default_factory=list)

    def as_data(self) -> dict:
        data = self.summary.as_data()
        data.update({"followed": self.followed, "date_from": self.date_from, "unknown_reason": self.unknown_reason,
                     "meta": self.page.meta if self.page else {}})
        if self.script_source:
            data["script_source"] = self.script_source
        if self.columns_read:
            data["columns_read"] = self.columns_read
        return data


class PageReader:
    def __init__(self, fetch_page: Callable, fetch_any: Callable, config, now: datetime | date):
        self.fetch_page = fetch_page  # url -> FetchResult of an HTML page (shared with the crawl)
        self.fetch_any = fetch_any  # url -> FetchResult whatever its type (JS, JSON)
        self.now = now
        crawl = config.crawl
        self.max_hops = int(crawl.way_in_max_hops)
        self.max_sources = int(crawl.script_sources_max)
        self.max_columns = int(crawl.column_fallback_pages)

    def read(self, result, *, home: bool = True) -> Reading:
        reading = Reading(result=result)
        start = result.final_url
        visited = {result.final_url}
        current = result
        named_only = None  # a way in named without a target (a POST form, a computed redirect)
        for hop in range(self.max_hops + 1):
            failure = page_failure(current)
            if failure is not None:
                if reading.followed:
                    reading.unknown_reason = f"入口页跳转后的页面无法读取（{current.final_url}：{failure[1]}）"
                    return reading
                reading.failure = failure
                return reading
            name = challenge(text_of(current), tree_of(current))
            if name is not None:
                reading.challenge = name
                return reading
            reading.result = current
            reading.page = read_entries(tree_of(current), self.now, current.final_url)
            reading.summary = reading.page.summary
            if reading.summary.dated_items:
                return reading
            way = find_way_in(tree_of(current), current.final_url, home=home)
            if way is None:
                break
            if hop == self.max_hops:
                reading.unknown_reason = f"入口页跳转超过{self.max_hops}层，未到达真实首页"
                return reading
            nxt, tried = self._step(way, start, visited)
            if nxt is None:
                reason = f"首页仅为入口（{way.reason}），未能进入真实首页：" + ("；".join(tried) or "没有可跟随的目标")
                if way.targets:
                    reading.unknown_reason = reason
                    return reading
                named_only = reason  # the page may still hold its list in script: read that first
                break
            reading.followed.append({"kind": way.kind, "from": current.final_url, "to": nxt.final_url,
                                     "reason": way.reason})
            visited.add(nxt.final_url)
            current = nxt
        self._script_list(reading)
        if named_only and not reading.summary.dated_items:
            reading.unknown_reason = named_only
        if home and not reading.summary.dated_items and reading.unknown_reason is None:
            self._columns(reading)
        return reading

    # --- steps ------------------------------------------------------------------------------

    def _step(self, way, start: str, visited: set[str]):
        tried: list[str] = []
        fallback = None
        for target in way.targets[:MAX_TARGETS]:
            if not same_site(target, start):
                tried.append(f"{target} 不在本站注册域名内")
                continue
            if target in visited:
                continue
            fetched = self.fetch_page(target)
            failure = page_failure(fetched)
            if failure is not None:
                tried.append(f"{target}：{failure[1]}")
                continue
            if read_entries(tree_of(fetched), self.now, fetched.final_url).summary.dated_items:
                return fetched, tried
            fallback = fallback or fetched
        return fallback, tried

    def _script_list(self, reading: Reading) -> None:
        """A list written by script: from the markup the page's scripts write, else from a JS/JSON source."""
        result = reading.result
        html = written_html(tree_of(result))
        if html:
            found = read_entries(f"<html><body>{html}</body></html>", self.now, result.final_url)
            if found.summary.dated_items:
                self._take(reading, found.entries, "script", "页面脚本写出的列表")
                return
        for script in tree_of(result).iter("script"):  # entries as data in the page's own scripts
            entries = _entries_in_script(script.text or "", self.now, result.final_url)
            if entries:
                self._take(reading, entries, "script", "页面脚本中的列表数据")
                return
        if not builds_by_script(tree_of(result)):
            return
        for url in script_sources(tree_of(result), result.final_url)[: self.max_sources]:
            fetched = self.fetch_any(url)
            if not fetched.ok or not fetched.content:
                continue
            entries = _entries_in_source(fetched, self.now)
            if entries:
                self._take(reading, entries, "script", url)
                return
        if not reading.summary.dated_items:
            reading.unknown_reason = "首页列表由脚本生成，未能从其数据源读出带日期的信息"

    @staticmethod
    def _take(reading: Reading, entries: list[Entry], origin: str, source: str) -> None:
        reading.page.entries.extend(entries)
        reading.summary = reading.page.summary
        reading.date_from, reading.script_source = origin, source

    def _columns(self, reading: Reading) -> None:
        """19号: a home page with no dated entry is judged by the columns it links to."""
        result = reading.result
        seen: list[str] = []
        for anchor in tree_of(result).iter("a"):
            text = re.sub(r"\s+", "", anchor.text_content())
            url = resolve(anchor.get("href"), result.final_url)
            if not url or url in seen or url.rstrip("/") == result.final_url.rstrip("/") or is_attachment(url):
                continue
            if not (COLUMN_TEXT[0] <= len(text) <= COLUMN_TEXT[1]) or not same_site(url, result.final_url):
                continue
            seen.append(url)
            if len(seen) >= self.max_columns:
                break
        newest = None
        for url in seen:
            fetched = self.fetch_page(url)
            if page_failure(fetched) is not None:
                reading.columns_read.append({"url": url, "newest_date": None, "error": page_failure(fetched)[1]})
                continue
            summary = read_entries(tree_of(fetched), self.now, fetched.final_url).summary
            reading.columns_read.append({"url": url, **summary.as_data()})
            if summary.newest_date and (newest is None or summary.newest_date > newest):
                newest = summary.newest_date
        if newest is not None:
            reading.summary = ListSummary(items=reading.summary.items, dated_items=0, newest_date=newest)
            reading.date_from = "columns"


def _entries_in_script(code: str, now, url: str) -> list[Entry]:
    """Entries held as data in a script (``var news = [{title: "…", date: "2026-11-20"}, …]``): at least
    ``SCRIPT_MIN_ENTRIES`` dates standing alone in string literals beside as many title-like literals
    (a build date or a version string alone is not a list)."""
    literals = [m[1:-1] for m in re.findall(r""""(?:[^"\\\n]|\\.){1,200}"|'(?:[^'\\\n]|\\.){1,200}'""", code)]
    titles = [v for v in literals if len(re.findall(r"[\u4e00-\u9fff]", v)) >= TITLE_CJK]
    dates = []
    for value in literals:
        found, alone = standalone_dates(value, now)
        full = [d for d in found if isinstance(d, date)]
        if full and alone:
            dates.append(max(full))
    if len(dates) < SCRIPT_MIN_ENTRIES or len(titles) < SCRIPT_MIN_ENTRIES:
        return []
    return [Entry(title=title[:200], url=url, date=day, date_source="页面脚本中的列表数据")
            for title, day in zip(titles, dates)]


def _entries_in_source(fetched, now) -> list[Entry]:
    """Entries of a JS or JSON list source: markup it writes, or dates standing alone in its values."""
    text = text_of(fetched)
    try:
        data = json.loads(fetched.content.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError):
        data = None
    values: list[str] = []
    if data is not None:
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, str):
                values.append(item)
    else:
        html = written_html(parse_html(f"<html><body><script>{text}</script></body></html>"))
        if html:
            found = read_entries(f"<html><body>{html}</body></html>", now, fetched.final_url)
            if found.summary.dated_items:
                return [e for e in found.entries if e.date]
        values = [m[1:-1] for m in re.findall(r""""[^"\n]{6,40}"|'[^'\n]{6,40}'""", text)]
    entries = []
    for value in values:
        dates, alone = standalone_dates(value, now)
        full = [d for d in dates if isinstance(d, date)]
        if full and alone:
            entries.append(Entry(title="(脚本数据)", url=fetched.final_url, date=max(full), date_source=f"脚本数据 {fetched.final_url}"))
    return entries
