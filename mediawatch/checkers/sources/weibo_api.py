"""``weibo_api``: the m.weibo.cn container API for one uid, read like a mobile browser reads it.

    GET {api_base}/api/container/getIndex?type=uid&value=UID&containerid=107603UID[&since_id=…]
        → {"ok": 1, "data": {"cardlistInfo": {"since_id": …}, "cards": [card, …]}}
    GET {api_base}/api/container/getIndex?type=uid&value=UID           (profile: data.userInfo)

A post is a card with ``card_type == 9`` and an ``mblog``; ``card_type == 11`` wraps more cards in
``card_group``. Pages are read until the posts of ``weibo.lookback_days`` are covered (pinned posts
do not count for that: they can be years old), at most ``weibo.max_pages``.

How an answer is read (``classify``): ``ok: 1`` is data; ``{"ok": 0, "msg": "这里还没有内容"}`` is an
account with no posts; an error answer naming a ban, a closure or a missing user is *gone*; HTTP
418/432, ``ok: -100``, a redirect to the visitor system or to a login page, a captcha page, a
frequency message or a body that is not JSON is *us being refused* — never the account's fault.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from mediawatch.checkers.base import BLOCKED_ERRORS, AccountSpec, CheckContext
from mediawatch.checkers.sources.base import Post, Profile, SourceResult
from mediawatch.checkers.sources.client import PlatformClient
from mediawatch.checkers.sources.post_html import excerpt, read_post
from mediawatch.checkers.sources.signals import (STATUS_KINDS, blocked_kind, decoded_url_text, gone_reason,
                                                 is_login_url, is_sorry_url, is_visitor_url)
from mediawatch.checkers.sources.weibo_shape import answer_problem, unreadable_post_cards
from mediawatch.checkers.sources.weibo_time import parse_weibo_time
from mediawatch.checkers.sources.weibo_visitor import Cookie, VisitorCookie
from mediawatch.transport.fetcher import FetchResult

NO_CONTENT = "这里还没有内容"
FREQ_ERRNOS = {"100005"}


@dataclass
class Answer:
    kind: str  # data | empty | gone | refused | error
    data: dict[str, Any] = field(default_factory=dict)
    error_kind: str | None = None
    reason: str = ""
    needs_visitor: bool = False  # refused for want of a (fresh) visitor cookie


class WeiboApiSource:
    name = "weibo_api"

    def fetch(self, account: AccountSpec, ctx: CheckContext, client: PlatformClient) -> SourceResult:
        conf = ctx.config.weibo
        uid = (account.platform_id or "").strip()
        api = conf.api_base.rstrip("/")
        target = f"{api}/u/{uid}"
        if not uid.isdigit():
            return SourceResult.failed(self.name, "invalid_url", f"a Weibo uid is digits, got {uid!r}", target)
        reader = _Reader(client, ctx, uid)
        cutoff = ctx.now - timedelta(days=int(conf.lookback_days))
        result = SourceResult(source=self.name, target=target)
        seen: set[str] = set()
        user_info: dict[str, Any] | None = None
        post_user: dict[str, Any] | None = None
        since_id: str | None = None
        page = 1
        unreadable = 0  # post cards whose mblog is null or not an object
        while result.pages < max(1, int(conf.max_pages)):
            url = f"{api}/api/container/getIndex?type=uid&value={uid}&containerid=107603{uid}"
            if since_id:
                url += f"&since_id={since_id}"
            elif page > 1:
                url += f"&page={page}"
            answer = reader.get(url)
            result.pages += 1
            if answer.kind in ("refused", "error"):
                if result.pages == 1:
                    return SourceResult.failed(self.name, answer.error_kind or "anti_crawl", answer.reason, target)
                result.complete = False
                result.notes.append(f"page {result.pages}: {answer.reason}")
                break
            if answer.kind == "gone":
                return SourceResult.gone(self.name, answer.error_kind or "removed", answer.reason, target)
            if answer.kind == "empty":
                result.no_posts = result.pages == 1
                break
            user_info = user_info or _user_info(answer.data)
            unreadable += unreadable_post_cards(answer.data.get("cards") or [])
            parsed, author = parse_cards(answer.data.get("cards") or [], ctx, api, uid, result.notes)
            post_user = post_user or author
            new = [p for p in parsed if p.id not in seen]
            seen.update(p.id for p in new)
            result.posts.extend(new)
            dated = [p.at for p in new if not p.pinned and p.at is not None]
            if not new or (dated and min(dated) < cutoff):
                break
            info = answer.data.get("cardlistInfo")
            info = info if isinstance(info, dict) else {}
            next_since = str(info.get("since_id") or "")
            next_page = info.get("page")
            if next_since and next_since != since_id:
                since_id = next_since  # the current API: since_id of the next page's first post
            elif not next_since and isinstance(next_page, int) and next_page > page:
                since_id, page = None, next_page  # older responses: the next page's number
            else:
                break  # no next page
        else:
            result.complete = False
            result.notes.append(f"stopped after weibo.max_pages = {conf.max_pages} pages, "
                                "before the lookback was covered")
        if unreadable:
            failed = self._unreadable(result, unreadable, ctx, target)
            if failed is not None:
                return failed
        if not result.posts and result.complete:
            result.no_posts = True  # ok: 1 without a single post card says the same as 这里还没有内容
        result.profile = self._profile(reader, api, uid, user_info, post_user)
        if result.profile.gone:
            return SourceResult.gone(self.name, result.profile.gone_reason or "removed", result.profile.detail or "",
                                     target)
        return result

    def _unreadable(self, result: SourceResult, count: int, ctx: CheckContext, target: str) -> SourceResult | None:
        """Post cards we could not read (``"mblog": null``) could hold the newest post: unless a readable
        post already shows the account updated within the silence threshold, the check fails (malformed),
        never "no posts" or "silent"."""
        days = int(ctx.config.rules.new_media_max_silence_days)
        start = ctx.now - timedelta(days=days)
        recent = [p for p in result.posts if not p.pinned and p.at is not None and p.at >= start]
        what = f"{count} post card(s) without a readable mblog (\"mblog\": null or not an object)"
        if not recent:
            return SourceResult.failed(self.name, "malformed", f"{what}: the newest posts cannot be read", target)
        result.complete = False
        result.notes.append(f"{what}: counts are lower bounds")
        return None

    def _profile(self, reader: "_Reader", api: str, uid: str, user_info: dict[str, Any] | None,
                 post_user: dict[str, Any] | None) -> Profile:
        """``userInfo`` when the timeline carried it; else the author block of the account's own posts,
        unless that block says nothing of ``verified`` (newer answers leave it out): then the profile
        request, so ``not_verified`` is judged rather than left unknown for ever."""
        if user_info:
            return _profile_from(user_info, "userInfo")
        if post_user and isinstance(post_user.get("verified"), bool):
            return _profile_from(post_user, "post")
        answer = reader.get(f"{api}/api/container/getIndex?type=uid&value={uid}")
        if answer.kind == "data" and _user_info(answer.data):
            return _profile_from(_user_info(answer.data), "userInfo")
        if post_user:  # the posts still say who the account is; only verified stays unknown
            return _profile_from(post_user, "post")
        if answer.kind == "gone":
            return Profile(gone=True, gone_reason=answer.error_kind, detail=answer.reason)
        if answer.kind == "empty":
            return Profile(error_kind="no_profile", error="the platform shows no profile for this uid (这里还没有内容): "
                                                          "a wrong uid, or an account only logged-in users may see")
        if answer.kind == "data":
            return Profile(error_kind="malformed", error="the profile answer carries no userInfo")
        return Profile(error_kind=answer.error_kind or "anti_crawl", error=f"profile not read: {answer.reason}")


class _Reader:
    """One account's requests: cookie, headers, one renewal of a refused visitor cookie."""

    def __init__(self, client: PlatformClient, ctx: CheckContext, uid: str):
        self.client = client
        self.conf = ctx.config.weibo
        self.uid = uid
        self.visitor = VisitorCookie(client, ctx.config)
        self.cookie: Cookie | None = None

    def get(self, url: str) -> Answer:
        if self.cookie is None:
            self.cookie = self.visitor.get()
        renewed = False
        while True:
            if self.cookie.error_kind:
                return Answer("refused", error_kind=self.cookie.error_kind, reason=self.cookie.error or "")
            answer = classify(self.client.fetch(url, headers=self._headers(), follow_redirects=False))
            if answer.needs_visitor and self.cookie.configured:
                answer.reason = f"the configured weibo.cookie was refused: {answer.reason}"
            elif answer.needs_visitor and not renewed:
                self.cookie = self.visitor.renew(self.cookie)
                renewed = True
                continue
            elif answer.needs_visitor:
                answer.reason += " (even with a freshly issued visitor cookie)"
            break
        if answer.kind == "refused" and answer.error_kind in BLOCKED_ERRORS:
            self.client.note_blocked(url, answer.error_kind, answer.reason)
        elif answer.kind in ("data", "empty", "gone"):
            self.client.note_ok(url)
        return answer

    def _headers(self) -> dict[str, str]:
        headers = {
            "User-Agent": self.conf.user_agent,
            "Accept": "application/json, text/plain, */*",
            "Accept-Language": "zh-CN,zh;q=0.9",
            "X-Requested-With": "XMLHttpRequest",
            "MWeibo-Pwa": "1",
            "Referer": f"{self.conf.api_base.rstrip('/')}/u/{self.uid}",
        }
        if self.cookie and self.cookie.value:
            headers["Cookie"] = self.cookie.value
        return headers


def classify(result: FetchResult) -> Answer:
    """What one answer of the container API means (see the module docstring)."""
    if result.error_kind:
        return Answer("error", error_kind=result.error_kind, reason=result.error or result.error_kind)
    status = result.status or 0
    text = result.content.decode("utf-8", "replace")
    if 300 <= status < 400:
        location = result.headers.get("location", "")
        said = gone_reason(decoded_url_text(location))
        if said or (is_sorry_url(location) and "usernotexists" in location.lower()):
            reason, detail = said or ("missing", location)
            return Answer("gone", error_kind=reason, reason=detail)
        if is_visitor_url(location):
            return Answer("refused", error_kind="blocked", needs_visitor=True,
                          reason=f"HTTP {status} to the visitor system ({location}): no valid visitor cookie")
        if is_login_url(location):
            return Answer("refused", error_kind="login_redirect", reason=f"HTTP {status} to a login page ({location})")
        return Answer("refused", error_kind="anti_crawl", reason=f"unexpected HTTP {status} redirect to {location!r}")
    if status == 432:
        return Answer("refused", error_kind="blocked", needs_visitor=True,
                      reason="HTTP 432 (Weibo's answer to a request without a valid visitor cookie)")
    if status >= 400:
        said = gone_reason(text)
        if said and status in (400, 404, 410):
            return Answer("gone", error_kind=said[0], reason=said[1])
        found = blocked_kind(text)
        kind = STATUS_KINDS.get(status) or (found[0] if found else ("blocked" if status == 403 else "http"))
        what = {418: "HTTP 418 (Weibo's anti-crawl answer)", 403: "HTTP 403 (refused)"}.get(status, f"HTTP {status}")
        return Answer("refused" if kind != "http" else "error", error_kind=kind,
                      reason=what + (f": {found[1]}" if found else ""))
    try:
        body = json.loads(result.content.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError):
        return _not_json(text, result)
    if not isinstance(body, dict):
        return Answer("error", error_kind="malformed", reason=f"JSON that is not an object from {result.url}")
    return _read_body(body)


def _not_json(text: str, result: FetchResult) -> Answer:
    said = gone_reason(text)
    if said and ("/sorry" in result.final_url or "<" in text):
        return Answer("gone", error_kind=said[0], reason=said[1])
    found = blocked_kind(text)
    if found:
        return Answer("refused", error_kind=found[0], reason=f"not JSON but a page saying {found[1]!r}")
    return Answer("error", error_kind="malformed",
                  reason=f"not JSON ({result.headers.get('content-type', '?')}): {' '.join(text[:80].split())!r}")


def _read_body(body: dict[str, Any]) -> Answer:
    ok = body.get("ok")
    if ok in (1, "1"):
        data = body.get("data")
        if not isinstance(data, dict) or not isinstance(data.get("cards", []), list):
            return Answer("error", error_kind="malformed", reason="ok: 1 without data.cards")
        problem = answer_problem(data)
        if problem:
            return Answer("error", error_kind="malformed", reason=f"ok: 1 but {problem}: not the platform's shape")
        return Answer("data", data=data)
    msg = str(body.get("msg") or body.get("message") or "")
    url = str(body.get("url") or "")
    said = gone_reason(f"{msg} {decoded_url_text(url) if url else ''}")
    if said or (url and is_sorry_url(url) and "usernotexists" in url.lower()):
        reason, detail = said or ("missing", url)
        return Answer("gone", error_kind=reason, reason=detail)
    if NO_CONTENT in msg:
        return Answer("empty", reason=msg)
    if ok in (-100, "-100"):
        return Answer("refused", error_kind="login_redirect", needs_visitor=True,
                      reason=f"ok: -100, sent to {url or 'a login page'}")
    found = blocked_kind(msg)
    if str(body.get("errno") or "") in FREQ_ERRNOS or (found and found[0] == "freq_control"):
        said = msg or f"errno {body.get('errno')}"
        return Answer("refused", error_kind="freq_control", reason=f"ok: {ok}, {said}")
    if found:
        return Answer("refused", error_kind=found[0], reason=f"ok: {ok}, {msg}")
    if url and is_login_url(url):
        return Answer("refused", error_kind="login_redirect", reason=f"ok: {ok}, sent to {url}")
    return Answer("refused", error_kind="anti_crawl", reason=f"unexpected answer ok: {ok!r} msg: {msg!r}")


def parse_cards(cards: list[Any], ctx: CheckContext, api: str, uid: str,
                notes: list[str]) -> tuple[list[Post], dict[str, Any] | None]:
    """The posts of a page, and the account as its own posts show it (``mblog.user``)."""
    posts: list[Post] = []
    author: dict[str, Any] | None = None
    for card, mblog in _mblogs(cards):
        post = _post(card, mblog, ctx, api, notes)
        if post is None:
            continue
        posts.append(post)
        user = mblog.get("user")
        if author is None and isinstance(user, dict) and str(user.get("id")) == uid \
                and isinstance(user.get("screen_name"), str) and user.get("screen_name"):
            author = user
    return posts, author


def _mblogs(cards: list[Any]):
    for card in cards:
        if not isinstance(card, dict):
            continue
        group = card.get("card_group")
        if isinstance(group, list):
            yield from _mblogs(group)
        mblog = card.get("mblog")
        if isinstance(mblog, dict):
            yield card, mblog


def _post(card: dict[str, Any], mblog: dict[str, Any], ctx: CheckContext, api: str, notes: list[str]) -> Post | None:
    post_id = str(mblog.get("id") or mblog.get("mid") or mblog.get("idstr") or "")
    if not post_id:
        return None
    raw_time = str(mblog.get("created_at") or "")
    try:
        at = parse_weibo_time(raw_time, ctx.now)
    except ValueError:
        at = None
        notes.append(f"post {post_id}: unreadable created_at {raw_time!r}")
    long_text = mblog.get("longText")
    html = (long_text.get("longTextContent") if isinstance(long_text, dict) else None) or str(mblog.get("text") or "")
    text, links = read_post(html)
    return Post(id=post_id, at=at, title=excerpt(text), text=text, url=f"{api}/status/{mblog.get('bid') or post_id}",
                links=links, pinned=is_pinned(card, mblog), raw_time=raw_time)


def is_pinned(card: dict[str, Any], mblog: dict[str, Any]) -> bool:
    """``isTop``, ``mblogtype == 2``, ``profile_type_id`` starting ``proweibotop``, or the 置顶 label."""
    if str(mblog.get("isTop", "")).lower() in ("1", "true"):
        return True
    if str(mblog.get("mblogtype", "")) == "2":
        return True
    for holder in (card, mblog):
        if str(holder.get("profile_type_id") or "").startswith("proweibotop"):
            return True
    title = mblog.get("title")
    return isinstance(title, dict) and str(title.get("text") or "").strip() == "置顶"


def _user_info(data: dict[str, Any]) -> dict[str, Any] | None:
    info = data.get("userInfo")
    return info if isinstance(info, dict) and isinstance(info.get("screen_name"), str) and info["screen_name"] else None


def _profile_from(user: dict[str, Any], source: str) -> Profile:
    verified = user.get("verified")
    name = user.get("screen_name")  # answer_problem refused any screen_name that is not text
    return Profile(screen_name=name if isinstance(name, str) and name else None,
                   verified=verified if isinstance(verified, bool) else None, name_source=source)
