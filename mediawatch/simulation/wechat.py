"""A simulated WeChat on a ``LocalServer``: feeds from bridges, the backend's appmsgpublish list, a CSV
export, and the article pages themselves (normal, deleted, blocked for violation, 环境异常).

    from mediawatch.simulation.wechat import SimArticle, SimWechatAccount, WechatSimulation
    from mediawatch.simulation.weibo import Cadence

    with LocalServer() as server:
        sim = WechatSimulation(server)
        sim.add(SimWechatAccount("xxfb", "XX发布", articles=[SimArticle(at=..., title="…", deleted="deleted")],
                                 cadence=Cadence(start=..., every_hours=24)))
        sim.set_now(datetime(2026, 11, 21, 12, tzinfo=SHANGHAI))       # change between requests at will
        sim.feed_url("xxfb")            # RSS 2.0 (wewe-rss / RSSHub shape); feed_url("xxfb", "atom") for Atom
        sim.json_url("xxfb")            # appmsgpublish JSON (``.json`` suffix, so ``auto`` picks wechat_json)
        sim.csv_url(encoding="gbk")     # one CSV for every account (account_id = the account's ``key``)
        sim.article_url("xxfb", 3)      # the article page of the account's 3rd post

Routes:

    GET /feeds/KEY.xml | /feeds/KEY.atom        the account's feed (newest ``feed_items`` posts)
    GET /cgi-bin/appmsgpublish?fakeid=KEY       ``{"base_resp", "publish_page": "<JSON string>"}`` (begin/count)
    GET /exports/KEY.json                       the same list, as an owner's export
    GET /exports/posts.csv[?encoding=gbk][&keys=a,b]   account_id, published_at, title, url for every account
                                                (or those keys), ``csv_rows_per_account`` newest rows each
    GET /s/KEY/N                                article page: ``var ct``, ``var nickname``, ``var msg_title``

Accounts (``SimWechatAccount``): ``key`` names the account in URLs (the ``__biz``), ``nickname`` is the
name the platform shows, ``feed_title`` what the feed calls it (default: the nickname). Posts are the
explicit ``articles`` plus those a ``Cadence`` generates up to "now". ``feed_dates``: ``offset``
(RFC 822 with +0800), ``utc`` (GMT), ``none`` (no timezone), ``missing`` (no date at all).
``state``: ``ok``, ``banned`` (此帐号已被屏蔽), ``closed`` (此帐号已自主注销), ``migrated`` — the feed
bridge answers with an error page saying so.

Faults: ``sim.fault`` / ``account.fault`` for feeds and lists: ``418``, ``env`` (环境异常 page),
``freq`` (访问过于频繁 page; the JSON list answers ``ret 200013 freq control``), ``malformed`` (cut XML/
JSON), ``empty`` (a valid feed with no items), ``http500``. ``sim.article_fault`` / ``account.article_fault``
for article pages: ``env``, ``freq``, ``418``.
"""

from __future__ import annotations

import heapq
import json
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime
from html import escape
from itertools import islice
from typing import Iterator
from urllib.parse import urlencode

from mediawatch import clock
from mediawatch.clock import SHANGHAI
from mediawatch.simulation.server import LocalServer, Reply, Request
from mediawatch.simulation.weibo import Cadence

GONE_TEXT = {
    "banned": "此帐号已被屏蔽, 内容无法查看",
    "closed": "此帐号已自主注销，内容无法查看",
    "migrated": "该公众号已迁移",
}
DELETED_TEXT = {"deleted": "该内容已被发布者删除", "violation": "此内容因违规无法查看"}


@dataclass
class SimArticle:
    at: datetime
    title: str
    text: str = ""
    links: list[str] = field(default_factory=list)
    deleted: str | None = None  # None | "deleted" | "violation"
    number: int = 0  # set when the account is built


@dataclass
class SimWechatAccount:
    key: str
    nickname: str
    articles: list[SimArticle] = field(default_factory=list)
    cadence: Cadence | None = None
    feed_title: str | None = None
    feed_dates: str = "offset"
    feed_items: int = 20
    state: str = "ok"
    fault: str | None = None
    article_fault: str | None = None

    def __post_init__(self) -> None:
        for n, article in enumerate(sorted(self.articles, key=lambda a: a.at), start=1):
            article.number = n

    def timeline(self, now: datetime) -> Iterator[SimArticle]:
        """Published articles, newest first (explicit ones numbered 1…, generated ones 100001…)."""
        explicit = sorted((a for a in self.articles if a.at <= now), key=lambda a: a.at, reverse=True)
        generated = (self._generated(k, at) for k, at in (self.cadence.times_desc(now) if self.cadence else ()))
        return heapq.merge(explicit, generated, key=lambda a: a.at, reverse=True)

    def article(self, number: int, now: datetime) -> SimArticle | None:
        if number > 100000 and self.cadence:
            at = self.cadence.at(number - 100001, now)
            return self._generated(number - 100001, at) if at is not None else None
        return next((a for a in self.articles if a.number == number and a.at <= now), None)

    def _generated(self, k: int, at: datetime) -> SimArticle:
        c = self.cadence
        links = [c.link] if c.link and c.link_every and (k + 1) % c.link_every == 0 else []
        return SimArticle(at=at, title=c.text.format(name=self.nickname, n=k + 1), text="今日要闻。", links=links,
                          number=100001 + k)


class WechatSimulation:
    def __init__(self, server: LocalServer, accounts: list[SimWechatAccount] | None = None):
        self.server = server
        self.accounts: dict[str, SimWechatAccount] = {}
        self.fault: str | None = None
        self.article_fault: str | None = None
        self.csv_rows_per_account = 50
        self._now: datetime | None = None
        self._lock = threading.Lock()
        for account in accounts or []:
            self.add(account)
        server.route("/feeds/*", self._feed)
        server.route("/cgi-bin/appmsgpublish", self._publish_list)
        server.route("/exports/*", self._export)
        server.route("/s/*", self._article)

    # --- the API the tests, the demo and the benchmark use ----------------------------------

    def add(self, account: SimWechatAccount) -> SimWechatAccount:
        self.accounts[account.key] = account
        return account

    def set_now(self, now: datetime | None) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now or clock.now()

    def feed_url(self, key: str, kind: str = "rss") -> str:
        return self.server.url(f"/feeds/{key}.{'atom' if kind == 'atom' else 'xml'}")

    def json_url(self, key: str) -> str:
        return self.server.url(f"/exports/{key}.json")

    def api_url(self, key: str) -> str:
        return self.server.url(f"/cgi-bin/appmsgpublish?sub=list&fakeid={key}&begin=0&count=20&type=101_1&f=json")

    def csv_url(self, encoding: str = "utf-8", keys: list[str] | None = None) -> str:
        """The CSV export of every account (or of ``keys`` only), ``csv_rows_per_account`` newest rows each."""
        query = [("encoding", "gbk")] if encoding.lower() in ("gbk", "gb18030") else []
        query += [("keys", ",".join(keys))] if keys else []
        return self.server.url("/exports/posts.csv" + ("?" + urlencode(query) if query else ""))

    def article_url(self, key: str, number: int) -> str:
        return self.server.url(f"/s/{key}/{number}")

    # --- feeds ------------------------------------------------------------------------------

    def _feed(self, request: Request) -> Reply:
        name = request.path.rsplit("/", 1)[-1]
        key, _, kind = name.rpartition(".")
        account = self.accounts.get(key)
        if account is None:
            return Reply(status=404, body="<html><body>Not Found</body></html>")
        failure = self._list_fault(account, feed=True)
        if failure is not None:
            return failure
        if account.state != "ok":
            return Reply(status=503, body=f"<!DOCTYPE html><html><head><title>Error</title></head><body>"
                                          f"<h1>Looks like something went wrong</h1><p>Error Message: "
                                          f"{GONE_TEXT[account.state]}</p></body></html>")
        now = self.now()
        articles = [] if (account.fault or self.fault) == "empty" else list(islice(account.timeline(now),
                                                                                  account.feed_items))
        title = escape(account.feed_title or account.nickname)
        if kind == "atom":
            entries = "".join(
                f"<entry><title>{escape(a.title)}</title><id>{self.article_url(key, a.number)}</id>"
                f'<link href="{self.article_url(key, a.number)}"/>{_atom_date(a.at, account.feed_dates)}'
                f"<content type=\"html\">{escape(_content(a))}</content></entry>" for a in articles)
            body = (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
                    f"<title>{title}</title><id>{self.feed_url(key, 'atom')}</id>{entries}</feed>")
            return Reply(body=body, content_type="application/atom+xml; charset=utf-8")
        items = "".join(
            f"<item><title><![CDATA[{a.title}]]></title><link>{self.article_url(key, a.number)}</link>"
            f"<guid>{self.article_url(key, a.number)}</guid>{_rss_date(a.at, account.feed_dates)}"
            f"<description><![CDATA[{_content(a)}]]></description></item>" for a in articles)
        body = (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{title}</title>'
                f"<link>{self.server.base}</link><description>{title}</description>{items}</channel></rss>")
        return Reply(body=body, content_type="application/rss+xml; charset=utf-8")

    def _list_fault(self, account: SimWechatAccount, feed: bool) -> Reply | None:
        fault = account.fault or self.fault
        if fault in (None, "empty"):
            return None
        if fault == "418":
            return Reply(status=418, body=b"")
        if fault == "http500":
            return Reply(status=500, body="<html><body>Internal Server Error</body></html>")
        if fault == "env":
            return Reply(body=_verify_page())
        if fault == "freq":
            if not feed:
                return _json({"base_resp": {"ret": 200013, "err_msg": "freq control"}})
            return Reply(body="<html><body><p>访问过于频繁，请稍后再试。</p></body></html>")
        if fault == "malformed":
            cut = '{"base_resp":{"ret":0},"publish_page":"{\\"total' if not feed else \
                '<?xml version="1.0"?><rss version="2.0"><channel><title>X</title><item><title>a'
            return Reply(body=cut, content_type="application/json" if not feed else "application/xml")
        raise ValueError(f"unknown fault {fault!r}")

    # --- the backend's list and the exports -------------------------------------------------

    def _publish_list(self, request: Request) -> Reply:
        account = self.accounts.get(request.arg("fakeid") or "")
        if account is None:
            return _json({"base_resp": {"ret": 200002, "err_msg": "invalid args"}})
        begin, count = int(request.arg("begin") or 0), min(20, int(request.arg("count") or 5))
        return self._list_reply(account, begin, count)

    def _list_reply(self, account: SimWechatAccount, begin: int, count: int) -> Reply:
        failure = self._list_fault(account, feed=False)
        if failure is not None:
            return failure
        now = self.now()
        articles = list(islice(account.timeline(now), begin, begin + count))
        entries = []
        for a in articles:
            stamp = int(a.at.timestamp())
            info = {"type": 9, "msgid": 2247480000 + a.number, "sent_info": {"time": stamp, "is_send_all": True},
                    "sent_status": {"total": 1, "succ": 1, "fail": 0},
                    "appmsgex": [{"aid": f"2247480{a.number:03d}_1", "appmsgid": 2247480000 + a.number, "itemidx": 1,
                                  "title": a.title, "digest": a.text[:40],
                                  "link": self.article_url(account.key, a.number),
                                  "cover": "https://mmbiz.qpic.cn/sz_mmbiz_jpg/sim/0?wx_fmt=jpeg",
                                  "create_time": stamp, "update_time": stamp, "is_deleted": a.deleted == "deleted",
                                  "copyright_type": 0, "item_show_type": 0}]}
            entries.append({"publish_type": 101, "publish_info": json.dumps(info, ensure_ascii=False)})
        page = {"total_count": sum(1 for _ in account.timeline(now)), "publish_count": len(entries),
                "masssend_count": 0, "publish_list": entries}
        return _json({"base_resp": {"ret": 0, "err_msg": "ok"},
                      "publish_page": json.dumps(page, ensure_ascii=False), "is_admin": True})

    def _export(self, request: Request) -> Reply:
        name = request.path.rsplit("/", 1)[-1]
        if name == "posts.csv":
            return self._csv(request)
        key = name.removesuffix(".json")
        account = self.accounts.get(key)
        if account is None or not name.endswith(".json"):
            return Reply(status=404, body=b"not found", content_type="text/plain")
        return self._list_reply(account, 0, 20)

    def _csv(self, request: Request) -> Reply:
        now = self.now()
        lines = ["account_id,published_at,title,url"]
        keys = [k for k in (request.arg("keys") or "").split(",") if k]
        accounts = [self.accounts[k] for k in keys if k in self.accounts] if keys else list(self.accounts.values())
        for account in accounts:
            for a in islice(account.timeline(now), self.csv_rows_per_account):
                title = a.title.replace('"', '""')
                lines.append(f'{account.key},{a.at.astimezone(SHANGHAI):%Y-%m-%d %H:%M:%S},"{title}",'
                             f"{self.article_url(account.key, a.number)}")
        text = "\r\n".join(lines) + "\r\n"
        if request.arg("encoding") == "gbk":
            return Reply(body=text.encode("gb18030"), content_type="text/csv")
        return Reply(body="\ufeff" + text, content_type="text/csv; charset=utf-8")

    # --- article pages ----------------------------------------------------------------------

    def _article(self, request: Request) -> Reply:
        parts = request.path.strip("/").split("/")
        account = self.accounts.get(parts[1]) if len(parts) == 3 else None
        if account is None or not parts[2].isdigit():
            return Reply(status=404, body=b"not found", content_type="text/plain")
        fault = account.article_fault or self.article_fault
        if fault == "env":
            return Reply(body=_verify_page())
        if fault == "freq":
            return Reply(body="<html><body><p>访问过于频繁，请稍后再试。</p></body></html>")
        if fault == "418":
            return Reply(status=418, body=b"")
        article = account.article(int(parts[2]), self.now())
        if article is None:
            return Reply(status=404, body=b"not found", content_type="text/plain")
        if article.deleted:
            return Reply(body=_message_page(DELETED_TEXT[article.deleted]))
        return Reply(body=_article_page(account, article, self.server.base))


def _json(payload: dict) -> Reply:
    return Reply(body=json.dumps(payload, ensure_ascii=False), content_type="application/json; charset=utf-8")


def _content(article: SimArticle) -> str:
    links = "".join(f'<p><a href="{escape(link)}">阅读原文</a></p>' for link in article.links)
    return f"<p>{escape(article.text)}</p>{links}"


def _rss_date(at: datetime, style: str) -> str:
    local = at.astimezone(SHANGHAI)
    if style == "missing":
        return ""
    if style == "utc":
        return f"<pubDate>{format_datetime(at.astimezone(timezone.utc), usegmt=True)}</pubDate>"
    if style == "none":
        return f"<pubDate>{format_datetime(local)[:-6]}</pubDate>"
    return f"<pubDate>{format_datetime(local)}</pubDate>"


def _atom_date(at: datetime, style: str) -> str:
    local = at.astimezone(SHANGHAI)
    if style == "missing":
        return ""
    if style == "utc":
        return f"<published>{at.astimezone(timezone.utc):%Y-%m-%dT%H:%M:%SZ}</published>"
    if style == "none":
        return f"<published>{local:%Y-%m-%dT%H:%M:%S}</published>"
    return f"<published>{local.isoformat()}</published>"


def _article_page(account: SimWechatAccount, article: SimArticle, base: str) -> str:
    nickname, title = escape(account.nickname), escape(article.title)
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><meta property="og:title" content="{title}">'
            f'<meta property="og:site_name" content="微信公众平台"><title>{title}</title></head>'
            f'<body id="activity-detail"><div class="rich_media"><h1 class="rich_media_title" id="activity-name">'
            f'{title}</h1><div id="meta_content"><span class="rich_media_meta rich_media_meta_nickname" '
            f'id="profileBt"><a href="javascript:void(0);" id="js_name">{nickname}</a></span>'
            f'<em id="publish_time" class="rich_media_meta rich_media_meta_text"></em></div>'
            f'<div class="rich_media_content" id="js_content" style="visibility: hidden;">{_content(article)}</div>'
            f'</div><script type="text/javascript">var biz = "{account.key}";var sn = "sim{article.number}";'
            f'var nickname = htmlDecode("{nickname}");var msg_title = \'{title}\'.html(false);'
            f'var ct = "{int(article.at.timestamp())}";var user_name = "gh_{account.key}";</script></body></html>')


def _message_page(text: str) -> str:
    return ('<!DOCTYPE html><html><head><meta charset="utf-8"><title></title></head><body>'
            '<div class="weui-msg"><div class="weui-msg__icon-area"><i class="weui-icon-info weui-icon_msg"></i></div>'
            f'<div class="weui-msg__text-area"><h2 class="weui-msg__title">{text}</h2></div></div></body></html>')


def _verify_page() -> str:
    return ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>环境异常</title></head><body>'
            '<div class="weui-msg"><div class="weui-msg__text-area"><h2 class="weui-msg__title">环境异常</h2>'
            '<p class="weui-msg__desc">当前环境异常，完成验证后即可继续访问。</p></div>'
            '<a id="js_verify" class="weui-btn weui-btn_primary" href="javascript:;">去验证</a></div></body></html>')
