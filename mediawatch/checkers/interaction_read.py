"""How one 留言 is read, on a list or a message page: the labels of its days and status, the words of a
status, the days read by their labels (``read_pieces``; a 预答复/自动回复 day is neither the question's
nor the answer's), a header row's labels (``columns_of``), a message's link. Used by the list reader
(``interaction``) and by the layouts without a table (``interaction_layouts``).
"""

from __future__ import annotations

import re
from datetime import date

from lxml import etree

from mediawatch.pages.dates import dates_in, normalize_text
from mediawatch.pages.urls import resolve

ASKED_LABELS = ("留言时间", "提问时间", "来信时间", "咨询时间", "投诉时间", "写信时间", "提交时间", "发表时间", "留言日期",
                "来信日期", "提问日期", "咨询日期", "发布时间", "时间", "日期")
ANSWERED_LABELS = ("回复时间", "答复时间", "办结时间", "回复日期", "答复日期", "办结日期", "处理时间", "反馈时间",
                   "回应时间", "办理时间")
STATUS_LABELS = ("状态", "是否回复", "办理情况", "办理状态", "处理状态", "回复情况", "回复状态", "办理结果")
PENDING_WORDS = ("未回复", "待回复", "未答复", "待答复", "未办结", "办理中", "处理中", "受理中", "待处理", "正在办理",
                 "转办中", "未处理", "待办理", "未反馈")
ANSWERED_WORDS = ("已回复", "已答复", "已办结", "已处理", "已反馈", "已解答", "已回应", "办结", "已完成")
_DETAIL_ASKED = re.compile(r"(?:留言|提问|来信|咨询|投诉|写信|提交|发表)(?:时间|日期)\s*[:：]?\s*(.{0,24})")
# an automatic pre-answer (智能预答复, 自动回复: a platform's links to similar answers, given the minute a
# message arrives) is not the owner's answer: its day never counts as the answer's (seen on real pages)
_NOT_THE_ANSWER = r"(?<!预)(?<!自动)(?<!智能)"
_DETAIL_ANSWERED = re.compile(_NOT_THE_ANSWER + r"(?:回复|答复|办结|处理|反馈|回应)(?:时间|日期)\s*[:：]?\s*(.{0,24})")
_REPLY_BLOCK = re.compile(_NOT_THE_ANSWER + r"(?:回复|答复)(?:内容|意见|情况)\s*[:：]\s*\S")
AUTOMATIC_ANSWERS = ("预答复", "预回复", "自动回复", "自动答复", "智能回复", "智能答复")
LINK_TAGS = ("a",)
ENTRY_LIMIT = 600  # an "entry" with more text than this is a section, not one message


def status_of(text: str) -> str | None:
    text = normalize_text(text or "")
    if any(word in text for word in PENDING_WORDS):
        return "pending"
    if any(word in text for word in ANSWERED_WORDS):
        return "answered"
    return None


def _first_date(text: str, now) -> date | None:
    found = dates_in(text, now, alone=True)
    return found[0] if found else None


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _message(anchor, page_url: str) -> dict | None:
    url = resolve(anchor.get("href"), page_url)
    title = " ".join((anchor.text_content() or anchor.get("title") or "").split())
    if not url or not title:
        return None
    return {"title": title[:120], "url": url, "asked": None, "answered": None, "status": None, "source": "list"}


def columns_of(texts: list[str]) -> dict[str, int] | None:
    """Which header cell names the question's day, the answer's day and the status (by index), when
    one names the question's day."""
    found: dict[str, int] = {}
    for index, text in enumerate(texts):
        if "answered" not in found and any(label in text for label in ANSWERED_LABELS):
            found["answered"] = index
        elif "status" not in found and any(label in text for label in STATUS_LABELS):
            found["status"] = index
        elif "asked" not in found and any(label in text for label in ASKED_LABELS):
            found["asked"] = index
    return found if "asked" in found else None


def _leaf_texts(element, skip) -> list[str]:
    """Text pieces of ``element`` in document order, without the link's own text (the title)."""
    texts = []
    walker = etree.iterwalk(element, events=("start", "end"))
    for event, node in walker:
        if not isinstance(node.tag, str):
            continue
        if event == "start":
            if node is skip or node.tag.lower() in ("script", "style"):
                walker.skip_subtree()
                continue
            if node.text and node.text.strip():
                texts.append(node.text.strip())
        elif node is not element and node.tail and node.tail.strip():
            texts.append(node.tail.strip())
    return texts


_ANSWER_WORDS = re.compile(r"回复|答复|办结|处理|反馈|回应")
_ASK_WORDS = re.compile(r"留言|提问|来信|咨询|投诉|写信|提交|发表|时间|日期")
_DAY_LABEL = re.compile(r"时间|日期")  # "回复时间" names a day; a bare "回复" before a date is a weaker hint


def _without_status(text: str) -> str:
    """A label with the status words and the automatic pre-answers taken out (未回复 before a date is a
    status, not the answer's label; 预答复时间 is not the answer's day)."""
    for word in PENDING_WORDS + ANSWERED_WORDS + AUTOMATIC_ANSWERS:
        text = text.replace(word, "")
    return text


def read_pieces(texts: list[str], now, *, short_status: bool = False) -> tuple[date | None, date | None, str | None]:
    """(asked, answered, status) from a message's text pieces in document order: a date after a
    回复/答复/办结 label is the answer's, after a 留言/提问/来信 label the question's (a label naming a
    day, 回复时间, wins over a bare one); unlabelled, the first date is the question's and the second the
    answer's. ``short_status``: status words count only in short pieces (a label or a badge), not in
    the message's own sentences."""
    days: dict[tuple[str, bool], list[date]] = {}
    unlabelled: list[date] = []
    status = None
    label = ""
    for text in texts:
        normal = normalize_text(text)
        found = dates_in(normal, now, alone=True)
        if found:
            raw = label + re.split(r"\d", normal, maxsplit=1)[0]
            prefix = _without_status(raw)
            kind = "answered" if _ANSWER_WORDS.search(prefix) else "asked" if _ASK_WORDS.search(prefix) else None
            automatic = any(word in raw for word in AUTOMATIC_ANSWERS)  # 预答复时间: neither day counts
            if kind is None and not automatic:
                unlabelled.extend(found)
            elif not automatic:
                days.setdefault((kind, bool(_DAY_LABEL.search(prefix))), []).append(found[0])
            label = ""
        else:
            label = normal if len(normal) <= 12 else ""
        if not short_status or len(normal) <= 12:
            status = status or status_of(normal)
    asked = next(iter(days.get(("asked", True), []) + days.get(("asked", False), [])), None)
    answered = next(iter(days.get(("answered", True), []) + days.get(("answered", False), [])), None)
    if asked is None and unlabelled:
        asked = unlabelled.pop(0)
    if answered is None and unlabelled:
        answered = unlabelled.pop(0)
    return asked, answered, status
