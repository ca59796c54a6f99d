"""Two message-list layouts of real interaction columns that neither a ``<table>`` nor the link entries read.

    messages = header_rows(tree, page_url, now)       # a header row of labels over rows of cells, no <table>
    messages = unlinked_entries(tree, page_url, now)  # each message shown whole, question and answer, no link

Both were met on real pages (tests/data/real/manifest-interaction.toml):

- **Header rows.** Lonsun's (龙讯) message boards, used by many county sites, draw their list as a
  ``<ul class="guestbook_title">`` of labels (留言时间, 办理状态, 信件类型, 信件编号, 信件标题, 受理单位)
  followed by one ``<ul>`` per message whose ``<li>`` cells line up with the labels; the title cell holds
  the link. Read like a table: a row of short labels, holding no link, one of them naming the question's
  day and another the answer's day or the status (or the question's label naming a message: 留言时间,
  来信日期), then the rows after it whose cells match (by the cells' class when every label cell has its
  own, else by position) and that hold a link.
- **Unlinked entries.** A 咨询投诉 page showing each message whole (留言内容 … 留言时间：…, 回复内容 …
  回复时间：…) with no page of its own. An entry is the largest element around one
  "留言/提问/来信/咨询/投诉/写信 + 时间/日期" label with its date that holds no second such label; its
  days are read by the labels (``read_pieces``), its status only from short pieces (a badge, a label),
  never from the message's own sentences; its title is its first sentence, its address the list's
  with a fragment made from the title and day (stable between runs).

Both run only when the readers before them found no message on the page.
"""

from __future__ import annotations

import re
import zlib

from mediawatch.pages.dates import dates_in, normalize_text
from mediawatch.checkers.interaction_read import (ENTRY_LIMIT, _day, _first_date, _leaf_texts, _message, columns_of,
                                                  read_pieces, status_of)

ROW_TAGS = ("ul", "ol", "li", "div", "dl", "p")
LABEL_MAX = 12  # a header cell is a label (留言时间, 办理状态); a longer text is a title or a sentence
MESSAGE_WORDS = ("留言", "来信", "提问", "咨询", "投诉", "写信", "信件")
_ASK_LABEL = re.compile(r"(?:留言|提问|来信|咨询|投诉|写信)(?:时间|日期)")
LABEL_PIECE_MAX = 40  # the element holding "留言时间：2019-02-15" holds little else
WHOLE_ENTRY_MAX = 4000  # a message shown whole (question and answer) is longer than a list entry
_REPLY_LABEL = re.compile(r"^(?:回复|答复)(?:内容|意见)?\s*[:：]?$")


def _text(element) -> str:
    return normalize_text(" ".join(element.text_content().split()))


def _cells(row) -> list:
    return [c for c in row if isinstance(c.tag, str) and c.tag.lower() not in ("script", "style")]


def _in_table(element) -> bool:
    return any(a.tag == "table" for a in element.iterancestors())


def _header_columns(row) -> dict[str, int] | None:
    cells = _cells(row)
    if len(cells) < 2 or row.find(".//a[@href]") is not None:
        return None
    texts = [_text(c) for c in cells]
    if any(len(t) > LABEL_MAX for t in texts):
        return None
    columns = columns_of(texts)
    if columns is None:
        return None
    names_a_message = any(word in texts[columns["asked"]] for word in MESSAGE_WORDS)
    return columns if len(columns) >= 2 or names_a_message else None


def _rows_after(header) -> list:
    rows = [r for r in header.itersiblings() if r.tag == header.tag]
    if rows:
        return rows
    parent = header.getparent()  # header and rows in two lists side by side: <ul class=head>, <ul class=list>
    return [r for sibling in (parent.itersiblings() if parent is not None else ()) for r in sibling
            if isinstance(r.tag, str) and r.tag == header.tag]


def _cell_finder(header):
    """Cell lookup for the rows under ``header``: by class when every label cell has its own, else by position."""
    classes = [c.get("class", "").strip() for c in _cells(header)]
    if all(classes) and len(set(classes)) == len(classes):
        def by_class(row, index):
            return next((c for c in _cells(row) if c.get("class", "").strip() == classes[index]), None)
        return by_class

    def by_position(row, index):
        cells = _cells(row)
        return cells[index] if index < len(cells) else None
    return by_position


def header_rows(tree, page_url: str, now) -> list[dict]:
    """Messages of lists drawn as a header row of labels over rows of cells, without a ``<table>``."""
    messages: list[dict] = []
    # rows already read, held (not their id()s: lxml makes an element's Python object on demand and frees it
    # when nothing holds it, so a freed row's id could come back as another element's and skip a real header)
    seen: set = set()
    for header in tree.iter(*ROW_TAGS):
        if header in seen or _in_table(header):
            continue
        columns = _header_columns(header)
        if columns is None:
            continue
        cell = _cell_finder(header)
        for row in _rows_after(header):
            seen.add(row)
            anchor = row.find(".//a[@href]")
            if anchor is None or len(row.text_content()) > ENTRY_LIMIT:
                continue
            message = _message(anchor, page_url)
            if message is None:
                continue

            def text(key, row=row):
                found = cell(row, columns[key]) if key in columns else None
                return _text(found) if found is not None else ""
            asked, answered = _first_date(text("asked"), now), _first_date(text("answered"), now)
            if asked is None:
                continue
            status = status_of(text("status")) or ("answered" if answered else None)
            message.update(asked=_day(asked), answered=_day(answered), status=status)
            messages.append(message)
    return messages


def _question_labels(tree, now) -> list:
    """The innermost elements holding a question label with its date (留言时间：2019-02-15)."""
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag.lower() in ("script", "style", "html", "body"):
            continue
        text = _text(element)
        if len(text) <= LABEL_PIECE_MAX and _ASK_LABEL.search(text) and dates_in(text, now):
            found.append(element)
    chosen = {id(e) for e in found}
    return [e for e in found if not any(id(d) in chosen for d in e.iterdescendants())]


def _whole_entry(label):
    """The largest element around ``label`` that holds no second question label."""
    element = label
    while True:
        parent = element.getparent()
        if parent is None or parent.tag in ("body", "html"):
            return element
        text = _text(parent)
        if len(_ASK_LABEL.findall(text)) > 1 or len(text) > WHOLE_ENTRY_MAX:
            return element
        element = parent


def unlinked_entries(tree, page_url: str, now) -> list[dict]:
    """Messages shown whole on the list (question, its day, the answer and its day), without a link."""
    messages = []
    for label in _question_labels(tree, now):
        entry = _whole_entry(label)
        pieces = _leaf_texts(entry, None)
        asked, answered, status = read_pieces(pieces, now, short_status=True)
        if asked is None:
            continue
        sentences = [p for p in pieces if len(p) > LABEL_MAX and not dates_in(normalize_text(p), now)]
        title = " ".join(sentences[0].split())[:60] if sentences else _day(asked)
        if answered is None and status is None and _answer_shown(pieces):
            status = "answered"
        key = zlib.crc32(f"{title}|{_day(asked)}".encode("utf-8"))
        messages.append({"title": title, "url": f"{page_url.split('#')[0]}#m{key:08x}", "asked": _day(asked),
                         "answered": _day(answered), "status": status or ("answered" if answered else None),
                         "source": "list"})
    return messages


def _answer_shown(pieces: list[str]) -> bool:
    """An answer's label (回复内容, 答复意见) followed by the answer's text."""
    for label, following in zip(pieces, pieces[1:]):
        if _REPLY_LABEL.match(normalize_text(label)) and len(following.strip()) > 4:
            return True
    return False
