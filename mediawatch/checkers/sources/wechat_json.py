"""``wechat_json``: the official-account backend's article list (``/cgi-bin/appmsgpublish``), from a URL
or a file the owner exported. Its JSON nests JSON in strings:

    {"base_resp": {"ret": 0, "err_msg": "ok"},
     "publish_page": "{\"total_count\": 12, \"publish_list\": [{\"publish_type\": 101,
                        \"publish_info\": \"{\\\"sent_info\\\": {\\\"time\\\": 1763690400}, \\\"appmsgex\\\": [
                            {\\\"aid\\\": \\\"…\\\", \\\"title\\\": …, \\\"link\\\": …, \\\"create_time\\\": …,
                             \\\"update_time\\\": …, \\\"is_deleted\\\": false}]}\"}]}"}

Older exports carry ``appmsg_info`` items (``content_url``, ``line_info.send_time``) instead of
``appmsgex``. The older list API (``/cgi-bin/appmsg?action=list_ex``) answers a flat list, read the same:

    {"base_resp": {"ret": 0, "err_msg": "ok"}, "app_msg_cnt": 576,
     "app_msg_list": [{"aid": "2247487318_1", "appmsgid": 2247487318, "itemidx": 1, "title": …,
                       "digest": …, "link": …, "cover": …, "create_time": 1593682407, "update_time": …}]}
 ``base_resp.ret`` 200013 is ``freq control`` (the API's answer to everyone since
mid-2026); 200003 / 200040 mean the session behind the export expired (a login problem, not the
account's). The list says nothing about the account's name; article pages may.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from mediawatch.checkers.base import AccountSpec, CheckContext
from mediawatch.checkers.sources.base import Post, Profile, SourceResult
from mediawatch.checkers.sources.client import PlatformClient
from mediawatch.checkers.sources.location import load
from mediawatch.checkers.sources.post_html import excerpt
from mediawatch.checkers.sources.signals import STATUS_KINDS, blocked_kind
from mediawatch.clock import SHANGHAI

LOGIN_RETS = {200003: "invalid session", 200040: "invalid csrf token", -6: "login required"}
FREQ_RETS = {200013: "freq control"}


class WechatJsonSource:
    name = "wechat_json"

    def fetch(self, account: AccountSpec, ctx: CheckContext, client: PlatformClient) -> SourceResult:
        location = account.source_url or ""
        if not location:
            return SourceResult.failed(self.name, "invalid_url", "no source_url for this account")
        loaded = load(location, ctx, client, accept="application/json")
        if loaded.error_kind:
            return SourceResult.failed(self.name, loaded.error_kind, loaded.error or "", location)
        text = loaded.content.decode("utf-8-sig", "replace")
        status = loaded.result.status if loaded.result is not None else 200
        if status and status >= 400:
            found = blocked_kind(text)
            kind = STATUS_KINDS.get(status) or (found[0] if found else "http")
            return SourceResult.failed(self.name, kind, f"HTTP {status} from {location}", location)
        try:
            body = json.loads(text)
        except ValueError as exc:
            found = blocked_kind(text)
            if found:
                return SourceResult.failed(self.name, found[0], f"not JSON but a page saying {found[1]!r}", location)
            return SourceResult.failed(self.name, "malformed", f"not JSON: {exc}", location)
        try:
            result = read_publish_list(body)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            return SourceResult.failed(self.name, "malformed", f"not an appmsgpublish list: {exc}", location)
        result.target = location
        if result.ok and loaded.result is not None:
            client.note_ok(location)
        return result


def read_publish_list(body: Any) -> SourceResult:
    if not isinstance(body, dict):
        raise ValueError("the document is not a JSON object")
    base = body.get("base_resp") or {}
    ret = int(base.get("ret", 0)) if isinstance(base, dict) else 0
    message = str(base.get("err_msg") or "") if isinstance(base, dict) else ""
    if ret in FREQ_RETS or "freq control" in message:
        return SourceResult.failed(WechatJsonSource.name, "freq_control", f"ret {ret} {message or FREQ_RETS.get(ret)}")
    if ret in LOGIN_RETS:
        return SourceResult.failed(WechatJsonSource.name, "login_redirect", f"ret {ret} {message or LOGIN_RETS[ret]}: "
                                                                            "the backend session behind this list expired")
    if ret != 0:
        return SourceResult.failed(WechatJsonSource.name, "anti_crawl", f"ret {ret} {message}".strip())
    if "app_msg_list" in body and "publish_page" not in body:
        return _read_app_msg_list(body)
    page = body.get("publish_page")
    if page is None:
        raise ValueError("no publish_page (nor app_msg_list)")
    page = json.loads(page) if isinstance(page, str) else page
    entries = page.get("publish_list")
    if not isinstance(entries, list):
        raise ValueError("publish_page has no publish_list")
    posts: list[Post] = []
    for entry in entries:
        info = entry.get("publish_info") if isinstance(entry, dict) else None
        info = json.loads(info) if isinstance(info, str) else (info or {})
        sent = (info.get("sent_info") or {}).get("time") if isinstance(info.get("sent_info"), dict) else None
        for article in (info.get("appmsgex") or info.get("appmsg_info") or []):
            post = _article(article, sent)
            if post is not None:
                posts.append(post)
    return SourceResult(source=WechatJsonSource.name, posts=posts, no_posts=not posts, profile=Profile())


def _read_app_msg_list(body: dict[str, Any]) -> SourceResult:
    """The older export: ``app_msg_list`` items are the articles themselves (see the module docstring)."""
    items = body.get("app_msg_list")
    if not isinstance(items, list):
        raise ValueError("app_msg_list is not a list")
    posts: list[Post] = []
    for item in items:
        if not isinstance(item, dict):
            raise ValueError("an app_msg_list item is not an object")
        post = _article(item, None)
        if post is not None:
            posts.append(post)
    if items and not any(p.at is not None for p in posts):
        raise ValueError("no app_msg_list item carries a create_time or update_time")
    return SourceResult(source=WechatJsonSource.name, posts=posts, no_posts=not posts, profile=Profile())


def _article(article: dict[str, Any], sent: Any) -> Post | None:
    if not isinstance(article, dict):
        return None
    url = str(article.get("link") or article.get("content_url") or "").replace("&amp;", "&") or None
    line = article.get("line_info") if isinstance(article.get("line_info"), dict) else {}
    stamp = article.get("create_time") or line.get("send_time") or sent or article.get("update_time")
    at = None
    try:
        if stamp:
            at = datetime.fromtimestamp(int(stamp), SHANGHAI)
    except (TypeError, ValueError, OverflowError, OSError):
        at = None
    title = str(article.get("title") or "")
    deleted = bool(article.get("is_deleted"))
    return Post(id=str(article.get("aid") or article.get("appmsgid") or url or title), at=at, title=excerpt(title),
                text="\n".join(t for t in (title, str(article.get("digest") or "")) if t), url=url,
                deleted=deleted, deleted_reason="deleted" if deleted else None,
                raw_time=str(stamp) if stamp else None)
