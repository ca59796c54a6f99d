"""Tampering (页面篡改): what of a home page should not change without the office knowing.

    seen = page_frame(tree, page_url, site_hosts)
    # {"script_hosts": [...], "frame_lines": [...]}

``script_hosts`` are the hosts of the page's external ``<script src>``, ``<iframe src>``,
``<frame src>``, ``<embed src>`` and ``<object data>`` outside the site's own hosts (a defaced page
loads its payload from somewhere new). ``frame_lines`` are the lines of the page's visible text
that are not links and hold no date: the page's frame (unit name, column headings, footer), not
its dated entry lists, which change every day. Lines are whitespace-folded, at most
``MAX_LINE`` characters and ``MAX_LINES`` of them, with every long number masked.

``compare(baseline, seen, ratio, min_lines)`` says what changed: hosts never seen before, and the
share of the baseline's frame lines gone (``changed``), wholesale when at least ``ratio``.
"""

from __future__ import annotations

import copy

from mediawatch.pages.dates import dates_in
from mediawatch.pages.urls import host_of, resolve
from mediawatch.checkers.privacy import mask_digits
from mediawatch.pages.text import visible_text

MAX_LINES, MAX_LINE = 200, 80
SOURCE_ATTRIBUTES = {"script": "src", "iframe": "src", "frame": "src", "embed": "src", "object": "data"}


def page_frame(tree, page_url: str, site_hosts: set[str], now) -> dict:
    hosts = set()
    for element in tree.iter(*SOURCE_ATTRIBUTES):
        url = resolve(element.get(SOURCE_ATTRIBUTES[element.tag.lower()]), page_url)
        if url:
            host = host_of(url)
            if host and host not in site_hosts:
                hosts.add(host)
    frame = copy.deepcopy(tree)
    for anchor in list(frame.iter("a")):
        anchor.drop_tree()  # keeps the text after the link
    lines: list[str] = []
    seen: set[str] = set()
    for line in visible_text(frame).split("\n"):
        line = " ".join(line.split())[:MAX_LINE]
        if not line or line in seen or dates_in(line, now):
            continue
        seen.add(line)
        lines.append(mask_digits(line))
        if len(lines) >= MAX_LINES:
            break
    return {"script_hosts": sorted(hosts), "frame_lines": lines}


def compare(baseline: dict, seen: dict, *, ratio: float, min_lines: int) -> dict:
    """``{new_hosts, changed, wholesale, gone_lines, new_lines}`` of ``seen`` against ``baseline``."""
    new_hosts = sorted(set(seen.get("script_hosts") or []) - set(baseline.get("script_hosts") or []))
    base_lines = list(baseline.get("frame_lines") or [])
    now_lines = set(seen.get("frame_lines") or [])
    gone = [line for line in base_lines if line not in now_lines]
    changed = len(gone) / len(base_lines) if base_lines else 0.0
    wholesale = len(base_lines) >= min_lines and changed >= ratio
    added = [line for line in seen.get("frame_lines") or [] if line not in set(base_lines)]
    return {"new_hosts": new_hosts, "changed": round(changed, 3), "wholesale": wholesale,
            "gone_lines": gone[:20], "new_lines": added[:20]}
