"""Personal data in published text (泄露个人隐私): 身份证号, mobile numbers, bank card numbers.

    finder = PrivacyFinder.from_config(config)
    hits = finder.find(text, page=url, where="正文")          # a page's visible text, a post, a file's text
    hits = finder.find_parts([(where, text), ...], page=url)  # a document read part by part (sheets, pages)

A hit is a dict ``{page, attachment, where, kind, masked, context, post_id}``; ``kind`` is
``id_card``, ``mobile`` or ``bank_card``. **No hit, and nothing this module returns, holds a full
number**: ``masked`` keeps the first 6 and last 4 digits of an ID number (``110101********1234``),
the first 3 and last 4 of a mobile (``138****5678``), the first 4 and last 4 of a card; ``context``
is the text around the number with every run of 7 or more digits in it masked too.

What counts (each threshold and word list in ``[privacy]``):

- ``id_card``: 18 characters, 17 digits and a digit or X, with a valid region's first digit, a
  real birth date (1870 to the check's year) and the GB 11643-1999 check digit (ISO 7064 MOD 11-2).
  Not a hit when a label such as 统一社会信用代码 stands just before it (a unit's code, not a person).
- ``mobile``: 11 digits ``1[3-9]xxxxxxxxx`` (also written 3-4-4 with spaces or hyphens). A government
  page naming its contact person's number is the norm, so a mobile counts only when the document
  holds at least ``min_mobiles_per_document`` distinct ones not labelled as a contact (联系电话, 咨询电话,
  联系人 … just before them: ``contact_labels``), a list of people, or when it stands on the same line as
  a valid ID number. Numbers in ``allowed_numbers`` (the office's and units'
  published numbers) and the site's own numbers (``unit_numbers``, read from its home page) never count.
- ``bank_card``: 16 to 19 digits starting with a card network's digit (3, 4, 5, 6) that pass the Luhn
  check and have a card label (卡号, 银行卡, 账号 …) just before them; a unit's account (对公, 单位账户,
  开户单位 …) is not a hit.

Masked forms (``110101********1234``, ``138****5678``) never match: a number is only read when all
its digits are there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
KINDS = ("id_card", "mobile", "bank_card")
KIND_TITLES = {"id_card": "身份证号", "mobile": "手机号码", "bank_card": "银行卡号"}

# digits not glued to other digits, letters or mask characters on either side
_ID = re.compile(r"(?<![0-9A-Za-z*＊×])([1-8]\d{5})((?:18|19|20)\d{2})(\d{2})(\d{2})(\d{3})([0-9Xx])(?![0-9A-Za-z*＊×])")
_MOBILE = re.compile(r"(?<![0-9A-Za-z*＊×+])(1[3-9]\d)[ \-]?(\d{4})[ \-]?(\d{4})(?![0-9A-Za-z*＊×])")
_CARD = re.compile(r"(?<![0-9A-Za-z*＊×])([3-6]\d{3}(?:[ \-]?\d{4}){2}[ \-]?\d{4,7})(?![0-9A-Za-z*＊×])")
_LONG_DIGITS = re.compile(r"\d[\d \-]{5,}\d[Xx]?|\d{7,}[Xx]?")
_WS = re.compile(r"\s+")


def id_check_digit(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS))
    return ID_CHECK[total % 11]


def is_valid_id(number: str, *, latest_year: int = 2100) -> bool:
    """18 characters, a real birth date (1870..latest_year) and the right check character."""
    number = number.upper()
    if len(number) != 18 or not number[:17].isdigit() or number[0] not in "12345678":
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if not 1870 <= born.year <= latest_year:
        return False
    return id_check_digit(number[:17]) == number[17]


def luhn_ok(digits: str) -> bool:
    total, double = 0, False
    for ch in reversed(digits):
        n = int(ch)
        if double:
            n *= 2
            if n > 9:
                n -= 9
        total += n
        double = not double
    return total % 10 == 0


def mask(kind: str, number: str) -> str:
    digits = re.sub(r"[ \-]", "", number)
    if kind == "id_card":
        return digits[:6] + "*" * (len(digits) - 10) + digits[-4:]
    if kind == "mobile":
        return digits[:3] + "****" + digits[-4:]
    if kind == "bank_card":
        return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]
    return mask_digits(digits)


def mask_digits(text: str) -> str:
    """Every run of 7 or more digits (spaces and hyphens inside allowed) masked: first 3, last 4 kept
    when it has 11 or more digits, otherwise only the last 2."""

    def one(match: re.Match) -> str:
        raw = match.group(0)
        digits = re.sub(r"[ \-]", "", raw)
        if len(digits) < 7:
            return raw
        if len(digits) >= 11:
            return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
        return "*" * (len(digits) - 2) + digits[-2:]

    return _LONG_DIGITS.sub(one, text)


@dataclass
class _Found:
    kind: str
    number: str  # digits only; never leaves this module
    start: int
    end: int
    line: int
    labelled: bool = False  # a mobile right after 联系电话/咨询电话 …: a published contact, not a list entry


class PrivacyFinder:
    def __init__(self, *, not_personal_labels: list[str], card_labels: list[str], unit_account_labels: list[str],
                 min_mobiles: int = 3, allowed_numbers: list[str] = (), context_chars: int = 12,
                 contact_labels: list[str] = (),
                 label_window: int = 12, max_hits: int = 20, latest_year: int = 2100):
        self.not_personal = [w for w in not_personal_labels if w]
        self.card_labels = [w for w in card_labels if w]
        self.unit_account = [w for w in unit_account_labels if w]
        self.min_mobiles = max(1, int(min_mobiles))
        self.contact_labels = [w for w in contact_labels if w]
        self.allowed = {re.sub(r"\D", "", n) for n in allowed_numbers if n}
        self.context_chars = context_chars
        self.label_window = label_window
        self.max_hits = max_hits
        self.latest_year = latest_year

    @classmethod
    def from_config(cls, config, *, latest_year: int = 2100) -> "PrivacyFinder":
        p = config.privacy
        return cls(not_personal_labels=list(p.not_personal_labels), card_labels=list(p.card_labels),
                   unit_account_labels=list(p.unit_account_labels), min_mobiles=int(p.min_mobiles_per_document),
                   allowed_numbers=list(p.allowed_numbers), context_chars=int(p.context_chars),
                   contact_labels=list(p.contact_labels),
                   max_hits=int(p.max_hits_per_document), latest_year=latest_year)

    # --- finding ----------------------------------------------------------------------------

    def _before(self, text: str, start: int) -> str:
        return _WS.sub("", text[max(0, start - self.label_window * 2):start])[-self.label_window:]

    def _scan(self, text: str) -> list[_Found]:
        found: list[_Found] = []
        taken: list[tuple[int, int]] = []
        line_starts: list[int] = []  # made at the first number found: most pages hold none

        def line_of(pos: int) -> int:
            if not line_starts:
                line_starts.extend([0] + [m.end() for m in re.finditer("\n", text)])
            lo, hi = 0, len(line_starts) - 1
            while lo < hi:
                mid = (lo + hi + 1) // 2
                if line_starts[mid] <= pos:
                    lo = mid
                else:
                    hi = mid - 1
            return lo

        for m in _ID.finditer(text):
            number = m.group(0).upper()
            if not is_valid_id(number, latest_year=self.latest_year):
                continue
            taken.append((m.start(), m.end()))
            before = self._before(text, m.start())
            if any(label in before for label in self.not_personal):
                continue
            found.append(_Found("id_card", number, m.start(), m.end(), line_of(m.start())))
        for m in _CARD.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            digits = re.sub(r"[ \-]", "", m.group(0))
            if not 16 <= len(digits) <= 19 or not luhn_ok(digits):
                continue
            before = self._before(text, m.start())
            if not any(label in before for label in self.card_labels):
                continue
            taken.append((m.start(), m.end()))
            if any(label in before for label in self.unit_account):
                continue
            found.append(_Found("bank_card", digits, m.start(), m.end(), line_of(m.start())))
        for m in _MOBILE.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            digits = "".join(m.groups())
            if digits in self.allowed:
                continue
            before = self._before(text, m.start())
            labelled = any(label in before for label in self.contact_labels)
            found.append(_Found("mobile", digits, m.start(), m.end(), line_of(m.start()), labelled))
        return found

    def _context(self, text: str, start: int, end: int, masked: str) -> str:
        lo, hi = max(0, start - self.context_chars), min(len(text), end + self.context_chars)
        before, after = text[lo:start], text[end:hi]
        if lo > 0 and text[lo - 1].isdigit():  # a number cut by the window shows none of its digits
            before = re.sub(r"^[0-9Xx \-]+", "…", before)
        if hi < len(text) and text[hi].isdigit():
            after = re.sub(r"[0-9 \-]+$", "…", after)
        return _WS.sub(" ", mask_digits(before) + "【" + masked + "】" + mask_digits(after)).strip()

    def find_parts(self, parts, *, page: str, attachment: str | None = None, post_id: str | None = None,
                   unit_numbers: set[str] | frozenset[str] = frozenset()) -> list[dict]:
        """Hits in a document given as ``(where, text)`` parts (sheets, rows, pages); the mobile
        threshold counts the whole document."""
        scanned = []
        mobiles: set[str] = set()
        for where, text in parts:
            if not text:
                continue
            found = self._scan(text)
            found = [f for f in found if not (f.kind == "mobile" and f.number in unit_numbers)]
            mobiles.update(f.number for f in found if f.kind == "mobile" and not f.labelled)
            scanned.append((where, text, found))
        hits: list[dict] = []
        seen: set[tuple[str, str]] = set()
        for where, text, found in scanned:
            id_lines = {f.line for f in found if f.kind == "id_card"}
            for f in found:
                if f.kind == "mobile" and f.line not in id_lines and (f.labelled or len(mobiles) < self.min_mobiles):
                    continue
                key = (f.kind, f.number)
                if key in seen:
                    continue
                seen.add(key)
                if len(hits) >= self.max_hits:
                    break
                masked = mask(f.kind, f.number)
                hits.append({"page": page, "attachment": attachment, "where": where, "kind": f.kind,
                             "masked": masked, "context": self._context(text, f.start, f.end, masked),
                             "post_id": post_id})
        return hits

    def find(self, text: str, *, page: str, where: str = "正文", attachment: str | None = None,
             post_id: str | None = None, unit_numbers: set[str] | frozenset[str] = frozenset()) -> list[dict]:
        return self.find_parts([(where, text)], page=page, attachment=attachment, post_id=post_id,
                               unit_numbers=unit_numbers)

    def count(self, text: str) -> int:
        """How many numbers of any kind the text holds (before thresholds): for tests and the bench."""
        return len(self._scan(text))


UNIT_NUMBER_LABELS = re.compile(r"(?:电话|热线|传真|手机|联系方式|Tel|TEL)[:：\s]*$")


def unit_numbers(text: str) -> set[str]:
    """Mobiles the home page gives as the site's own contact numbers (电话/热线 … just before them):
    published on every page, they are the unit's, not a leak."""
    numbers: set[str] = set()
    for m in _MOBILE.finditer(text or ""):
        before = text[max(0, m.start() - 12):m.start()]
        if UNIT_NUMBER_LABELS.search(before):
            numbers.add("".join(m.groups()))
    return numbers


# --- the store's guard ------------------------------------------------------------------------

STORED_CARD_LABELS = ("卡号", "银行卡", "账号", "帐号", "社保卡", "存折")
_GATE = re.compile(r"\d{11}|\d{3}[ \-]\d{4}[ \-]\d{4}")


def mask_numbers(text: str, *, latest_year: int = 2100) -> str:
    """``text`` with every personal-looking number masked: valid ID numbers, mobiles, and Luhn-valid
    card-length numbers (no thresholds or labels here: this guards what is stored, not what warns)."""

    def id_or_keep(match: re.Match) -> str:
        number = match.group(0)
        return mask("id_card", number) if is_valid_id(number, latest_year=latest_year) else number

    text = _ID.sub(id_or_keep, text)

    if text.isdigit():
        return text  # a bare number is an identifier (a post's id), not text a person wrote

    def card_or_keep(match: re.Match) -> str:
        digits = re.sub(r"[ \-]", "", match.group(0))
        labelled = any(label in text[max(0, match.start() - 12):match.start()] for label in STORED_CARD_LABELS)
        if labelled and 16 <= len(digits) <= 19 and luhn_ok(digits):
            return mask("bank_card", digits)
        return match.group(0)

    text = _CARD.sub(card_or_keep, text)
    return _MOBILE.sub(lambda m: mask("mobile", "".join(m.groups())), text)


def scrub(value):
    """A JSON-like value with every string passed through ``mask_numbers`` (URLs left as they are:
    a link must stay followable). What the runner stores goes through this, so no observation,
    warning or notice ever holds a full personal number, whichever checker read it."""
    if isinstance(value, str):
        if not _GATE.search(value) or value.startswith(("http://", "https://")):
            return value
        return mask_numbers(value)
    if isinstance(value, dict):
        return {key: scrub(item) for key, item in value.items()}
    if isinstance(value, list):
        return [scrub(item) for item in value]
    return value
