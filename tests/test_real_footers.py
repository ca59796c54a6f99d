"""The footer identity block reader (checkers/site_page.py) on real home pages (tests/data/real/): every truth key
of manifest-verdict.toml, and the site_code / icp / police_record keys of the corpus manifest when it is there.
Reports the score and every miss by name."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from mediawatch.checkers import site_page
from mediawatch.pages.html import parse_html

REAL = Path(__file__).parent / "data" / "real"
KEYS = ("site_code", "icp", "police_record", "dzjg_mark", "sponsor", "jiucuo")


def _cases() -> list[tuple[str, dict, str]]:
    cases = []
    ours = tomllib.loads((REAL / "manifest-verdict.toml").read_text(encoding="utf-8"))
    seen = set()
    for artifact in ours.get("artifact", []):
        cases.append((artifact["file"], artifact["truth"], artifact["encoding"]))
        seen.add(artifact["file"])
    corpus = REAL / "manifest.toml"
    if corpus.exists():  # the corpus branch's manifest, once merged: its footer truth keys too
        for artifact in tomllib.loads(corpus.read_text(encoding="utf-8")).get("artifact", []):
            truth = {k: v for k, v in artifact.get("truth", {}).items() if k in KEYS}
            if truth and artifact["file"] not in seen:
                cases.append((artifact["file"], truth, artifact.get("encoding", "utf-8")))
    return cases


def _same(found, truth) -> bool:
    """A record number as the page writes it (spaces, 号 or not) is the same record as our canonical form."""
    if isinstance(truth, str) and isinstance(found, str):
        return re.sub(r"[\s号]", "", found).upper() == re.sub(r"[\s号]", "", truth).upper()
    return found == truth


def test_footer_reader_on_real_pages():
    cases = _cases()
    assert cases, "no real home page with footer truth"
    floor = tomllib.loads((REAL / "manifest-verdict.toml").read_text(encoding="utf-8"))["floor"]
    checked = right = 0
    misses = []
    for file, truth, encoding in cases:
        found = site_page.identity(parse_html((REAL / file).read_bytes().decode(encoding)))
        for key in KEYS:
            if key not in truth:
                continue
            checked += 1
            if _same(found.get(key), truth[key]):
                right += 1
            else:
                misses.append(f"{file}: {key}: read {found.get(key)!r}, truth {truth[key]!r}")
    score = right / checked
    print(f"footer identity block: {right}/{checked} right ({score:.0%})" + "".join(f"\n  miss {m}" for m in misses))
    assert score >= floor, "\n".join(misses)
