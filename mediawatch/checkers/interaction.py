"""Interaction columns (留言, 咨询, 信箱, 问政): each message's asked and answered days.

    messages = read_list(tree, page_url, now, selectors)      # list page: pure
    asked, answered, status = read_detail(tree, now, selectors)  # a message's own page: pure
    observation = observe_column(site, column, ctx)           # the website checker's hook

A message is ``{title, url, asked, answered, status, source}``: days as ``YYYY-MM-DD`` or null,
``status`` ``answered`` / ``pending`` / null (not shown), ``source`` where its answer came from
(``list``, ``detail`` or ``cache``).

How a list is read (heuristics first, the column's own selectors when it has them):

- a ``<table>`` whose header names its columns (留言时间/提问时间/来信时间…, 回复时间/答复时间/办结时间…,
  状态/办理情况…): each row's cells are read by header;
- otherwise a header row of labels over rows of cells without a ``<table>`` (Lonsun boards), see
  ``interaction_layouts.header_rows``;
- otherwise each entry (the largest element around a link that holds no other link: the ``<li>``,
  the row, the ``div``) is read in document order: a date right after a 回复/答复/办结 label is the
  answer's, one after a 留言/提问/来信 label the question's (a label naming a day, 回复时间, wins over a
  bare 回复); unlabelled, the first date is the question's and the second the answer's;
  已回复/已办结… and 未回复/办理中… give the status;
- otherwise messages shown whole without a link (``interaction_layouts.unlinked_entries``);
- an automatic pre-answer (智能预答复, 预答复时间, 自动回复) is never the answer, on lists and message pages;
- selectors (``columns.csv``: ``item_selector``, ``asked_selector``, ``answered_selector``,
  ``status_selector``; CSS, or XPath when they start with ``/``, ``.`` or ``(``) replace the guesses:
  items by ``item_selector``, the others relative to each item.

Where the list does not show an answer's day (answered without a date, or no status at all), the
message's own page is opened: at most ``interaction.max_detail_pages`` per column and run, newest
first. A day read there for an answered message never changes, so it is kept between runs
(``ctx.extras["interaction_cache"]``, read from the previous run's observations); pending ones are
opened again on a later run.
"""

from __future__ import annotations

from datetime import date, datetime

from mediawatch.checkers.base import Observation
from mediawatch.pages.dates import normalize_text
from mediawatch.pages.page import page_failure, tree_of
from mediawatch.pages.text import visible_text
from mediawatch.checkers.interaction_read import (  # noqa: F401 - status_of is this module's too
    _DETAIL_ANSWERED, _DETAIL_ASKED, _REPLY_BLOCK, ENTRY_LIMIT, _day, _first_date, _leaf_texts, _message, columns_of,
    read_pieces, status_of)


def _select(element, selector: str):
    if selector.startswith(("/", ".", "(")):
        return element.xpath(selector)
    return element.cssselect(selector)


def _selected_text(element, selector: str | None) -> str | None:
    if not selector:
        return None
    found = _select(element, selector)
    if not found:
        return ""
    first = found[0]
    return first if isinstance(first, str) else " ".join(first.text_content().split())


def _header_map(table) -> dict[str, int] | None:
    for row in table.iter("tr"):
        cells = [c for c in row if isinstance(c.tag, str) and c.tag.lower() in ("th", "td")]
        texts = [" ".join(c.text_content().split()) for c in cells]
        if any(c.find(".//a") is not None for c in cells):
            return None
        return columns_of(texts)
    return None


def _read_table(table, page_url: str, now) -> list[dict]:
    columns = _header_map(table)
    if columns is None:
        return []
    messages = []
    for row in table.iter("tr"):
        cells = [c for c in row if isinstance(c.tag, str) and c.tag.lower() in ("th", "td")]
        anchor = row.find(".//a[@href]")
        if anchor is None or not cells:
            continue
        message = _message(anchor, page_url)
        if message is None:
            continue
        text = lambda key: " ".join(cells[columns[key]].text_content().split()) \
            if key in columns and columns[key] < len(cells) else ""  # noqa: E731
        asked, answered = _first_date(text("asked"), now), _first_date(text("answered"), now)
        status = status_of(text("status")) or ("answered" if answered else None)
        message.update(asked=_day(asked), answered=_day(answered), status=status)
        messages.append(message)
    return messages


def _entry(anchor):
    """The largest element around ``anchor`` holding no other link."""
    element = anchor
    while True:
        parent = element.getparent()
        if parent is None or parent.tag in ("body", "html", "table", "tbody", "ul", "ol"):
            return element
        if len(parent.findall(".//a[@href]")) > 1 or len(parent.text_content()) > ENTRY_LIMIT:
            return element
        element = parent


def _read_entry(entry, anchor, page_url: str, now) -> dict | None:
    message = _message(anchor, page_url)
    if message is None:
        return None
    asked, answered, status = read_pieces(_leaf_texts(entry, anchor), now)
    if asked is None:
        return None
    message.update(asked=_day(asked), answered=_day(answered), status=status or ("answered" if answered else None))
    return message


def read_list(tree, page_url: str, now: datetime | date, selectors: dict | None = None) -> list[dict]:
    """The messages a list page shows, newest question first."""
    from mediawatch.checkers.interaction_layouts import header_rows, unlinked_entries

    selectors = selectors or {}
    messages: list[dict] = []
    if selectors.get("item_selector"):
        for item in _select(tree, selectors["item_selector"]):
            anchor = item if item.tag == "a" else item.find(".//a[@href]")
            if anchor is None:
                continue
            message = _message(anchor, page_url)
            if message is None:
                continue
            asked_text = _selected_text(item, selectors.get("asked_selector"))
            answered_text = _selected_text(item, selectors.get("answered_selector"))
            status_text = _selected_text(item, selectors.get("status_selector"))
            if asked_text is None:
                fallback = _read_entry(item, anchor, page_url, now)
                if fallback:
                    messages.append(fallback)
                continue
            asked = _first_date(asked_text, now)
            answered = _first_date(answered_text or "", now)
            status = status_of(status_text or "") or ("answered" if answered else None)
            if asked:
                message.update(asked=_day(asked), answered=_day(answered), status=status)
                messages.append(message)
    else:
        tables_done = set()
        for table in tree.iter("table"):
            found = _read_table(table, page_url, now)
            if found:
                messages.extend(found)
                tables_done.add(table)
        if not messages:  # a header row of labels over rows of cells, without a <table> (real pages)
            messages.extend(header_rows(tree, page_url, now))
        if not messages:
            for anchor in tree.iter("a"):
                if not anchor.get("href") or any(a in tables_done for a in anchor.iterancestors("table")):
                    continue
                entry = _entry(anchor)
                message = _read_entry(entry, anchor, page_url, now)
                if message:
                    messages.append(message)
        if not messages:  # each message shown whole on the list, question and answer, without a link
            messages.extend(unlinked_entries(tree, page_url, now))
    unique: dict[str, dict] = {}
    for message in messages:
        unique.setdefault(message["url"], message)
    return sorted(unique.values(), key=lambda m: m["asked"] or "", reverse=True)


def read_detail(tree, now: datetime | date, selectors: dict | None = None) -> tuple[date | None, date | None, str | None]:
    """(asked, answered, status) as a message's own page shows them."""
    selectors = selectors or {}
    text = normalize_text(visible_text(tree))
    asked = answered = None
    if selectors.get("detail_answered_selector"):
        answered = _first_date(_selected_text(tree, selectors["detail_answered_selector"]) or "", now)
    for match in _DETAIL_ASKED.finditer(text):
        asked = asked or _first_date(match.group(1), now)
    if answered is None:
        for match in _DETAIL_ANSWERED.finditer(text):
            answered = answered or _first_date(match.group(1), now)
    status = status_of(text) if not answered else "answered"
    if status is None and _REPLY_BLOCK.search(text):
        status = "answered"
    return asked, answered, status


def _needs_detail(message: dict) -> bool:
    return message["answered"] is None and message["status"] != "pending"


def observe_column(site, column, ctx, selectors: dict | None = None) -> Observation:
    """The ``interaction`` observation of one column (``site``: the website check, for its pages)."""
    config = ctx.config.interaction
    result = site.page(column.url).result()
    base = {"column": column.column, "url": column.url, "status": result.status}
    failure = page_failure(result)
    if failure is not None:
        return Observation.failed("interaction", failure[0], failure[1], target=column.url, **base, messages=None)
    messages = read_list(tree_of(result), result.final_url, ctx.now, selectors)
    cache = ctx.extras.get("interaction_cache")
    cached = cache.get(site.account.pk, column.url) if cache is not None else {}
    fetched = from_cache = 0
    unresolved = 0
    budget = int(config.max_detail_pages)
    for message in messages:  # newest first
        if not _needs_detail(message):
            continue
        known = cached.get(message["url"])
        if known and known.get("answered"):
            message.update(answered=known["answered"], status="answered", source="cache",
                           asked=message["asked"] or known.get("asked"))
            from_cache += 1
            continue
        if fetched >= budget:
            unresolved += 1
            continue
        fetched += 1
        page = site.page(message["url"]).result()
        if page_failure(page) is not None:
            unresolved += 1
            continue
        site.safety.read_page(page)  # a message page may itself publish the writer's numbers (privacy_leak)
        asked, answered, status = read_detail(tree_of(page), ctx.now, selectors)
        message.update(asked=message["asked"] or _day(asked), answered=_day(answered),
                       status=status or message["status"], source="detail")
        if message["answered"] is None and message["status"] != "pending":
            unresolved += 1
    return Observation("interaction", target=column.url, data={
        **base, "category": column.category, "messages": messages[:500], "recognised": len(messages),
        "details_fetched": fetched, "details_cached": from_cache, "unresolved": unresolved,
        "newest_asked": messages[0]["asked"] if messages else None,
    })
