"""What the website crawl needs from one crawled page, as plain data (``PageFacts``).

``CrawlReading(settings).read(final_url, content, content_type)`` decodes and parses the page once
and gives its links (each with its text: the report shows the text of a link that turns out broken),
the severe typos of its visible text, and the 安全 scans' findings (personal data, hidden and illegal
off-site links). It holds no tree and no body afterwards. The same function runs in the checking
thread or, for a large crawl, in the run's page-reading process (checkers/page_process.py), so a page
is read the same way wherever it is read; the crawl (checkers/website.py) consumes the facts in its
own order either way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mediawatch.checkers.hidden_links import IllegalSiteMatcher, scan_page
from mediawatch.checkers.privacy import PrivacyFinder
from mediawatch.checkers.typos import TypoMatcher
from mediawatch.pages.linkextract import extract_links
from mediawatch.pages.page import decoded_failure
from mediawatch.pages.encoding import decode_page
from mediawatch.pages.html import parse_html
from mediawatch.pages.text import visible_text


@dataclass
class PageFacts:
    failure: tuple[str, str] | None = None  # the page did not decode cleanly: not read
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (url, tag, text) in document order
    capped: bool = False  # more links than crawl.max_links_per_page
    typos: list[dict] = field(default_factory=list)
    privacy: list[dict] = field(default_factory=list)
    hidden: dict | None = None  # scan_page's {"hits", "review"}; None when the safety scans are off
    safety_error: str | None = None  # the safety scans failed on this page (they stop for the site)

    def as_tuple(self) -> tuple:
        return (self.failure, self.links, self.capped, self.typos, self.privacy, self.hidden, self.safety_error)

    @classmethod
    def from_tuple(cls, value: tuple) -> "PageFacts":
        return cls(*value)


@dataclass
class CrawlSettings:
    """What reading a page of one site depends on (sent once per crawl to the reading process)."""

    config_values: dict
    config_path: str | None
    latest_year: int
    max_links: int
    safety_hosts: list[str]  # the site's hosts as the hidden-link scan counts them
    own_numbers: list[str]  # the unit's own numbers (from the home page): never personal data
    safety: bool  # False: the safety scans are off for this site (their matchers failed in the checker)


class CrawlReading:
    """Reads pages for one crawl. ``matchers``: (typo, privacy, illegal-site) already built for the run
    (the checking thread passes its own; the reading process builds them once per configuration)."""

    def __init__(self, settings: CrawlSettings, matchers: tuple | None = None):
        self.settings = settings
        if matchers is None:
            matchers = build_matchers(settings)
        self.typos, self.finder, self.illegal, self.config = matchers
        self.safety_hosts = set(settings.safety_hosts)
        self.own_numbers = set(settings.own_numbers)

    def read(self, final_url: str, content: bytes, content_type: str | None) -> PageFacts:
        value = decode_page(content, content_type)
        failure = decoded_failure(value)
        if failure is not None:
            return PageFacts(failure=failure)
        tree = parse_html(value.text)
        return self.read_tree(final_url, tree, visible_text(tree))

    def read_tree(self, final_url: str, tree, text: str) -> PageFacts:
        links = extract_links(tree, final_url, limit=self.settings.max_links)
        facts = PageFacts(links=[(link.url, link.tag, link.text) for link in links],
                          capped=bool(getattr(links, "capped", False)))
        if self.settings.safety:
            try:
                facts.privacy = self.finder.find(text, page=final_url, unit_numbers=self.own_numbers)
                facts.hidden = scan_page(tree, final_url, self.safety_hosts, self.config, self.illegal)
            except Exception as exc:  # noqa: BLE001 - the safety scans stop for the site; links and typos go on
                facts.safety_error = f"{exc.__class__.__name__}: {exc}"
                facts.privacy, facts.hidden = [], None
        facts.typos = self.typos.find(text, page=final_url)
        return facts


def build_matchers(settings: CrawlSettings) -> tuple:
    from pathlib import Path

    from mediawatch.config import Config

    config = Config(settings.config_values, Path(settings.config_path) if settings.config_path else None)
    typos = TypoMatcher.from_config(config)
    finder = illegal = None
    if settings.safety:
        finder = PrivacyFinder.from_config(config, latest_year=settings.latest_year)
        illegal = IllegalSiteMatcher.from_config(config)
    return typos, finder, illegal, config
