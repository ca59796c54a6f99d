"""The text of attachments (xls/xlsx/et, doc/docx/wps, pdf), read by well-kept libraries, bounded.

    parts, note = read_attachment(content, url, limits)
    # parts: [(where, text), ...]  e.g. ("工作表“名单” 第3行", "姓名：张三 身份证号：…")
    # note:  None, or why the file was read only in part or not at all (Chinese, for the evidence)

Libraries: openpyxl (xlsx, and .et saved as OOXML), xlrd (xls, and .et in the old binary format),
python-docx (docx, and .wps saved as OOXML), pypdf (pdf). Old binary Word files (.doc, binary .wps)
have no well-kept pure-Python reader: they are skipped with a note, never parsed by hand.

Bounds (``[privacy]``): the caller fetches at most ``max_attachment_bytes`` (a larger file is
skipped with a note, never read half); here ``max_cells`` cells, ``max_pdf_pages`` pages and a
wall-clock budget of ``attachment_seconds`` per file, checked between rows and pages: a file that
runs over is read in part, and the note says so. Spreadsheet cells carry their column's header
(first row) so that "卡号 6222…" keeps its label.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from mediawatch import clock
from mediawatch.transport.urlcache import url_cache

log = logging.getLogger(__name__)

SHEETS = ("xlsx", "xlsm", "xls", "et")
WORDS = ("docx", "doc", "wps")
PDFS = ("pdf",)
READ_EXTENSIONS = frozenset(SHEETS + WORDS + PDFS)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Limits:
    max_cells: int = 200_000
    max_pdf_pages: int = 200
    seconds: float = 10.0

    @classmethod
    def from_config(cls, config) -> "Limits":
        p = config.privacy
        return cls(int(p.max_cells), int(p.max_pdf_pages), float(p.attachment_seconds))


class _Budget:
    def __init__(self, limits: Limits):
        self.limits = limits
        self.deadline = clock.monotonic() + limits.seconds
        self.cells = 0
        self.note: str | None = None

    def spend(self, cells: int = 0) -> bool:
        """False once the file has used up its cells or its time (the note says which)."""
        self.cells += cells
        if self.cells > self.limits.max_cells:
            self.note = self.note or f"只读取了前{self.limits.max_cells}个单元格"
            return False
        if clock.monotonic() > self.deadline:
            self.note = self.note or f"读取超过{self.limits.seconds:g}秒，只检查了已读取部分"
            return False
        return True


@url_cache  # asked for every anchor of every crawled page
def extension(url: str) -> str:
    name = unquote(urlsplit(url).path).rsplit("/", 1)[-1].lower()
    return name.rsplit(".", 1)[-1] if "." in name else ""


def is_readable(url: str) -> bool:
    return extension(url) in READ_EXTENSIONS


def read_attachment(content: bytes, url: str, limits: Limits = Limits()) -> tuple[list[tuple[str, str]], str | None]:
    """The text parts of one file and a note (None when read whole). Never raises."""
    ext = extension(url)
    budget = _Budget(limits)
    is_zip = content[:4] == b"PK\x03\x04"
    is_ole = content[:8] == OLE_MAGIC
    try:
        if ext in SHEETS:
            if is_zip:
                parts = _xlsx(content, budget)
            elif is_ole:
                parts = _xls(content, budget)
            else:
                return [], "不是可识别的表格文件"
        elif ext in WORDS:
            if not is_zip:
                return [], "旧版Word/WPS二进制格式，没有可靠的读取库，未检查"
            parts = _docx(content, budget)
        elif ext in PDFS:
            parts = _pdf(content, budget)
        else:
            return [], f"不读取.{ext}文件"
    except Exception as exc:  # noqa: BLE001 - a broken file is a note, never a crash
        log.info("attachment %s could not be read: %s", url, exc.__class__.__name__)
        return [], f"文件无法读取（{exc.__class__.__name__}）"
    return parts, budget.note


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e20:
        return str(int(value))  # a number typed into Excel: 13812345678.0 -> 13812345678
    return str(value).strip()


def _rows_to_parts(label: str, rows, budget: _Budget) -> list[tuple[str, str]]:
    parts: list[tuple[str, str]] = []
    header: list[str] | None = None
    for index, row in enumerate(rows, start=1):
        if not budget.spend(len(row)):
            break
        cells = [_cell_text(v) for v in row]
        if not any(cells):
            continue
        if header is None:
            header = cells
            parts.append((f"{label} 第{index}行", "  ".join(c for c in cells if c)))
            continue
        labelled = [f"{header[i]}：{c}" if i < len(header) and header[i] else c for i, c in enumerate(cells) if c]
        parts.append((f"{label} 第{index}行", "  ".join(labelled)))
    return parts


def _xlsx(content: bytes, budget: _Budget) -> list[tuple[str, str]]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        parts: list[tuple[str, str]] = []
        for sheet in book.worksheets:
            parts.extend(_rows_to_parts(f"工作表“{sheet.title}”", sheet.iter_rows(values_only=True), budget))
            if budget.note:
                break
        return parts
    finally:
        book.close()


def _xls(content: bytes, budget: _Budget) -> list[tuple[str, str]]:
    import xlrd

    book = xlrd.open_workbook(file_contents=content, on_demand=True)
    try:
        parts: list[tuple[str, str]] = []
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            rows = (sheet.row_values(r) for r in range(sheet.nrows))
            parts.extend(_rows_to_parts(f"工作表“{sheet.name}”", rows, budget))
            book.unload_sheet(index)
            if budget.note:
                break
        return parts
    finally:
        book.release_resources()


def _docx(content: bytes, budget: _Budget) -> list[tuple[str, str]]:
    import docx

    document = docx.Document(io.BytesIO(content))
    parts: list[tuple[str, str]] = []
    lines = []
    for paragraph in document.paragraphs:
        if not budget.spend(1):
            break
        if paragraph.text.strip():
            lines.append(paragraph.text.strip())
    if lines:
        parts.append(("正文", "\n".join(lines)))
    for t_index, table in enumerate(document.tables, start=1):
        if budget.note:
            break
        rows = ([cell.text for cell in row.cells] for row in table.rows)
        parts.extend(_rows_to_parts(f"表格{t_index}", rows, budget))
    return parts


def _pdf(content: bytes, budget: _Budget) -> list[tuple[str, str]]:
    import pypdf

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # a damaged file is our note, not a log line per page
    reader = pypdf.PdfReader(io.BytesIO(content))
    parts: list[tuple[str, str]] = []
    for number, page in enumerate(reader.pages, start=1):
        if number > budget.limits.max_pdf_pages:
            budget.note = budget.note or f"只读取了前{budget.limits.max_pdf_pages}页"
            break
        if not budget.spend(0):
            break
        text = page.extract_text() or ""
        if text.strip():
            parts.append((f"第{number}页", text))
    return parts
