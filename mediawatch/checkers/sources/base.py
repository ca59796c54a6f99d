"""What a source hands back to the Weibo and WeChat checkers: posts, a profile, or why it could not see.

A source never raises for a failing account. ``SourceResult.error_kind`` set means "we could not
see" (blocked, network, malformed answer): the checker turns that into ``ok=False`` observations,
never into "the account is inactive". An account the platform says is gone is *not* an error:
``profile.gone`` is true and the result carries no posts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from mediawatch.checkers.base import AccountSpec, CheckContext
    from mediawatch.checkers.sources.client import PlatformClient


@dataclass
class PostLink:
    url: str  # the target (wrappers such as weibo.cn/sinaurl decoded)
    text: str = ""
    tag: str = "a"


@dataclass
class Post:
    id: str
    at: datetime | None  # aware; None when the source gives no usable date
    title: str = ""
    text: str = ""  # plain text of the post (typo scan)
    url: str | None = None
    links: list[PostLink] = field(default_factory=list)
    pinned: bool = False
    deleted: bool = False  # the platform says the post was deleted or blocked
    deleted_reason: str | None = None  # "deleted" | "violation" | "infringement"
    raw_time: str | None = None  # the date as the platform wrote it


@dataclass
class Profile:
    screen_name: str | None = None  # the public name the platform reports (None: this source does not say)
    verified: bool | None = None  # None: this source does not say
    gone: bool = False
    gone_reason: str | None = None  # "banned" | "closed" | "missing" | "frozen" | "migrated" | "removed"
    detail: str | None = None  # the platform's own words
    name_source: str | None = None  # where screen_name came from ("userInfo", "post", "feed", "article", ...)
    error_kind: str | None = None  # set: the profile could not be read (the account may still be fine)
    error: str | None = None


@dataclass
class SourceResult:
    source: str
    target: str | None = None
    posts: list[Post] = field(default_factory=list)
    profile: Profile | None = None
    no_posts: bool = False  # the platform says the account has no posts
    # False: the lookback was not read whole (a later page failed, the page cap); counts are lower bounds
    complete: bool = True
    error_kind: str | None = None
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    pages: int = 0

    @property
    def ok(self) -> bool:
        return self.error_kind is None

    @classmethod
    def failed(cls, source: str, error_kind: str, error: str, target: str | None = None) -> "SourceResult":
        return cls(source=source, target=target, error_kind=error_kind, error=error)

    @classmethod
    def gone(cls, source: str, reason: str, detail: str, target: str | None = None,
             screen_name: str | None = None) -> "SourceResult":
        return cls(source=source, target=target, no_posts=True,
                   profile=Profile(screen_name=screen_name, gone=True, gone_reason=reason, detail=detail))


class Source(Protocol):
    name: str

    def fetch(self, account: "AccountSpec", ctx: "CheckContext", client: "PlatformClient") -> SourceResult: ...
