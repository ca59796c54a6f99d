"""Hidden and illegal links (暗链, 非法外链) on a website's pages.

    matcher = IllegalSiteMatcher.from_config(config)   # shipped dictionary + hidden_links.extra_dictionaries
    found = scan_page(tree, page_url, site_hosts, config, matcher)
    # {"hits": [{page, url, host, text, why, trick, words}], "review": [{page, url, host, text, hidden}]}

A link is judged only when it leaves the site (its host is not one of ``site_hosts``) and its
host is not under ``hidden_links.allowed_domains`` (``.gov.cn`` and the office's list): links to
other government sites, hidden or not, are never hits.

Hits (``why``):

- ``dictionary``: the link's text or address holds a word of the illegal-site dictionary
  (gambling, porn, scam; ``trick`` says how it was hidden, or is null when visible);
- ``hidden``: the anchor is hidden by a trick that no menu or tab uses: ``font-size:0``,
  positioned far off-screen (``left``/``top``/``text-indent`` at -500px or beyond), zero width or
  height with ``overflow:hidden``, ``opacity:0``, a tiny or runaway ``<marquee>``, a 1-pixel
  ``<iframe>`` frame — on the anchor or any ancestor (inline ``style``, and class or id rules of
  the page's own ``<style>`` blocks).

Review, never a hit: off-site links hidden only by ``display:none``, ``visibility:hidden`` or the
``hidden`` attribute (drop-down menus and tabs use these for ordinary 友情链接), and every other
visible off-site domain outside the allowlist: listed for the office to look at, one entry per host.
"""

from __future__ import annotations

import csv
import io
import re
from importlib import resources
from pathlib import Path

import ahocorasick

from mediawatch.pages.urls import host_of, resolve
from mediawatch.errors import ConfigError

DEFAULT_DICTIONARY = "illegal_sites.csv"
KINDS = ("gambling", "porn", "scam", "other")
KIND_TITLES = {"gambling": "赌博", "porn": "色情", "scam": "诈骗或违法交易", "other": "违法"}
TRICK_TITLES = {"font_size_zero": "字号为0", "off_screen": "定位到屏幕外", "zero_size": "尺寸为0",
                "transparent": "完全透明", "marquee": "滚动字幕隐藏", "tiny_frame": "极小框架",
                "display_none": "display:none", "visibility_hidden": "visibility:hidden",
                "hidden_attribute": "hidden属性"}
STRONG_TRICKS = frozenset({"font_size_zero", "off_screen", "zero_size", "transparent", "marquee", "tiny_frame"})

_DECL = re.compile(r"([a-zA-Z\-]+)\s*:\s*([^;]+)")
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_NUMBER = re.compile(r"(-?\d+(?:\.\d+)?)")
OFF_SCREEN_PX = -500


def _declarations(style: str) -> dict[str, str]:
    return {k.strip().lower(): v.strip().lower().replace("!important", "").strip()
            for k, v in _DECL.findall(style or "")}


def _number(value: str) -> float | None:
    match = _NUMBER.match(value.strip())
    return float(match.group(1)) if match else None


def trick_of(decls: dict[str, str]) -> str | None:
    """How a set of CSS declarations hides an element, or None."""
    if decls.get("display") == "none":
        return "display_none"
    if decls.get("visibility") in ("hidden", "collapse"):
        return "visibility_hidden"
    size = decls.get("font-size")
    if size is not None and _number(size) == 0:
        return "font_size_zero"
    for key in ("left", "top", "text-indent", "margin-left", "margin-top"):
        value = decls.get(key)
        if value is not None and (_number(value) or 0) <= OFF_SCREEN_PX:
            return "off_screen"
    if decls.get("overflow") == "hidden" and any(
            decls.get(k) is not None and _number(decls[k]) == 0 for k in ("width", "height")):
        return "zero_size"
    opacity = decls.get("opacity")
    if opacity is not None and _number(opacity) == 0:
        return "transparent"
    return None


def _page_rules(root) -> dict[str, dict[str, str]]:
    """Simple class and id rules (``.x {…}``, ``#y {…}``, ``div.x {…}``) of the page's <style> blocks."""
    rules: dict[str, dict[str, str]] = {}
    for style in root.iter("style"):
        text = re.sub(r"/\*.*?\*/", "", style.text or "", flags=re.S)
        for selectors, body in _RULE.findall(text):
            decls = _declarations(body)
            if trick_of(decls) is None:
                continue
            for selector in selectors.split(","):
                last = selector.strip().split()[-1] if selector.strip() else ""
                for token in re.findall(r"[.#][A-Za-z0-9_\-]+", last):
                    rules.setdefault(token, {}).update(decls)
    return rules


def _element_trick(element, rules: dict[str, dict[str, str]]) -> str | None:
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    if element.get("hidden") is not None:
        return "hidden_attribute"
    if tag == "marquee":
        sizes = [_number(element.get(k) or "") for k in ("width", "height")]
        amount = _number(element.get("scrollamount") or "") or 0
        if any(s is not None and s <= 5 for s in sizes) or amount >= 500:
            return "marquee"
    decls: dict[str, str] = {}
    for token in ["." + c for c in (element.get("class") or "").split()] + (
            ["#" + element.get("id")] if element.get("id") else []):
        decls.update(rules.get(token, {}))
    decls.update(_declarations(element.get("style") or ""))
    return trick_of(decls)


def hidden_trick(anchor, rules: dict[str, dict[str, str]]) -> str | None:
    """The strongest trick hiding ``anchor`` or one of its ancestors (None: visible)."""
    found = None
    element = anchor
    while element is not None:
        trick = _element_trick(element, rules)
        if trick in STRONG_TRICKS:
            return trick
        found = found or trick
        element = element.getparent()
    return found


def allowed_host(host: str, site_hosts: set[str], bare_hosts: set[str], allowed_domains: list[str]) -> bool:
    """The site's own host (any port: ``bare_hosts`` are ``site_hosts`` without ports) or one of the allowed domains."""
    bare = host.split(":")[0].lower().rstrip(".")
    if host in site_hosts or bare in bare_hosts:
        return True
    for domain in allowed_domains:
        d = domain.lower().lstrip(".")
        if bare == d or bare.endswith("." + d):
            return True
    return False


class IllegalSiteMatcher:
    def __init__(self, entries: list[tuple[str, str]]):
        self.entries = {}
        for word, kind in entries:
            self.entries.setdefault(word.lower(), kind)
        self._automaton = ahocorasick.Automaton()
        for word in self.entries:
            self._automaton.add_word(word, word)
        if self.entries:
            self._automaton.make_automaton()

    @classmethod
    def from_config(cls, config) -> "IllegalSiteMatcher":
        section = config.hidden_links
        entries = []
        if section.use_default_dictionary:
            text = resources.files("mediawatch").joinpath("data", DEFAULT_DICTIONARY).read_text(encoding="utf-8")
            entries.extend(read_dictionary(text, f"mediawatch/data/{DEFAULT_DICTIONARY}"))
        base = Path(config.path).parent if getattr(config, "path", None) else Path.cwd()
        for name in section.extra_dictionaries:
            path = Path(name) if Path(name).is_absolute() else base / name
            try:
                text = path.read_bytes().decode("utf-8-sig")
            except OSError as exc:
                raise ConfigError(f"{path}: cannot read the illegal-site dictionary: {exc}") from None
            except UnicodeDecodeError as exc:
                raise ConfigError(f"{path}: not UTF-8 ({exc.reason})") from None
            entries.extend(read_dictionary(text, str(path)))
        return cls(entries)

    def words(self, text: str) -> list[tuple[str, str]]:
        """(word, kind) of every dictionary word in ``text`` (case-insensitive), each once."""
        if not self.entries or not text:
            return []
        seen: dict[str, str] = {}
        for _end, word in self._automaton.iter(text.lower()):
            seen.setdefault(word, self.entries[word])
        return list(seen.items())


def read_dictionary(text: str, name: str) -> list[tuple[str, str]]:
    entries, problems = [], []
    for line, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or not any(c.strip() for c in row) or row[0].lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in row]
        if line == 1 and [c.lower() for c in cells[:2]] == ["word", "kind"]:
            continue
        kind = (cells[1] if len(cells) > 1 else "other").lower() or "other"
        if len(cells[0]) < 2:
            problems.append(f"{name}:{line}: word: at least two characters, got {cells[0]!r}")
        elif kind not in KINDS:
            problems.append(f"{name}:{line}: kind: {kind!r} is not one of {', '.join(KINDS)}")
        else:
            entries.append((cells[0], kind))
    if problems:
        raise ConfigError("\n".join(problems))
    return entries


def scan_page(tree, page_url: str, site_hosts: set[str], config, matcher: IllegalSiteMatcher) -> dict:
    """The page's hidden and illegal off-site links (hits) and its other off-site hosts (review)."""
    allowed = list(config.hidden_links.allowed_domains)
    rules = _page_rules(tree)
    hits: list[dict] = []
    review: dict[str, dict] = {}
    bare_hosts = {h.split(":")[0] for h in site_hosts}
    judged: dict[str, bool] = {}  # host -> allowed, for this page
    for element in tree.iter("a", "area", "iframe", "frame"):
        tag = element.tag.lower()
        url = resolve(element.get("href") if tag in ("a", "area") else element.get("src"), page_url)
        if url is None:
            continue
        host = host_of(url)
        if not host:
            continue
        allowed_here = judged.get(host)
        if allowed_here is None:
            allowed_here = judged[host] = allowed_host(host, site_hosts, bare_hosts, allowed)
        if allowed_here:
            continue
        text = " ".join((element.text_content() or "").split())[:80] if tag in ("a", "area") else ""
        trick = hidden_trick(element, rules)
        if tag in ("iframe", "frame") and trick is None:
            sizes = [_number(element.get(k) or "") for k in ("width", "height")]
            if any(s is not None and s <= 1 for s in sizes):
                trick = "tiny_frame"
        words = matcher.words(text + " " + url)
        if words:
            hits.append({"page": page_url, "url": url, "host": host, "text": text, "why": "dictionary",
                         "trick": trick, "words": [f"{w}（{KIND_TITLES[k]}）" for w, k in words]})
        elif trick in STRONG_TRICKS:
            hits.append({"page": page_url, "url": url, "host": host, "text": text, "why": "hidden", "trick": trick,
                         "words": []})
        elif host not in review:
            review[host] = {"page": page_url, "url": url, "host": host, "text": text, "hidden": trick}
    return {"hits": hits, "review": list(review.values())}
