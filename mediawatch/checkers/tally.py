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


PRUNE_EVERY = 4096  # links added between two looks for healthy entries (and entries at least, to look)


def _healthy(outcome) -> bool:
    """Nothing of this URL is reported: a healthy verdict (or ``internal``: our own failure, never a
    broken link). None (not settled yet) is not healthy."""
    return outcome is not None and (outcome.error_kind is None or outcome.error_kind == "internal")


class LinkTally:
    """The report's entries gathered link by link, keeping per URL only what the report shows:
    memory grows with the unique URLs, not with the links (a crawl of any size stays flat)."""

    def __init__(self, homepage: str | None = None, settled=None):
        self.home = normalize_url(homepage) if homepage else None
        self.links_checked = 0
        # (url key, post id) -> [page, url, text, tag, on_homepage, post_url, occurrences, last page]
        self._entries: dict[tuple[str, str | None], list] = {}
        # ``settled(url key)``: the URL's verdict when it is already known, else None (never waits). With it,
        # ``add_page_links`` now and then lets go of the entries of URLs found healthy (nothing of them is
        # reported) and keeps only their key: a large crawl holds a report line only for what may be reported
        self._settled = settled
        self._healthy: set[str] = set()  # url keys let go of: healthy (or internal), counted in urls_checked
        self._since_prune = 0

    def _entry(self, link, pages: set[str] | None) -> list | None:
        """The link's entry when it existed (its occurrences still to count), else None: a new entry,
        counted once, with ``pages`` as its set of pages. The link's text (computed lazily from the
        page) is read only when an entry keeps it, so the pages' trees need not outlive their reading."""
        url_key = normalize_url(link.url)
        self.links_checked += 1
        if url_key in self._healthy:
            return None
        if self._settled is not None and _healthy(self._settled(url_key)):
            self._healthy.add(url_key)  # known healthy already: no line (a lazy text is then never computed)
            return None
        key = (url_key, link.post_id)
        page = link.page
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
        self._since_prune += len(links)
        if self._settled is not None and self._since_prune >= PRUNE_EVERY and len(self._entries) >= PRUNE_EVERY:
            self._prune()

    def _prune(self) -> None:
        """Let go of the entries whose URL is settled healthy: their key alone stays (urls_checked)."""
        self._since_prune = 0
        healthy = [key for key in self._entries if _healthy(self._settled(key[0]))]
        for key in healthy:
            del self._entries[key]
            self._healthy.add(key[0])

    def report(self, outcome) -> LinkReport:
        report = LinkReport(links_checked=self.links_checked)
        urls: set[str] = set(self._healthy)
        for (key, post_id), entry in self._entries.items():
            urls.add(key)
            result = outcome(key)
            if _healthy(result):
                continue
            page, url, text, tag, on_home, post_url, occurrences, _ = entry
            item = {"page": page, "url": url, "text": text, "tag": tag, "status": result.status,
                    "error_kind": result.error_kind, "on_homepage": on_home, "post_id": post_id,
                    "post_url": post_url, "error": result.error, "occurrences": occurrences}
            (report.throttled if result.throttled else report.skipped if result.skipped
             else report.broken).append(item)
        report.urls_checked = len(urls)
        return report
