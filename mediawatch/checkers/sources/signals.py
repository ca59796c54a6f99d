"""Reading the platform's answer: were *we* refused, or does it say the *account* is gone?

The two must never be confused. "Blocked" (HTTP 418/432, a login or captcha page, 环境异常,
访问过于频繁, ``freq control``) is about us and becomes ``check_failed``. "Gone" (banned, closed,
missing) is the platform's statement about the account and becomes ``account_gone``.

Gone phrases are only read from *error answers* (a JSON body with ``ok != 1``, an HTTP error page,
a redirect target, a feed bridge's error page, a feed's channel title): the same words appear
inside normal timelines whenever an account reposts a post of some banned user, and that says
nothing about the account we check.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

# (pattern, reason) — first match wins. Both 帐号 and 账号 are in use.
GONE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), reason) for p, reason in (
    (r"[帐账]号因被投诉违反", "banned"),
    (r"[帐账]号已被(?:屏蔽|封禁|封停|冻结)", "banned"),
    (r"[帐账]号(?:已)?被封", "banned"),
    (r"因违规(?:已被|被)?(?:封禁|屏蔽)", "banned"),
    (r"[帐账]号因用户自行申请关闭", "closed"),
    (r"[帐账]号已(?:自主)?注销", "closed"),
    (r"[帐账]号已关闭", "closed"),
    (r"用户不存在", "missing"),
    (r"[帐账]号不存在", "missing"),
    (r"公众号已迁移", "migrated"),
    (r"[帐账]号(?:处于|正在)(?:帐号|账号)?迁移", "migrated"),
    (r"[帐账]号行为异常", "frozen"),
    (r"(?i)\busernotexists\b", "missing"),
    (r"(?i)\baccount (?:has been )?(?:banned|suspended|removed|deleted|closed)\b", "removed"),
    (r"(?i)\buser (?:not found|does not exist|has been (?:banned|removed|deleted))\b", "removed"),
))

# (pattern, error kind) for answers that mean the platform refused *us*.
BLOCKED_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), kind) for p, kind in (
    (r"(?i)freq[ _]?control|访问过于频繁|请求过于频繁|操作(?:过于)?频繁|访问太频繁|too many requests", "freq_control"),
    (r"环境异常", "blocked"),
    (r"(?i)captcha|验证码|安全验证|人机验证|滑动验证|请完成验证", "captcha"),
    (r"(?i)passport\.weibo\.(?:com|cn)/(?:sso|signin|login)|login\.sina\.com\.cn|/signin\b|login\.php"
     r"|请先登录|登录后(?:查看|访问)", "login_redirect"),
    # feed bridges (RSSHub and similar) relaying the platform's refusal
    (r"(?i)(?:status code|response code)\s*(?:418|432|403)\b|might be blocking our access|anti-?crawl", "blocked"),
))

ARTICLE_GONE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), reason) for p, reason in (
    (r"该内容已被发布者删除", "deleted"),
    (r"此内容因违规无法查看", "violation"),
    (r"此内容被投诉且经审核涉嫌侵权", "infringement"),
    (r"此内容已被发布者删除", "deleted"),
))

STATUS_KINDS = {418: "blocked", 432: "blocked", 429: "freq_control"}


def gone_reason(text: str | None) -> tuple[str, str] | None:
    """``(reason, the phrase that said so)`` when an error answer says the account is gone."""
    if not text:
        return None
    for pattern, reason in GONE_PATTERNS:
        match = pattern.search(text)
        if match:
            return reason, _around(text, match.start(), match.end())
    return None


def blocked_kind(text: str | None) -> tuple[str, str] | None:
    """``(error kind, the phrase)`` when an answer means the platform refused us."""
    if not text:
        return None
    for pattern, kind in BLOCKED_PATTERNS:
        match = pattern.search(text)
        if match:
            return kind, _around(text, match.start(), match.end())
    return None


def article_gone(text: str | None) -> str | None:
    if not text:
        return None
    for pattern, reason in ARTICLE_GONE_PATTERNS:
        if pattern.search(text):
            return reason
    return None


def decoded_url_text(url: str) -> str:
    """A URL with its query decoded, so ``/sorry?usernotexists&msg=%E8%AF%A5…`` can be read."""
    try:
        parts = urlsplit(url)
        values = " ".join(v for vs in parse_qs(parts.query, keep_blank_values=True).values() for v in vs)
    except ValueError:
        values = ""
    return f"{unquote(url)} {values}"


def is_login_url(url: str) -> bool:
    lowered = url.lower()
    host = (urlsplit(lowered).hostname or "")
    return (host.startswith("passport.weibo.") or host == "login.sina.com.cn" or "login" in urlsplit(lowered).path
            or "signin" in urlsplit(lowered).path)


def is_visitor_url(url: str) -> bool:
    parts = urlsplit(url.lower())
    return (parts.hostname or "").startswith("visitor.passport.weibo.") or parts.path.startswith("/visitor/")


def is_sorry_url(url: str) -> bool:
    return "/sorry" in urlsplit(url.lower()).path


def _around(text: str, start: int, end: int, width: int = 60) -> str:
    snippet = text[max(0, start - width // 2): end + width]
    return " ".join(snippet.split())[:200]
