"""The link report gathered link by link (``LinkTally``), for the link checker and the website crawl."""

from __future__ import annotations

from dataclasses import dataclass, field

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

    def _entry(self, link, pages: set[str] | None) -> list | None:
        """The link's entry when it existed (its occurrences still to count), else None: a new entry,
        counted once, with ``pages`` as its set of pages. The link's text (computed lazily from the
        page) is read only when an entry keeps it, so the pages' trees need not outlive their reading."""
        key = (normalize_url(link.url), link.post_id)
        page = link.page
        self.links_checked += 1
        on_home = self.home is not None and normalize_url(page) == self.home
        entry = self._entries.get(key)
        if entry is None:
            self._entries[key] = [page, link.url, link.text, link.tag, on_home, link.post_url, 1, pages]
            return None
        if on_home and not entry[4]:
            entry[0], entry[2], entry[3], entry[4] = page, link.text, link.tag, True
        return entry

    def add_link(self, link) -> None:
        """One link; a page it was already counted on is not counted again."""
        entry = self._entry(link, {link.page})
        if entry is None:
            return
        pages = entry[7]
        if pages is None:  # counted page by page so far (add_page_links)
            entry[7] = {link.page}
            entry[6] += 1
        elif link.page not in pages:
            pages.add(link.page)
            entry[6] += 1

    def add_page_links(self, links) -> None:
        """All the links of one page read once (``extract_links`` gives each URL once): occurrences
        count pages without a set of pages per URL, so memory grows with the unique URLs, not with
        pages × links."""
        for link in links:
            entry = self._entry(link, None)
            if entry is not None and (entry[7] is None or link.page not in entry[7]):
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
