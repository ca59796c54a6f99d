"""The 安全 checks of one website check, fed page by page: personal data, hidden links, tampering.

The website checker calls (one line each, marked "issue 15" there):

    scan = SafetyScan(site_check)          # once per account check
    scan.read_page(result, links)          # every page it parses (home page first)
    observations = scan.observations(home) # at the end: privacy, hidden_links, tamper

``page_findings(tree, url, config)`` gives the same findings for one page with no HTTP at all,
for ``mediawatch explain``. ``post_observation(posts, ...)`` gives the ``privacy`` observation of a
new-media account's recent posts.
"""

from __future__ import annotations

import logging
from typing import Any

from mediawatch.checkers.attachment_fetch import downloads, fetch_heads, length_of, validator_of
from mediawatch.checkers.attachments import Limits, is_readable
from mediawatch.checkers.base import Observation, shared
from mediawatch.checkers.hidden_links import IllegalSiteMatcher, scan_page
from mediawatch.checkers.isolate import read_file
from mediawatch.pages.urls import host_of, normalize_url
from mediawatch.checkers.privacy import PrivacyFinder, unit_numbers
from mediawatch.checkers.tamper import page_frame
from mediawatch.pages.page import tree_of, visible_text_of
from mediawatch.pages.text import visible_text

log = logging.getLogger(__name__)
ANCHOR_TAGS = ("a", "area")


def _finder(ctx) -> PrivacyFinder:
    return shared(ctx, "privacy_finder", lambda: PrivacyFinder.from_config(ctx.config, latest_year=ctx.now.year))


def _matcher(ctx) -> IllegalSiteMatcher:
    return shared(ctx, "illegal_site_matcher", lambda: IllegalSiteMatcher.from_config(ctx.config))


class SafetyScan:
    def __init__(self, site):
        self.site = site
        self.ctx = site.ctx
        self.config = site.config
        self.error: str | None = None
        try:
            self.finder = _finder(self.ctx)
            self.matcher = _matcher(self.ctx)
        except Exception as exc:  # noqa: BLE001 - e.g. a bad extra dictionary: these three fail, the rest goes on
            log.error("safety checks unavailable: %s", exc)
            self.error = f"{exc.__class__.__name__}: {exc}"
        self.site_hosts: set[str] = {host_of(normalize_url(site.account.url))}
        self.own_numbers: set[str] = set()
        self.privacy_hits: list[dict] = []
        self.link_hits: list[dict] = []
        self.review: dict[str, dict] = {}
        self.pages = 0
        self.attachments: dict[str, str] = {}  # url -> the page it was linked from (first seen)
        self.frame: dict | None = None
        self.first_read = False  # the home page's host, numbers and frame are known
        self.seen: list[dict] = []  # attachments read (or known unchanged): url, page, validator, note
        self.cached = 0

    def read_page(self, result, links=()) -> None:
        """One parsed page of the site (the home page first). Never raises: an error is kept and
        makes the three observations ``internal`` failures."""
        if self.error is not None:
            return
        try:
            self._read_page(result, links)
        except Exception as exc:  # noqa: BLE001
            log.exception("safety scan of %s", result.final_url)
            self.error = f"{exc.__class__.__name__}: {exc}"

    def finish(self, home, failure: tuple[str, str] | None) -> list[Observation]:
        """The three observations, or three failures when the home page could not be read."""
        url = self.site.account.url
        if failure is not None:
            return failed(failure[0], failure[1], url)
        if self.error is not None:
            return failed("internal", self.error, url)
        return self.observations(home)

    def _read_page(self, result, links) -> None:
        tree = tree_of(result)
        page = result.final_url
        self._first_page(result)
        text = visible_text_of(result)  # computed once per page: the typo scan reads the same
        self._add(page, links, self.finder.find(text, page=page, unit_numbers=self.own_numbers),
                  scan_page(tree, page, self.site_hosts, self.config, self.matcher))

    def first_page(self, result) -> None:
        """The site's first page read (the home page): its host as served, the unit's own numbers
        (never personal data), the page frame the tamper check keeps. Before any ``add_facts``."""
        if self.error is not None:
            return
        try:
            self._first_page(result)
        except Exception as exc:  # noqa: BLE001
            log.exception("safety scan of %s", result.final_url)
            self.error = f"{exc.__class__.__name__}: {exc}"

    def _first_page(self, result) -> None:
        if self.first_read:
            return
        self.first_read = True
        page = result.final_url
        self.site_hosts.add(host_of(page))
        self.own_numbers = unit_numbers(visible_text_of(result))
        self.frame = page_frame(tree_of(result), page, self.site_hosts, self.ctx.now)

    def add_facts(self, page: str, links, facts) -> None:
        """A page read elsewhere (checkers/crawl_read.py): its privacy hits and hidden-link findings."""
        if self.error is not None:
            return
        if facts.safety_error is not None:
            self.error = facts.safety_error
            return
        self._add(page, links, facts.privacy, facts.hidden or {"hits": [], "review": []})

    def _add(self, page: str, links, privacy_hits: list[dict], found: dict) -> None:
        self.pages += 1
        self.privacy_hits.extend(privacy_hits)
        self.link_hits.extend(found["hits"])
        for entry in found["review"]:
            self.review.setdefault(entry["host"], entry)
        for link in links:
            if link.tag in ANCHOR_TAGS and is_readable(link.url):
                self.attachments.setdefault(link.url, page)

    def _read_attachments(self) -> tuple[int, list[dict]]:
        """The linked attachments' HEADs at once, then their downloads (``privacy.attachment_downloads`` at a
        time) on the run's loop (checkers/attachment_fetch.py), each read here as it arrives."""
        settings = self.config.privacy
        if not settings.scan_attachments:
            return 0, []
        cap = int(settings.max_attachment_bytes)
        limits = Limits.from_config(self.config)
        cache = self.ctx.extras.get("attachment_cache")
        previous = cache.get(self.site.account.pk) if cache is not None else {}
        items = list(self.attachments.items())[:int(settings.max_attachments_per_site)]
        plans = fetch_heads(self.site.checker, items, previous, cap)
        read, skipped = 0, []
        for (url, page, head, plan), result in downloads(self.site.checker, plans, cap,
                                                         int(settings.attachment_downloads)):
            if plan == "gone":
                skipped.append({"url": url, "page": page, "note": f"无法下载（HTTP {head.status}）", "error_kind": "http"})
                continue
            validator = validator_of(head)
            if plan == "unchanged":  # unchanged since it was read
                known = previous[url]
                self.cached += 1
                self.seen.append({"url": url, "page": page, "validator": validator, "note": known.get("note")})
                if known.get("note"):
                    skipped.append({"url": url, "page": page, "note": known["note"]})
                self.privacy_hits.extend(known.get("hits") or [])
                continue
            if plan == "too_large":
                size = length_of(head)
                skipped.append({"url": url, "page": page, "note": f"文件{size / 1e6:.1f}MB，超过{cap / 1e6:g}MB上限，未检查"})
                continue
            if result.error_kind is not None or result.status is None or result.status >= 400:
                skipped.append({"url": url, "page": page, "note": f"无法下载（{result.error_kind or result.status}）",
                                "error_kind": result.error_kind or "http"})
                continue
            if result.truncated:
                skipped.append({"url": url, "page": page, "note": f"文件超过{cap / 1e6:g}MB上限，未检查"})
                continue
            content, result = result.content, None  # held here only while it is read
            parts, note = read_file(content, url, limits, settings)
            del content
            read += 1
            if note:
                skipped.append({"url": url, "page": page, "note": note})
            self.seen.append({"url": url, "page": page, "validator": validator, "note": note})
            self.privacy_hits.extend(self.finder.find_parts(parts, page=page, attachment=url,
                                                            unit_numbers=self.own_numbers))
        return read, skipped

    def observations(self, home) -> list[Observation]:
        url = self.site.account.url
        try:
            read, skipped = self._read_attachments()
        except Exception as exc:  # noqa: BLE001 - a checker never raises
            log.exception("attachments of %s", self.site.account.account_id)
            read, skipped = 0, [{"url": None, "page": url, "note": f"附件检查出错（{exc.__class__.__name__}）"}]
        observations = [
            Observation("privacy", target=url, data={
                "texts_scanned": self.pages, "attachments_read": read, "attachments_skipped": skipped,
                "attachments_cached": self.cached, "attachments": self.seen, "hits": self.privacy_hits}),
            Observation("hidden_links", target=url, data={
                "pages_scanned": self.pages, "hits": self.link_hits, "review": list(self.review.values())}),
        ]
        if self.frame is not None:
            observations.append(Observation("tamper", target=url, data={"url": home.final_url, **self.frame}))
        return observations


def failed(error_kind: str, error: str, target: str | None) -> list[Observation]:
    return [Observation.failed(kind, error_kind, error, target=target) for kind in ("privacy", "hidden_links", "tamper")]


def page_findings(tree, url: str, config: Any, *, now=None) -> list[dict]:
    """What the 安全 checks find on one page (no HTTP): for ``mediawatch explain``.
    Each finding: ``{rule, kind, ...}`` with numbers masked."""
    from mediawatch import clock

    now = now or clock.now()
    finder = PrivacyFinder.from_config(config, latest_year=now.year)
    matcher = IllegalSiteMatcher.from_config(config)
    hosts = {host_of(normalize_url(url))}
    text = visible_text(tree)
    findings = [dict(hit, rule="privacy_leak") for hit in finder.find(text, page=url, unit_numbers=unit_numbers(text))]
    found = scan_page(tree, url, hosts, config, matcher)
    findings.extend(dict(hit, rule="hidden_links", kind=hit["why"]) for hit in found["hits"])
    findings.extend(dict(entry, rule="hidden_links", kind="review") for entry in found["review"])
    frame = page_frame(tree, url, hosts, now)
    findings.append({"rule": "tamper_suspected", "kind": "frame", "script_hosts": frame["script_hosts"],
                     "frame_lines": len(frame["frame_lines"])})
    return findings


def post_observation(posts, ctx, *, target: str | None, source: str | None) -> Observation:
    """``privacy`` of a new-media account: each recent post's text read as its own document."""
    texts = [post for post in posts if getattr(post, "text", None)]
    data: dict[str, Any] = {"source": source, "texts_scanned": len(texts), "attachments_read": 0,
                            "attachments_skipped": [], "hits": []}
    try:
        finder = _finder(ctx)
        for post in texts:
            data["hits"].extend(finder.find(post.text, page=post.url or target or "", post_id=post.id))
    except Exception as exc:  # noqa: BLE001
        return Observation.failed("privacy", "internal", f"{exc.__class__.__name__}: {exc}", target)
    return Observation("privacy", target=target, data=data)
