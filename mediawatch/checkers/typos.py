"""Severe typos (严重表述错误): a dictionary of wrong -> right forms and forbidden words, matched in
one pass over the visible text with an Aho-Corasick automaton.

    matcher = TypoMatcher.from_config(config)     # shipped dictionary + typos.extra_dictionaries
    hits = matcher.find(visible_text(html), page=url)
    # [{page, wrong, right, context, post_id, count}]  right is None for a forbidden word

Dictionaries are UTF-8 CSV files with the columns ``wrong,right`` (a header row ``wrong,right``
is optional; lines starting with ``#`` are comments; an empty ``right`` makes ``wrong`` a
forbidden word). A dictionary that cannot be read, or has a row that would match correct text
(a wrong form equal to, or inside, a right form), is a ``ConfigError`` naming ``file:line``.

Matches are leftmost-longest and never overlap; one page or post gives one hit per wrong form
(``count`` says how often it occurs, ``context`` shows the first), at most
``typos.max_hits_per_page`` of them.

The text scanned is the page's visible text (pages/text.py).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import ahocorasick

from mediawatch.errors import ConfigError
from mediawatch.pages.text import visible_text

DEFAULT_DICTIONARY = "typos.csv"


@dataclass(frozen=True)
class TypoEntry:
    wrong: str
    right: str | None  # None: a forbidden word
    source: str  # file:line


def _read_dictionary(text: str, name: str) -> list[TypoEntry]:
    entries: list[TypoEntry] = []
    problems: list[str] = []
    for line_no, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or not any(cell.strip() for cell in row) or row[0].lstrip().startswith("#"):
            continue
        cells = [cell.strip() for cell in row]
        if line_no == 1 and [c.lower() for c in cells[:2]] == ["wrong", "right"]:
            continue
        where = f"{name}:{line_no}"
        if len(cells) > 2 and any(cells[2:]):
            problems.append(f"{where}: expected two columns wrong,right, got {len(cells)}")
            continue
        wrong, right = cells[0], (cells[1] if len(cells) > 1 else "")
        if not wrong:
            problems.append(f"{where}: wrong: empty")
        elif wrong == right:
            problems.append(f"{where}: wrong and right are the same ({wrong!r})")
        elif right and wrong in right:
            problems.append(f"{where}: the wrong form {wrong!r} occurs inside its right form {right!r}")
        else:
            entries.append(TypoEntry(wrong, right or None, where))
    if problems:
        raise ConfigError("\n".join(problems))
    return entries


def load_dictionary(path: Path | str) -> list[TypoEntry]:
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"{path}: typos dictionary not found") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read typos dictionary: {exc}") from None
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[:exc.start].count(b"\n") + 1
        raise ConfigError(f"{path}:{line}: not UTF-8 ({exc.reason})") from None
    return _read_dictionary(text, str(path))


def default_dictionary() -> list[TypoEntry]:
    text = resources.files("mediawatch").joinpath("data", DEFAULT_DICTIONARY).read_text(encoding="utf-8")
    return _read_dictionary(text, f"mediawatch/data/{DEFAULT_DICTIONARY}")


class TypoMatcher:
    def __init__(self, entries: list[TypoEntry], *, context_chars: int = 20, max_hits: int = 20):
        self.context_chars = context_chars
        self.max_hits = max_hits
        self.entries: dict[str, TypoEntry] = {}
        for entry in entries:
            self.entries.setdefault(entry.wrong, entry)  # the first file wins
        self._check_against_right_forms()
        self._automaton = ahocorasick.Automaton()
        for wrong in self.entries:
            self._automaton.add_word(wrong, wrong)
        if self.entries:
            self._automaton.make_automaton()

    @classmethod
    def from_config(cls, config) -> "TypoMatcher":
        entries = default_dictionary() if config.typos.use_default_dictionary else []
        base = Path(config.path).parent if getattr(config, "path", None) else Path.cwd()
        for name in config.typos.extra_dictionaries:
            path = Path(name)
            entries.extend(load_dictionary(path if path.is_absolute() else base / path))
        return cls(entries, context_chars=int(config.typos.context_chars), max_hits=int(config.typos.max_hits_per_page))

    def _check_against_right_forms(self) -> None:
        """A wrong form inside any entry's right form would flag correct text: refuse it."""
        rights = [e for e in self.entries.values() if e.right]
        if not rights:
            return
        finder = ahocorasick.Automaton()
        for wrong in self.entries:
            finder.add_word(wrong, wrong)
        finder.make_automaton()
        problems = []
        for entry in rights:
            for _end, wrong in finder.iter(entry.right):
                problems.append(f"{self.entries[wrong].source}: the wrong form {wrong!r} occurs inside the correct "
                                f"form {entry.right!r} ({entry.source})")
        if problems:
            raise ConfigError("\n".join(sorted(set(problems))))

    def __len__(self) -> int:
        return len(self.entries)

    def find(self, text: str, *, page: str, post_id: str | None = None) -> list[dict]:
        """Hits in ``text`` (visible text of a page, or a post), one per wrong form."""
        if not self.entries or not text:
            return []
        spans = []
        for end, wrong in self._automaton.iter(text):
            spans.append((end - len(wrong) + 1, end + 1, wrong))
        spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
        hits: dict[str, dict] = {}
        last_end = -1
        for start, end, wrong in spans:
            if start < last_end:
                continue  # overlaps a longer or earlier match
            last_end = end
            hit = hits.get(wrong)
            if hit is not None:
                hit["count"] += 1
                continue
            if len(hits) >= self.max_hits:
                continue
            hits[wrong] = {"page": page, "wrong": wrong, "right": self.entries[wrong].right,
                           "context": self._context(text, start, end), "post_id": post_id, "count": 1}
        return list(hits.values())

    def find_in_html(self, html: str, *, page: str, post_id: str | None = None) -> list[dict]:
        return self.find(visible_text(html), page=page, post_id=post_id)

    def _context(self, text: str, start: int, end: int) -> str:
        before = text[max(0, start - self.context_chars):start]
        after = text[end:end + self.context_chars]
        snippet = before + text[start:end] + after
        return re.sub(r"\s+", " ", snippet).strip()
