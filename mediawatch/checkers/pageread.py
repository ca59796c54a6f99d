"""Reading one fetched page, in a worker process: decode, parse, links, visible text, typos.

``read_page(content, content_type, page_url)`` returns a ``PageRead`` (picklable, small): the
failure (``"malformed"`` when the page does not decode cleanly) or its links as
``(url, tag, text)`` tuples and its typo hits. The page's body and tree live only inside the call:
they are freed as soon as it returns, and the crawl keeps only the links.

``reader(config, processes)`` gives the executor the crawl reads pages with: a process pool of
``crawl.parse_processes`` workers (the second core; forked, so the typo dictionary is built once
and inherited), or ``None`` (0: the event loop's default threads, off the loop all the same).
"""

from __future__ import annotations

from dataclasses import dataclass, field

_MATCHER = None  # the typo matcher of this process (set in the parent before the workers fork)


@dataclass
class PageRead:
    failure: tuple[str, str] | None = None
    links: list[tuple[str, str, str]] = field(default_factory=list)
    hits: list[dict] = field(default_factory=list)
    page_url: str = ""  # the URL the page was read at (its final URL, as fetched)


def set_matcher(matcher) -> None:
    global _MATCHER
    _MATCHER = matcher


def read_page(content: bytes, content_type: str | None, page_url: str, matcher=None) -> PageRead:
    from mediawatch.checkers.links import extract_links, parse_html
    from mediawatch.checkers.typos import visible_text
    from mediawatch.encoding import decode_page

    decoded = decode_page(content, content_type)
    if not decoded.clean:
        return PageRead(failure=("malformed", f"the page did not decode cleanly as {decoded.encoding} "
                                              f"({decoded.replaced} bad characters)"))
    tree = parse_html(decoded.text)
    links = [(link.url, link.tag, link.text) for link in extract_links(tree, page_url)]
    matcher = matcher if matcher is not None else _MATCHER
    hits = matcher.find(visible_text(tree), page=page_url) if matcher is not None else []
    return PageRead(links=links, hits=hits, page_url=page_url)


def reader(matcher, processes: int):
    """A process pool with ``processes`` workers that know ``matcher``, or None for ``processes`` 0."""
    if processes <= 0:
        return None
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    set_matcher(matcher)
    pool = ProcessPoolExecutor(max_workers=processes, mp_context=multiprocessing.get_context("fork"))
    pool.submit(int).result()  # start the workers now, while the parent is quiet
    return pool
