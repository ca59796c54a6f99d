"""A simulated Weibo on a ``LocalServer``: m.weibo.cn's container API, the visitor-cookie dance,
the platform's error answers, and an RSSHub-style feed of each account.

    from mediawatch.simulation.server import LocalServer
    from mediawatch.simulation.weibo import Cadence, SimPost, SimWeiboAccount, WeiboSimulation

    with LocalServer() as server:
        sim = WeiboSimulation(server)                       # installs its routes
        sim.add(SimWeiboAccount("9900000001", "XX发布",
                                cadence=Cadence(start=datetime(2026, 1, 1, 9, tzinfo=SHANGHAI), every_hours=24),
                                posts=[SimPost(at=..., text="…", links=["http://…/broken"], pinned=True)]))
        sim.set_now(datetime(2026, 11, 21, 12, tzinfo=SHANGHAI))   # change between requests at will
        config = config.with_overrides(sim.config_overrides())   # weibo.api_base / visitor_base → server

Routes (all on the server's base URL, as ``weibo.api_base`` and ``weibo.visitor_base``):

    POST /visitor/genvisitor2          JSONP ``visitor_gray_callback({"retcode":20000000,"data":{"sub","subp"}})``
                                       and Set-Cookie SUB/SUBP; every SUB it issues is accepted until
                                       ``expire_cookies()``; ``accept_cookie(SUB)`` accepts one more
    GET  /api/container/getIndex       ``type=uid&value=UID&containerid=107603UID[&since_id=…|&page=N]``:
                                       a timeline page (10 posts; pinned first on page 1; card_type 9,
                                       some wrapped in card_type 11 ``card_group``); without ``containerid``:
                                       the profile (``data.userInfo``, ``tabsInfo``). No accepted SUB: HTTP 432
                                       (or ``visitor_answer`` = "redirect" → 302 to /visitor/visitor, "ok-100");
                                       ``paging = "page"`` announces ``cardlistInfo.page`` instead of ``since_id``
    GET  /rsshub/weibo/user/UID        RSS 2.0 titled ``<name>的微博`` (RSSHub's weibo/user route shape)
    GET  /sorry                        the "account unavailable" page a gone account redirects to

Accounts (``SimWeiboAccount``): posts are the explicit ``posts`` plus those a ``Cadence`` generates
up to "now" (cheap: only the page asked for is built). ``state`` says what the platform says about
the account: ``ok``, ``empty`` (exists, no posts), ``missing`` (``用户不存在``), ``unknown_uid`` (``这里还没有
内容`` everywhere, as for a mistyped uid), ``banned`` (``ok: 0`` with the 被投诉 message), ``banned_link``
(``error_type: link`` to ``/sorry?usernotexists``), ``closed`` (302 to the sorry page), ``frozen``.
``date_style="relative"`` writes ``created_at`` as older responses did (刚刚, N分钟前, 昨天 HH:MM, MM-DD, …).

Faults (``sim.fault`` for every request, ``account.fault`` for one account): ``418``, ``432``,
``ok-100``, ``passport`` (302 to passport.weibo.com), ``captcha``, ``env`` (环境异常), ``freq``
(``ok: 0, errno 100005, 请求过于频繁``), ``busy`` (HTTP 414 访问过于频繁 page), ``malformed`` (cut JSON),
``later_pages_418`` (page 1 answers, later pages 418). ``visitor_fault``: ``418`` or ``no_sub``.
"""

from __future__ import annotations

import heapq
import json
import math
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import format_datetime
from html import escape
from itertools import islice
from typing import Iterator
from urllib.parse import quote

from mediawatch import clock
from mediawatch.clock import SHANGHAI
from mediawatch.simulation.server import LocalServer, Reply, Request

PAGE_SIZE = 10
GONE_TEXT = {
    "banned": "该账号因被投诉违反法律法规和《微博社区公约》的相关规定，现已无法查看。",
    "closed": "该账号因用户自行申请关闭，现已无法查看。",
    "frozen": "该账号行为异常，存在安全风险，用户验证之前暂时不能查看。",
    "missing": "用户不存在",
}
JSON = "application/json; charset=utf-8"
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
ICON = "https://h5.sinaimg.cn/upload/2015/09/25/3/timeline_card_small_web_default.png"


@dataclass
class Cadence:
    """Generated posts: one every ``every_hours`` from ``start``, until ``stop``, none inside ``silent``."""

    start: datetime
    every_hours: float = 24.0
    stop: datetime | None = None
    silent: tuple[tuple[datetime, datetime], ...] = ()
    link: str | None = None  # every ``link_every``-th generated post links here
    link_every: int = 0
    text: str = "{name}今日政务信息发布（第{n}期）"

    def at(self, k: int, now: datetime) -> datetime | None:
        """The time of generated post ``k`` (None when it falls silent, after ``stop`` or after now)."""
        at = self.start + k * timedelta(hours=self.every_hours)
        if k < 0 or at > now or (self.stop and at > self.stop) or any(a <= at < b for a, b in self.silent):
            return None
        return at

    def times_desc(self, now: datetime) -> Iterator[tuple[int, datetime]]:
        end = min(now, self.stop) if self.stop else now
        if end < self.start:
            return
        step = timedelta(hours=self.every_hours)
        k = int((end - self.start) / step)
        while k >= 0:
            at = self.start + k * step
            window = next(((a, b) for a, b in self.silent if a <= at < b), None)
            if window is None:
                yield k, at
                k -= 1
            else:
                k = math.ceil((window[0] - self.start) / step) - 1


@dataclass
class SimPost:
    at: datetime
    text: str = ""
    links: list[str] = field(default_factory=list)  # outbound: wrapped as weibo.cn/sinaurl?u=…
    pinned: bool | str = False  # True: every marker; or one of "isTop", "mblogtype", "profile_type_id", "title"
    id: str | None = None
    retweet_text: str | None = None  # the post reposts another (e.g. a banned user's post)


@dataclass
class SimWeiboAccount:
    uid: str
    screen_name: str
    verified: bool = True
    state: str = "ok"
    posts: list[SimPost] = field(default_factory=list)
    cadence: Cadence | None = None
    date_style: str = "absolute"  # or "relative"
    group_cards: bool = True  # wrap the 2nd and 3rd post of a page in a card_type 11 card_group
    fault: str | None = None

    def __post_init__(self) -> None:
        for n, post in enumerate(sorted(self.posts, key=lambda p: p.at), start=1):
            post.id = post.id or f"5{int(self.uid) % 10**7:07d}{n:08d}"

    def timeline(self, now: datetime) -> Iterator[tuple[SimPost, int]]:
        """Visible, unpinned posts, newest first, with their number (generated posts: cadence index)."""
        explicit = sorted(((p, 0) for p in self.posts if not p.pinned and p.at <= now),
                          key=lambda item: item[0].at, reverse=True)
        generated = (self._generated(k, at) for k, at in (self.cadence.times_desc(now) if self.cadence else ()))
        return heapq.merge(explicit, generated, key=lambda item: item[0].at, reverse=True)

    def _generated(self, k: int, at: datetime) -> tuple[SimPost, int]:
        c = self.cadence
        links = [c.link] if c.link and c.link_every and (k + 1) % c.link_every == 0 else []
        text = c.text.format(name=self.screen_name, n=k + 1)
        return SimPost(at=at, text=text, links=links, id=f"4{int(self.uid) % 10**7:07d}{k:08d}"), k + 1


class WeiboSimulation:
    def __init__(self, server: LocalServer, accounts: list[SimWeiboAccount] | None = None):
        self.server = server
        self.accounts: dict[str, SimWeiboAccount] = {}
        self.fault: str | None = None
        self.visitor_fault: str | None = None
        self.visitor_answer = "432"  # what a request without an accepted SUB gets: 432 | redirect | ok-100
        self.paging = "since_id"  # how the next page is announced: since_id (current API) | page (older)
        self._now: datetime | None = None
        self._lock = threading.Lock()
        self._issued: set[str] = set()
        self._serial = 0
        self.visitor_issued = 0
        for account in accounts or []:
            self.add(account)
        server.route("/visitor/genvisitor2", self._genvisitor)
        server.route("/visitor/visitor", Reply(body="<html><body>Sina Visitor System</body></html>"))
        server.route("/api/container/getIndex", self._get_index)
        server.route("/rsshub/weibo/user/*", self._feed)
        server.route("/sorry", self._sorry)

    # --- the API the tests, the demo and the benchmark use ----------------------------------

    def add(self, account: SimWeiboAccount) -> SimWeiboAccount:
        self.accounts[account.uid] = account
        return account

    def set_now(self, now: datetime | None) -> None:
        """Fix the simulation's "now" (None: follow ``mediawatch.clock``)."""
        self._now = now

    def now(self) -> datetime:
        return self._now or clock.now()

    def config_overrides(self) -> dict[str, dict[str, str]]:
        return {"weibo": {"api_base": self.server.base, "visitor_base": self.server.base}}

    def feed_url(self, uid: str) -> str:
        return self.server.url(f"/rsshub/weibo/user/{uid}")

    def expire_cookies(self) -> None:
        with self._lock:
            self._issued.clear()

    def accept_cookie(self, sub: str) -> None:
        with self._lock:
            self._issued.add(sub)

    # --- visitor system ---------------------------------------------------------------------

    def _genvisitor(self, request: Request) -> Reply:
        if self.visitor_fault == "418":
            return Reply(status=418, body=b"", content_type="text/html")
        callback = "visitor_gray_callback"
        if self.visitor_fault == "no_sub":
            body = f'window.{callback} && {callback}({{"retcode":50111,"msg":"\\u7cfb\\u7edf\\u7e41\\u5fd9"}});'
            return Reply(body=body, content_type="application/javascript; charset=utf-8")
        with self._lock:
            self._serial += 1
            self.visitor_issued += 1
            sub = f"_2A25Sim{self._serial:06d}visitor"
            subp = f"0033WrSXqPxfM72-Ws9jqgMF55529P9D9W{self._serial:06d}"
            self._issued.add(sub)
        payload = {"retcode": 20000000, "msg": "succ", "data": {"sub": sub, "subp": subp, "tid": "", "new_tid": True}}
        return Reply(body=f"window.{callback} && {callback}({json.dumps(payload)});",
                     content_type="application/javascript; charset=utf-8",
                     headers={"Set-Cookie": f"SUB={sub}; expires=Fri, 01-Jan-2038 00:00:00 GMT; path=/; "
                                            f"domain=.weibo.cn; secure; httponly"})

    def _has_cookie(self, request: Request) -> bool:
        cookie = request.headers.get("Cookie") or request.headers.get("cookie") or ""
        values = dict(part.strip().split("=", 1) for part in cookie.split(";") if "=" in part)
        with self._lock:
            return values.get("SUB") in self._issued

    # --- the container API ------------------------------------------------------------------

    def _get_index(self, request: Request) -> Reply:
        uid = request.arg("value") or ""
        account = self.accounts.get(uid)
        fault = (account.fault if account else None) or self.fault
        containerid = request.arg("containerid")
        later_page = bool(request.arg("since_id") or (request.arg("page") not in (None, "1")))
        if fault and (fault != "later_pages_418" or later_page):
            return _fault(fault, self.server.base)
        if not self._has_cookie(request):
            return self._no_cookie()
        if account is None or account.state == "unknown_uid":
            return _json({"ok": 0, "msg": "这里还没有内容", "data": {"cards": []}})
        gone = _gone_reply(account, self.server.base)
        if gone is not None:
            return gone
        now = self.now()
        if not containerid:
            return _json({"ok": 1, "data": self._profile(account, now)})
        if account.state == "empty":
            return _json({"ok": 0, "msg": "这里还没有内容", "data": {"cards": []}})
        return self._page(account, request, now)

    def _no_cookie(self) -> Reply:
        if self.visitor_answer == "redirect":
            return Reply(status=302, headers={"Location": self.server.url(
                "/visitor/visitor?entry=sinawap&a=enter&url=https%3A%2F%2Fm.weibo.cn%2F&domain=.weibo.cn")})
        if self.visitor_answer == "ok-100":
            return _json({"ok": -100, "url": "https://m.weibo.cn/login?backURL=https%253A%252F%252Fm.weibo.cn%252F"})
        return Reply(status=432, body=b"", content_type="text/html")

    def _page(self, account: SimWeiboAccount, request: Request, now: datetime) -> Reply:
        since = request.arg("since_id")
        page = int(request.arg("page") or 1) if not since else 0
        timeline = account.timeline(now)
        if since:
            timeline = _after(timeline, since)
        elif page > 1:
            timeline = islice(timeline, (page - 1) * PAGE_SIZE, None)
        chunk = list(islice(timeline, PAGE_SIZE + 1))
        shown, more = chunk[:PAGE_SIZE], chunk[PAGE_SIZE:]
        first = not since and page <= 1
        if not shown and not first:
            return _json({"ok": 0, "msg": "这里还没有内容", "data": {"cards": []}})
        cards = []
        if first:
            cards += [self._card(account, p, 0, now) for p in account.posts if p.pinned and p.at <= now]
        posts = [self._card(account, p, n, now) for p, n in shown]
        if account.group_cards and len(posts) >= 3:
            posts[1:3] = [{"card_type": 11, "itemid": "", "card_group": posts[1:3], "show_type": 0}]
        cards += posts
        info = {"containerid": f"107603{account.uid}", "v_p": 42, "show_style": 1, "total": len(shown)}
        if more and self.paging == "page":
            info["page"] = max(page, 1) + 1
        elif more:
            info["since_id"] = int(more[0][0].id)
        return _json({"ok": 1, "data": {"cardlistInfo": info, "cards": cards, "scheme": "sinaweibo://cardlist?"
                                        f"containerid=107603{account.uid}", "showAppTips": 0}})

    def _card(self, account: SimWeiboAccount, post: SimPost, number: int, now: datetime) -> dict:
        pinned = post.pinned
        bid = _base62(int(post.id))
        mblog = {
            "visible": {"type": 0, "list_id": 0},
            "created_at": _created_at(post.at, now, account.date_style),
            "id": post.id, "idstr": post.id, "mid": post.id, "bid": bid, "can_edit": False,
            "text": _text(post, account),
            "textLength": len(post.text), "source": "微博 weibo.com", "favorited": False, "pic_num": 0,
            "is_paid": False, "mblog_vip_type": 0, "user": self._user(account),
            "reposts_count": number % 7, "comments_count": number % 5, "attitudes_count": number % 11,
            "isLongText": False, "mblogtype": 2 if pinned in (True, "mblogtype") else 0,
        }
        if pinned in (True, "isTop"):
            mblog["isTop"] = 1
        if pinned in (True, "title"):
            mblog["title"] = {"text": "置顶", "base_color": 1}
        if post.retweet_text is not None:
            mblog["retweeted_status"] = {"id": "1" + post.id[1:], "text": post.retweet_text, "user": None,
                                         "created_at": _created_at(post.at, now, "absolute")}
        top = pinned in (True, "profile_type_id")
        return {"card_type": 9, "profile_type_id": f"{'proweibotop' if top else 'proweibo'}_{post.id}",
                "itemid": f"107603{account.uid}_-_{post.id}",
                "scheme": f"https://m.weibo.cn/status/{bid}?mblogid={bid}&luicode=10000011&lfid=107603{account.uid}",
                "mblog": mblog, "show_type": 0}

    def _user(self, account: SimWeiboAccount) -> dict:
        return {"id": int(account.uid), "screen_name": account.screen_name,
                "profile_image_url": "https://tvax1.sinaimg.cn/crop.0.0.180.180.180/default.jpg",
                "profile_url": f"https://m.weibo.cn/u/{account.uid}?uid={account.uid}&luicode=10000011",
                "statuses_count": len(account.posts), "verified": account.verified,
                "verified_type": 1 if account.verified else -1,
                **({"verified_reason": f"{account.screen_name}官方微博"} if account.verified else {}),
                "close_blue_v": False, "description": "", "gender": "m", "mbtype": 0, "urank": 4, "mbrank": 0,
                "follow_me": False, "following": False, "followers_count": 12345, "follow_count": 100}

    def _profile(self, account: SimWeiboAccount, now: datetime) -> dict:
        uid = account.uid
        return {"avatar_guide": [], "isStarStyle": 0, "userInfo": self._user(account),
                "tabsInfo": {"selectedTab": 1, "tabs": [
                    {"id": 1, "tabKey": "profile", "title": "主页", "tab_type": "profile", "containerid": f"230283{uid}"},
                    {"id": 2, "tabKey": "weibo", "title": "微博", "tab_type": "weibo", "containerid": f"107603{uid}",
                     "apipath": "/profile/statuses", "url": "/index/my"}]},
                "showAppTips": 0, "scheme": f"sinaweibo://userinfo?uid={uid}"}

    # --- the feed and the sorry page --------------------------------------------------------

    def _feed(self, request: Request) -> Reply:
        uid = request.path.rstrip("/").rsplit("/", 1)[-1]
        account = self.accounts.get(uid)
        fault = (account.fault if account else None) or self.fault
        if fault:
            code = "418" if fault in ("418", "later_pages_418") else "432"
            return _rsshub_error(f'FetchError: [GET] "https://m.weibo.cn/api/container/getIndex?type=uid&value={uid}": '
                                 f"Response code {code}")
        if account is None or account.state != "ok" and account.state != "empty":
            text = GONE_TEXT.get(account.state.removesuffix("_link") if account else "missing", GONE_TEXT["missing"])
            return _rsshub_error(f"Error Message: {text}")
        now = self.now()
        ordinary = [p for p, _ in islice(account.timeline(now), 20)]
        earliest = min((p.at for p in ordinary), default=None)
        # RSSHub keeps a pinned post only when it is newer than the earliest ordinary one
        pinned = [p for p in account.posts if p.pinned and p.at <= now and earliest is not None and p.at > earliest]
        items = pinned + ordinary
        entries = "".join(
            f"<item><title><![CDATA[{_plain(p.text)[:40]}]]></title>"
            f"<description><![CDATA[{_feed_html(p)}]]></description>"
            f"<pubDate>{format_datetime(p.at.astimezone(SHANGHAI))}</pubDate><guid isPermaLink=\"false\">"
            f"https://weibo.com/{uid}/{p.id}</guid><link>https://weibo.com/{uid}/{p.id}</link></item>" for p in items)
        body = (f'<?xml version="1.0" encoding="UTF-8"?><rss xmlns:atom="http://www.w3.org/2005/Atom" version="2.0">'
                f"<channel><title><![CDATA[{account.screen_name}的微博]]></title><link>https://weibo.com/{uid}/</link>"
                f"<description><![CDATA[{account.screen_name}的微博 - Powered by RSSHub]]></description>"
                f"<generator>RSSHub</generator>{entries}</channel></rss>")
        return Reply(body=body, content_type="application/xml; charset=utf-8")

    def _sorry(self, request: Request) -> Reply:
        reason = request.arg("msg") or GONE_TEXT["missing"]
        return Reply(body=f"<html><head><title>微博</title></head><body><div class='m-error'>{escape(reason)}"
                          "</div><a href='https://passport.weibo.com/'>登录</a></body></html>")


def _base62(number: int) -> str:
    """A post's short id (``bid``), as weibo.com/UID/BID links carry it."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    while number:
        number, rest = divmod(number, 62)
        out = digits[rest] + out
    return out or "0"


def _after(timeline: Iterator[tuple[SimPost, int]], since_id: str) -> Iterator[tuple[SimPost, int]]:
    for item in timeline:
        if item[0].id == since_id:
            yield item
            yield from timeline
            return


def _gone_reply(account: SimWeiboAccount, base: str) -> Reply | None:
    state = account.state
    if state in ("banned", "frozen"):
        return _json({"ok": 0, "errno": "20003", "msg": GONE_TEXT[state]})
    if state == "missing":
        return _json({"ok": 0, "errno": "20003", "msg": GONE_TEXT["missing"]})
    if state == "banned_link":
        return _json({"ok": 0, "error_type": "link",
                      "url": f"https://weibo.com/sorry?usernotexists&code=20003&msg={quote(GONE_TEXT['banned'])}"})
    if state == "closed":
        return Reply(status=302, headers={"Location": f"{base}/sorry?usernotexists&code=20003&msg="
                                                      f"{quote(GONE_TEXT['closed'])}"})
    return None


def _fault(fault: str, base: str) -> Reply:
    if fault in ("418", "later_pages_418"):
        return Reply(status=418, body=b"", content_type="text/html")
    if fault == "432":
        return Reply(status=432, body=b"", content_type="text/html")
    if fault == "ok-100":
        return _json({"ok": -100, "url": "https://passport.weibo.com/sso/signin?entry=wapsso&source=wapssowb"
                                         "&url=https%3A%2F%2Fm.weibo.cn%2F"})
    if fault == "passport":
        return Reply(status=302, headers={"Location": "https://passport.weibo.com/sso/signin?entry=wapsso"
                                                      "&source=wapssowb&url=https%3A%2F%2Fm.weibo.cn%2F"})
    if fault == "captcha":
        return Reply(body="<html><head><title>安全验证</title></head><body>请完成下方验证码后继续访问"
                          "<div id='captcha'></div></body></html>")
    if fault == "env":
        return Reply(body="<html><body><p>环境异常</p><p>当前环境异常，完成验证后即可继续访问。</p></body></html>")
    if fault == "freq":
        return _json({"ok": 0, "errno": "100005", "msg": "请求过于频繁,歇歇吧"})
    if fault == "busy":
        return Reply(status=414, body="<html><body>访问过于频繁，请稍等再试！（错误码：414）</body></html>")
    if fault == "malformed":
        return Reply(body='{"ok":1,"data":{"cardlistInfo":{"containerid":"107603', content_type=JSON)
    raise ValueError(f"unknown fault {fault!r}")


def _json(payload: dict) -> Reply:
    return Reply(body=json.dumps(payload, ensure_ascii=False), content_type=JSON)


def _rsshub_error(message: str) -> Reply:
    return Reply(status=503, body=f"<!DOCTYPE html><html><head><title>Error | RSSHub</title></head><body>"
                                  f"<h1>Looks like something went wrong</h1><p>{escape(message)}</p>"
                                  "<p>Route: /weibo/user/:uid/:routeParams?</p></body></html>")


def _created_at(at: datetime, now: datetime, style: str) -> str:
    local = at.astimezone(SHANGHAI)
    if style != "relative":  # by hand: strftime's %a/%b follow the process locale
        return (f"{_DAYS[local.weekday()]} {_MONTHS[local.month - 1]} {local.day:02d} "
                f"{local:%H:%M:%S} +0800 {local.year}")
    age = now - at
    today = now.astimezone(SHANGHAI).date()
    if age < timedelta(minutes=1):
        return "刚刚"
    if age < timedelta(hours=1):
        return f"{int(age / timedelta(minutes=1))}分钟前"
    if local.date() == today:
        return f"{int(age / timedelta(hours=1))}小时前"
    if local.date() == today - timedelta(days=1):
        return f"昨天 {local:%H:%M}"
    if local.year == today.year:
        return f"{local:%m-%d}"
    return f"{local:%Y-%m-%d}"


def _text(post: SimPost, account: SimWeiboAccount) -> str:
    parts = [escape(post.text) if "<" not in post.text else post.text]
    parts.append(f' <a  href="https://m.weibo.cn/search?containerid=231522type%3D1%26t%3D10%26q%3D%23%E6%94%BF%E5%8A%A1'
                 f'%23" data-hide=""><span class="surl-text">#政务#</span></a>')
    parts.append(f"<a href='/n/{quote(account.screen_name)}'>@{escape(account.screen_name)}</a>")
    for link in post.links:
        parts.append(f' <a data-url="http://t.cn/A6Sim" href="https://weibo.cn/sinaurl?u={quote(link, safe="")}"'
                     f" data-hide=\"\"><span class='url-icon'><img style='width: 1rem;height: 1rem' src='{ICON}'>"
                     '</span><span class="surl-text">网页链接</span></a>')
    parts.append('<span class="url-icon"><img alt=[赞] src="https://h5.sinaimg.cn/m/emoticon/icon/default/'
                 'd_zan-44ddc70637.png" style="width:1em; height:1em;" /></span>')
    return "".join(parts)


def _feed_html(post: SimPost) -> str:
    links = "".join(f'<a href="{escape(link)}">网页链接</a>' for link in post.links)
    return f"{escape(post.text)}<br>{links}"


def _plain(text: str) -> str:
    return escape(text.replace("<", "").replace(">", ""))
