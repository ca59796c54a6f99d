"""Simulated pages for the 互动回应差 and 安全 checks (issue 15): a message board and a notice with a spreadsheet.

    board = MessageBoard(today=clock.today, pending_from=date(...), encoding="gbk")
    board.mount(server, "/hd/")        # /hd/ the list (a table with a header), /hd/N.html each message
    notice = LeakNotice(today=clock.today)
    notice.mount(server, "/gs/")       # /gs/ a list page; while ``notice.leaking`` it links /gs/mingdan.xlsx

The board receives a message every ``every_days`` days. Messages asked before ``pending_from`` are
answered after ``answer_days``, the list showing 已回复 but not the day (the check opens the message's
page for it); later ones stay 办理中. The spreadsheet lists made-up people: ID numbers built with a
region code that no county has (339999) and the GB 11643 check digit, and mobile numbers, on its
second sheet.
"""

from __future__ import annotations

import html
import io
from datetime import date, timedelta
from typing import Callable

from mediawatch.simulation.server import LocalServer, Reply, Request

FAKE_REGION = "339999"  # no county has this code


def _today(today: date | Callable[[], date]) -> date:
    return today() if callable(today) else today


def _page(title: str, main: str, encoding: str) -> Reply:
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">' if encoding == "gbk" \
        else '<meta charset="utf-8">'
    body = (f"<!DOCTYPE html><html><head>{meta}<title>{html.escape(title)}</title></head><body>"
            f'<div class="main"><h2>{html.escape(title)}</h2>{main}</div></body></html>')
    if encoding == "gbk":
        return Reply(body=body.encode("gbk"), content_type="text/html")
    return Reply(body=body.encode("utf-8"), content_type="text/html; charset=utf-8")


TOPICS = ("小区停车位规划", "老旧小区加装电梯", "学校周边交通", "夜间施工噪音", "社区卫生服务站", "公交线路调整",
          "农村道路修缮", "养老服务补贴")


class MessageBoard:
    def __init__(self, *, today: date | Callable[[], date], pending_from: date | None, encoding: str = "utf-8",
                 every_days: int = 7, answer_days: int = 5, shown: int = 15, history_days: int = 400):
        self.today, self.pending_from, self.encoding = today, pending_from, encoding
        self.every_days, self.answer_days, self.shown, self.history_days = every_days, answer_days, shown, history_days
        self.prefix = "/hd/"

    def messages(self) -> list[tuple[int, date, date | None]]:
        """(number, asked, answered or None), newest first, as of today."""
        today = _today(self.today)
        first = today - timedelta(days=self.history_days)
        epoch = date(2020, 1, 1)
        start = first + timedelta(days=(-(first - epoch).days) % self.every_days)
        found = []
        asked = start
        while asked <= today:
            number = (asked - epoch).days
            answered = None
            if self.pending_from is None or asked < self.pending_from:
                day = asked + timedelta(days=self.answer_days)
                answered = day if day <= today else None
            found.append((number, asked, answered))
            asked += timedelta(days=self.every_days)
        return found[::-1]

    def mount(self, server: LocalServer, prefix: str = "/hd/") -> str:
        self.prefix = prefix
        server.route(prefix, self._list)
        server.route(prefix + "*", self._detail)
        return server.url(prefix)

    def _title(self, number: int) -> str:
        return f"关于{TOPICS[number % len(TOPICS)]}的咨询（{number}）"

    def _list(self, request: Request) -> Reply:
        rows = []
        for number, asked, answered in self.messages()[:self.shown]:
            state = "已回复" if answered else "办理中"
            rows.append(f'<tr><td><a href="{self.prefix}{number}.html">{html.escape(self._title(number))}</a></td>'
                        f"<td>{asked.isoformat()}</td><td>{state}</td></tr>")
        table = "<table class=\"list\"><tr><th>标题</th><th>留言时间</th><th>办理状态</th></tr>" + "".join(rows) + "</table>"
        return _page("局长信箱", table, self.encoding)

    def _detail(self, request: Request) -> Reply:
        name = request.path[len(self.prefix):]
        found = {f"{n}.html": (n, a, r) for n, a, r in self.messages()}
        if name not in found:
            if name in ("", "index.html"):
                return self._list(request)
            return Reply(status=404, body=b"<html><body>404</body></html>")
        number, asked, answered = found[name]
        reply = (f"<p>回复单位：本局办公室</p><p>回复时间：{answered.isoformat()}</p><p>回复内容：您好，已收悉并办理。</p>"
                 if answered else "<p>办理状态：办理中</p>")
        return _page(self._title(number), f"<p>留言时间：{asked.isoformat()}</p><p>留言内容：请予关注。</p>{reply}",
                     self.encoding)


def fake_id(index: int) -> str:
    """A made-up 18-digit ID number (region 339999) with a valid GB 11643 check digit."""
    from mediawatch.checkers.privacy import id_check_digit

    born = date(1950, 1, 1) + timedelta(days=index * 997 % 20000)
    first17 = f"{FAKE_REGION}{born:%Y%m%d}{index % 1000:03d}"
    return first17 + id_check_digit(first17)


def spreadsheet(people: int = 12) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["2026年度医疗救助对象名单（内部资料）"])
    sheet = book.create_sheet("名单")
    sheet.append(["序号", "姓名", "身份证号码", "联系电话", "救助金额"])
    for i in range(1, people + 1):
        sheet.append([i, f"居民{i:02d}", fake_id(i), f"1390000{i:04d}", 1200])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class LeakNotice:
    def __init__(self, *, today: date | Callable[[], date], encoding: str = "utf-8"):
        self.today, self.encoding = today, encoding
        self.leaking = False
        self.posted: date | None = None
        self._xlsx: bytes | None = None
        self.prefix = "/gs/"

    def mount(self, server: LocalServer, prefix: str = "/gs/") -> str:
        self.prefix = prefix
        server.route(prefix, self._list)
        server.route(prefix + "mingdan.xlsx", self._file)
        server.route(prefix + "jd.html", lambda request: _page("医疗救助政策解读", "<p>政策解读正文。</p>", self.encoding))
        return server.url(prefix)

    def set_leaking(self, on: bool) -> None:
        if on and not self.leaking:
            self.posted = _today(self.today)
        self.leaking = on

    def _list(self, request: Request) -> Reply:
        today = _today(self.today)
        items = [f'<li><a href="{self.prefix}jd.html">医疗救助政策解读</a><span>{(today - timedelta(days=30)).isoformat()}</span></li>']
        if self.leaking and self.posted:
            items.insert(0, f'<li><a href="{self.prefix}mingdan.xlsx">2026年度医疗救助对象名单公示（附件）</a>'
                            f"<span>{self.posted.isoformat()}</span></li>")
        return _page("公示公告", "<ul class=\"list\">" + "".join(items) + "</ul>", self.encoding)

    def _file(self, request: Request) -> Reply:
        if not self.leaking:
            return Reply(status=404, body=b"<html><body>404</body></html>")
        if self._xlsx is None:
            self._xlsx = spreadsheet()
        return Reply(body=self._xlsx, headers={"ETag": f'"mingdan-{self.posted}"'},
                     content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
