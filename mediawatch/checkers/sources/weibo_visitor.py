"""The anonymous visitor cookie (``SUB``) that m.weibo.cn asks of every new browser.

Without it the container API answers HTTP 432, a 302 to ``visitor.passport.weibo.cn``, or
``{"ok": -100, "url": …}``. The flow (as browsers and the well-known scrapers run it):

    POST {visitor_base}/visitor/genvisitor2   form: cb=visitor_gray_callback, tid=, from=weibo, return_url=…
    ← window.visitor_gray_callback && visitor_gray_callback({"retcode":20000000,"msg":"succ",
          "data":{"sub":"_2A…","subp":"0033…", …}});        (and Set-Cookie: SUB=…; SUBP=…)

One cookie serves the whole run; it is renewed when the API rejects it, at most ``MAX_ISSUES``
times per run. A configured ``weibo.cookie`` skips the flow entirely (and is never renewed).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from mediawatch.checkers.sources.client import PlatformClient
from mediawatch.checkers.sources.signals import STATUS_KINDS, blocked_kind

CALLBACK = "visitor_gray_callback"
MAX_ISSUES = 3  # visitor cookies generated per run at most
_JSONP = re.compile(r"\(\s*(\{.*\})\s*\)\s*;?\s*$", re.S)
_SET_COOKIE = re.compile(r"(?:^|[\s;,])(SUBP?)=([^;,\s]+)")


@dataclass
class Cookie:
    value: str | None = None  # the Cookie header to send
    configured: bool = False
    error_kind: str | None = None
    error: str | None = None


class VisitorCookie:
    def __init__(self, client: PlatformClient, config):
        self.client = client
        self.conf = config.weibo

    def get(self) -> Cookie:
        configured = str(self.conf.cookie or "").strip()
        if configured:
            return Cookie(configured, configured=True)
        with self.client.session_lock:
            current = self.client.session_value("cookie")
            if current:
                return Cookie(current)
            return self._issue()

    def renew(self, rejected: Cookie) -> Cookie:
        """A new cookie after the API refused ``rejected`` (or an error when none can be had)."""
        if rejected.configured:
            return Cookie(error_kind="login_redirect", error="the configured weibo.cookie was refused")
        with self.client.session_lock:
            current = self.client.session_value("cookie")
            if current and current != rejected.value:
                return Cookie(current)  # another account of this run renewed it already
            self.client.set_session_value("cookie", None)
            return self._issue()

    def _issue(self) -> Cookie:
        issued = self.client.session_value("issued") or 0
        if issued >= MAX_ISSUES:
            kind, error = self.client.session_value("last_error") or (
                "blocked", f"m.weibo.cn refused {issued} fresh visitor cookies in this run")
            return Cookie(error_kind=kind, error=error)
        self.client.set_session_value("issued", issued + 1)
        cookie = self._generate()
        if cookie.error_kind:
            self.client.set_session_value("last_error", (cookie.error_kind, cookie.error))
        return cookie

    def _generate(self) -> Cookie:
        base = self.conf.visitor_base.rstrip("/")
        url = f"{base}/visitor/genvisitor2"
        result = self.client.fetch(url, method="POST", data={
            "cb": CALLBACK, "tid": "", "from": "weibo", "return_url": self.conf.api_base.rstrip("/") + "/"},
            headers={"User-Agent": self.conf.user_agent, "Referer": f"{base}/visitor/visitor",
                     "Accept": "*/*", "Content-Type": "application/x-www-form-urlencoded"})
        if result.error_kind:
            return Cookie(error_kind=result.error_kind, error=f"visitor cookie: {result.error}")
        text = result.content.decode("utf-8", "replace")
        if result.status != 200:
            kind = STATUS_KINDS.get(result.status) or (blocked_kind(text) or ("http",))[0]
            self._note(url, kind, f"visitor cookie: HTTP {result.status}")
            return Cookie(error_kind=kind, error=f"visitor cookie: HTTP {result.status} from {url}")
        values = _from_body(text) or _from_headers(result.headers.get("set-cookie", ""))
        if not values or "SUB" not in values:
            found = blocked_kind(text)
            kind = found[0] if found else "blocked"
            self._note(url, kind, "no SUB cookie issued")
            return Cookie(error_kind=kind, error=f"visitor cookie: the visitor service issued no SUB cookie "
                                                 f"({text[:120].strip()!r})")
        self.client.note_ok(url)
        cookie = "; ".join(f"{name}={value}" for name, value in values.items())
        self.client.set_session_value("cookie", cookie)
        return Cookie(cookie)

    def _note(self, url: str, kind: str, reason: str) -> None:
        if kind in ("blocked", "captcha", "freq_control", "login_redirect", "anti_crawl"):
            self.client.note_blocked(url, kind, reason)


def _from_body(text: str) -> dict[str, str] | None:
    match = _JSONP.search(text.strip())
    if not match:
        return None
    try:
        payload = json.loads(match.group(1))
    except ValueError:
        return None
    if not isinstance(payload, dict) or str(payload.get("retcode")) != "20000000":
        return None
    data = payload.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("sub"), str) or not data["sub"]:
        return None
    values = {"SUB": data["sub"]}
    if isinstance(data.get("subp"), str) and data["subp"]:
        values["SUBP"] = data["subp"]
    return values


def _from_headers(set_cookie: str) -> dict[str, str] | None:
    values = {name: value for name, value in _SET_COOKIE.findall(set_cookie) if value and value != "deleted"}
    return values or None
