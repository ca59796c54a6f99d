"""``posts_csv``: a CSV of posts an owner or the provincial platform provides, for accounts no other
source reaches. Columns ``account_id, published_at, title, url`` (more are ignored); UTF-8 (with or
without BOM) or GBK/GB18030 as Excel saves it; from a URL or a file. One file may list many
accounts: only the rows of the account checked are read.

``published_at`` is ISO 8601, ``2026-11-20 10:00``, ``2026/11/20`` or ``2026年11月20日``; no timezone
means +08:00. A row whose date cannot be read is skipped and noted (never counted as a post).
"""

from __future__ import annotations

import csv
import io

from mediawatch.checkers.base import AccountSpec, CheckContext
from mediawatch.checkers.sources.base import Post, Profile, SourceResult
from mediawatch.checkers.sources.client import PlatformClient
from mediawatch.checkers.sources.feed import parse_feed_date
from mediawatch.checkers.sources.location import load
from mediawatch.checkers.sources.post_html import excerpt
from mediawatch.checkers.sources.signals import STATUS_KINDS, blocked_kind

COLUMNS = ("account_id", "published_at", "title", "url")


class PostsCsvSource:
    name = "posts_csv"

    def fetch(self, account: AccountSpec, ctx: CheckContext, client: PlatformClient) -> SourceResult:
        location = account.source_url or ""
        if not location:
            return SourceResult.failed(self.name, "invalid_url", "no source_url for this account")
        loaded = load(location, ctx, client, accept="text/csv, text/plain;q=0.9, */*;q=0.5", shared=True)
        if loaded.error_kind:
            return SourceResult.failed(self.name, loaded.error_kind, loaded.error or "", location)
        status = loaded.result.status if loaded.result is not None else 200
        if status and status >= 400:
            found = blocked_kind(loaded.content.decode("utf-8", "replace"))
            kind = STATUS_KINDS.get(status) or (found[0] if found else "http")
            return SourceResult.failed(self.name, kind, f"HTTP {status} from {location}", location)
        text = decode(loaded.content)
        if text is None:
            return SourceResult.failed(self.name, "malformed", "neither UTF-8 nor GBK/GB18030 text", location)
        result = read_posts(text, account.account_id, ctx)
        result.target = location
        if result.ok and loaded.result is not None:
            client.note_ok(location)
        return result


def decode(content: bytes) -> str | None:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def read_posts(text: str, account_id: str, ctx: CheckContext) -> SourceResult:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        return SourceResult.failed(PostsCsvSource.name, "malformed", f"missing column(s): {', '.join(missing)}")
    reader.fieldnames = header
    result = SourceResult(source=PostsCsvSource.name, profile=Profile())
    try:
        for row in reader:
            if (row.get("account_id") or "").strip() != account_id:
                continue
            raw = (row.get("published_at") or "").strip()
            at = parse_feed_date(raw, ctx.now)
            if at is None:
                result.notes.append(f"line {reader.line_num}: unreadable published_at {raw!r}, row skipped")
                continue
            title = (row.get("title") or "").strip()
            url = (row.get("url") or "").strip() or None
            result.posts.append(Post(id=url or f"line-{reader.line_num}", at=at, title=excerpt(title), text=title,
                                     url=url, raw_time=raw))
    except csv.Error as exc:
        return SourceResult.failed(PostsCsvSource.name, "malformed", f"line {reader.line_num}: {exc}")
    if not result.posts and result.notes:  # rows for this account, none readable: we cannot judge
        return SourceResult.failed(PostsCsvSource.name, "malformed", "; ".join(result.notes[:5]))
    result.no_posts = not result.posts
    return result
