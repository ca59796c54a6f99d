"""The link report gathered link by link (``LinkTally``), for the link checker and the website crawl."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from mediawatch.pages.urls import normalize_url


@dataclass
class LinkReport:
    broken: list[dict] = field(default_factory=list)
    throttled: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    links_checked: int = 0  # link occurrences judged (a URL on ten pages counts ten times)
    urls_checked: int = 0  # unique URLs judged


class LinkTally:
    """The report's entries gathered link by link, keeping per URL only what the report shows:
    memory grows with the unique URLs, not with the links (a crawl of any size stays flat)."""

    def __init__(self, homepage: str | None = None):
        self.home = normalize_url(homepage) if homepage else None
        self.links_checked = 0
        # (url key, post id) -> [page, url, text, tag, on_homepage, post_url, occurrences, last page]
        self._entries: dict[tuple[str, str | None], list] = {}

    def add(self, url: str, page: str, text: str = "", tag: str = "a", post_id: str | None = None,
            post_url: str | None = None) -> None:
        key = normalize_url(url)
        self.links_checked += 1
        on_home = self.home is not None and normalize_url(page) == self.home
        entry = self._entries.get((key, post_id))
        if entry is None:
            self._entries[(key, post_id)] = [page, url, text, tag, on_home, post_url, 1, {page}]
            return
        if on_home and not entry[4]:
            entry[0], entry[2], entry[3], entry[4] = page, text, tag, True
        pages = entry[7]
        if pages is None:  # counted page by page so far (add_page_links)
            entry[7] = {page}
            entry[6] += 1
        elif page not in pages:
            pages.add(page)
            entry[6] += 1

    def add_link(self, link) -> None:
        """``add`` for a ``Link``: its text (computed lazily from the page) is read only when an
        entry keeps it, so the pages' trees need not outlive their reading."""
        key = normalize_url(link.url)
        page = link.page
        self.links_checked += 1
        on_home = self.home is not None and normalize_url(page) == self.home
        entry = self._entries.get((key, link.post_id))
        if entry is None:
            self._entries[(key, link.post_id)] = [page, link.url, link.text, link.tag, on_home, link.post_url, 1,
                                                  {page}]
            return
        if on_home and not entry[4]:
            entry[0], entry[2], entry[3], entry[4] = page, link.text, link.tag, True
        pages = entry[7]
        if pages is None:  # counted page by page so far (add_page_links)
            entry[7] = {page}
            entry[6] += 1
        elif page not in pages:
            pages.add(page)
            entry[6] += 1

    def add_page_links(self, links) -> None:
        """``add_link`` for all the links of one page read once (``extract_links`` gives each URL once):
        occurrences count pages without a set of pages per URL, so memory grows with the unique URLs,
        not with pages × links."""
        home = self.home
        entries = self._entries
        for link in links:
            key = normalize_url(link.url)
            page = link.page
            self.links_checked += 1
            on_home = home is not None and normalize_url(page) == home
            entry = entries.get((key, link.post_id))
            if entry is None:
                entries[(key, link.post_id)] = [page, link.url, link.text, link.tag, on_home, link.post_url, 1, None]
                continue
            if on_home and not entry[4]:
                entry[0], entry[2], entry[3], entry[4] = page, link.text, link.tag, True
            if entry[7] is None or page not in entry[7]:
                entry[6] += 1

    def add_page(self, page: str, links: Iterable[tuple[str, str, str]]) -> None:
        """All links of one page (url, tag, text; urls normalized, as ``extract_links`` gives them),
        the page read once: occurrences count pages, and no set of pages is kept."""
        seen: set[str] = set()
        on_home = self.home is not None and normalize_url(page) == self.home
        entries = self._entries
        for key, tag, text in links:
            self.links_checked += 1
            url = key
            entry = entries.get((key, None))
            if entry is None:
                self._entries[(key, None)] = [page, url, text, tag, on_home, None, 1, None]
                seen.add(key)
                continue
            if on_home and not entry[4]:
                entry[0], entry[2], entry[3], entry[4] = page, text, tag, True
            if key not in seen:
                seen.add(key)
                entry[6] += 1

    def report(self, outcome) -> LinkReport:
        report = LinkReport(links_checked=self.links_checked)
        urls: set[str] = set()
        for (key, post_id), entry in self._entries.items():
            urls.add(key)
            result = outcome(key)
            if result.error_kind is None or result.error_kind == "internal":
                continue
            page, url, text, tag, on_home, post_url, occurrences, _ = entry
            item = {"page": page, "url": url, "text": text, "tag": tag, "status": result.status,
                    "error_kind": result.error_kind, "on_homepage": on_home, "post_id": post_id,
                    "post_url": post_url, "error": result.error, "occurrences": occurrences}
            (report.throttled if result.throttled else report.skipped if result.skipped
             else report.broken).append(item)
        report.urls_checked = len(urls)
        return report
