"""泄露个人隐私: ID numbers (GB 11643), mobiles, bank cards in text and in attachments; evidence masked."""

from __future__ import annotations

import io
import re

import pytest

from mediawatch import config as config_module
from mediawatch.checkers.attachments import Limits, read_attachment
from mediawatch.checkers.privacy import PrivacyFinder, is_valid_id, luhn_ok, mask_digits, unit_numbers

# the two worked examples printed in GB 11643-1999 itself
ID_A = "11010519491231002X"
ID_B = "440524188001010014"
CARD = "4111111111111111"  # the card networks' published Luhn-valid test number
MOBILES = ["13912345678", "15800001111", "18655556666"]


@pytest.fixture
def finder():
    return PrivacyFinder.from_config(config_module.defaults())


def full_numbers_in(value) -> list[str]:
    text = repr(value)
    return [n for n in [ID_A, ID_B, CARD, *MOBILES] if n in text or n.lower() in text]


def test_the_standards_examples_pass_the_check_digit_and_a_changed_digit_fails():
    assert is_valid_id(ID_A) and is_valid_id(ID_B)
    assert not is_valid_id(ID_A[:17] + "1")
    assert not is_valid_id("110105194913310021")  # month 13
    assert luhn_ok(CARD) and not luhn_ok(CARD[:-1] + "2")


def test_an_unmasked_id_number_is_a_hit_with_masked_evidence(finder):
    hits = finder.find(f"低保公示：张三，身份证号：{ID_A}，住址某村。", page="http://x/1.html")
    assert [h["kind"] for h in hits] == ["id_card"]
    assert hits[0]["masked"] == "110105********002X"
    assert "110105********002X" in hits[0]["context"]
    assert full_numbers_in(hits) == []


def test_masked_forms_are_never_hits(finder):
    text = ("身份证号：110105********002X 手机：139****5678 另一人 110105194912****2X，"
            "联系电话 139 **** 5678，卡号 4111********1111")
    assert finder.find(text, page="p") == []


def test_an_18_digit_number_failing_the_check_digit_is_not_a_hit(finder):
    assert finder.find(f"身份证号：{ID_A[:17]}5", page="p") == []


def test_a_unified_social_credit_code_is_not_a_person(finder):
    assert finder.find(f"统一社会信用代码：{ID_B}", page="p") == []
    assert len(finder.find(f"负责人身份证：{ID_B}", page="p")) == 1


def test_one_contact_mobile_is_normal_a_list_of_mobiles_is_a_leak(finder):
    assert finder.find(f"联系人：王科长，联系电话：{MOBILES[0]}", page="p") == []
    listing = "\n".join(f"{name} {m}" for name, m in zip("甲乙丙", MOBILES))
    hits = finder.find(listing, page="p")
    assert sorted(h["masked"] for h in hits) == sorted(m[:3] + "****" + m[-4:] for m in MOBILES)
    assert full_numbers_in(hits) == []


def test_a_mobile_on_the_same_line_as_an_id_number_is_a_hit(finder):
    hits = finder.find(f"李四 {ID_A} {MOBILES[1]}", page="p")
    assert sorted(h["kind"] for h in hits) == ["id_card", "mobile"]


def test_allowed_and_unit_numbers_never_count(finder):
    home = f"版权所有 XX区民政局 值班电话：{MOBILES[0]}"
    own = unit_numbers(home)
    assert own == {MOBILES[0]}
    text = "\n".join(f"人{i} {m}" for i, m in enumerate(MOBILES))
    hits = finder.find(text, page="p", unit_numbers=own)
    assert hits == []  # two left: under the threshold of three


def test_bank_cards_need_a_card_label_and_a_unit_account_is_not_a_person(finder):
    assert finder.find(f"订单 {CARD}", page="p") == []
    hits = finder.find(f"补贴发放：王五 银行卡号：{CARD}", page="p")
    assert [h["kind"] for h in hits] == ["bank_card"] and hits[0]["masked"] == "4111********1111"
    assert finder.find(f"对公账号：{CARD}", page="p") == []


def test_mask_digits_hides_every_long_number():
    assert mask_digits(f"a {ID_A} b 13912345678 c 2026") == "a 110***********002X b 139****5678 c 2026"


# --- attachments ---------------------------------------------------------------------------

def xlsx_with_leak_on_second_sheet() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    first = book.active
    first.title = "说明"
    first.append(["本表为2026年度补贴发放名单"])
    second = book.create_sheet("名单")
    second.append(["序号", "姓名", "身份证号码", "联系电话"])
    second.append([1, "张三", ID_A, 13912345678])
    second.append([2, "李四", ID_B, "15800001111"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_with_a_leak_on_its_second_sheet(finder):
    parts, note = read_attachment(xlsx_with_leak_on_second_sheet(), "http://x/files/mingdan.xlsx")
    assert note is None
    hits = finder.find_parts(parts, page="http://x/a.html", attachment="http://x/files/mingdan.xlsx")
    kinds = sorted(h["kind"] for h in hits)
    assert kinds == ["id_card", "id_card", "mobile", "mobile"]
    assert {h["where"] for h in hits} == {"工作表“名单” 第2行", "工作表“名单” 第3行"}
    assert full_numbers_in(hits) == []


def test_a_docx_table_is_read():
    import docx

    document = docx.Document()
    document.add_paragraph("关于发放补贴的公示")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "姓名", "身份证号"
    table.cell(1, 0).text, table.cell(1, 1).text = "王五", ID_B
    buffer = io.BytesIO()
    document.save(buffer)
    parts, note = read_attachment(buffer.getvalue(), "http://x/gs.docx")
    finder = PrivacyFinder.from_config(config_module.defaults())
    hits = finder.find_parts(parts, page="p")
    assert [(h["kind"], h["where"]) for h in hits] == [("id_card", "表格1 第2行")]


def tiny_pdf(text: str) -> bytes:
    """A one-page PDF showing ``text`` (ASCII) in Helvetica, with a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def test_a_pdf_page_is_read():
    parts, note = read_attachment(tiny_pdf(f"ID {ID_A}"), "http://x/list.pdf")
    assert note is None and parts and parts[0][0] == "第1页"
    hits = PrivacyFinder.from_config(config_module.defaults()).find_parts(parts, page="p")
    assert [h["masked"] for h in hits] == ["110105********002X"]


def test_old_binary_word_files_and_broken_files_are_notes_not_crashes():
    parts, note = read_attachment(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "http://x/a.doc")
    assert parts == [] and "未检查" in note
    parts, note = read_attachment(b"PK\x03\x04 not really a zip", "http://x/a.xlsx")
    assert parts == [] and "无法读取" in note


def test_the_cell_budget_stops_a_big_sheet_with_a_note():
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for i in range(2000):
        sheet.append([i, f"name{i}", "x"])
    buffer = io.BytesIO()
    book.save(buffer)
    parts, note = read_attachment(buffer.getvalue(), "http://x/big.xlsx", Limits(max_cells=300))
    assert note and "300" in note
    assert 90 <= len(parts) <= 101
    assert re.match(r"工作表“Sheet” 第\d+行", parts[-1][0])


def test_a_number_cut_by_the_context_window_shows_none_of_its_digits(finder):
    text = "\n".join(f"居民{i} 身份证号码：{n} 联系电话：{m}" for i, (n, m) in enumerate(zip([ID_A, ID_B], MOBILES)))
    hits = finder.find(text, page="p")
    assert len(hits) == 4  # two ID numbers and the mobiles on their lines
    for hit in hits:
        digits_runs = re.findall(r"\d{4,}", hit["context"].replace(hit["masked"], ""))
        assert digits_runs == [], hit["context"]


def test_what_is_stored_is_scrubbed_but_links_stay_followable():
    from mediawatch.checkers.privacy import scrub

    data = {"posts": [{"title": f"寻找失主 {ID_A} 电话{MOBILES[0]}", "url": f"http://x/{MOBILES[0]}.html"}],
            "count": 3, "text": "2026-11-20 第20261120号"}
    cleaned = scrub(data)
    assert cleaned["posts"][0]["title"] == "寻找失主 110105********002X 电话139****5678"
    assert cleaned["posts"][0]["url"] == data["posts"][0]["url"]
    assert cleaned["count"] == 3 and cleaned["text"] == data["text"]


def test_scrub_leaves_bare_identifiers_alone():
    from mediawatch.checkers.privacy import scrub

    assert scrub({"id": "5000000100000001", "uid": "13912345678"}) == {"id": "5000000100000001", "uid": "13912345678"}
    assert scrub(f"银行卡号：{CARD}") == "银行卡号：4111********1111"
    assert scrub(f"订单 {CARD}") == f"订单 {CARD}"


def test_labelled_contact_numbers_are_not_a_list_of_people(finder):
    contacts = "\n".join(f"{unit}联系人：某某，联系电话：{m}" for unit, m in zip(("办公室", "财务科", "人事科"), MOBILES))
    assert finder.find(contacts, page="p") == []
    people = "<table>" + "".join(f"居民{i} {m} 某村" for i, m in enumerate(MOBILES)) + "</table>"
    assert len(finder.find(people, page="p")) == 3


def bomb_xlsx(shared_strings_mb: int) -> bytes:
    """A valid-looking xlsx whose shared strings unpack to ``shared_strings_mb`` MB (under 1 MB zipped)."""
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                   '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                   '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                   '</Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                   'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                   '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                   '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>')
        with z.open("xl/sharedStrings.xml", "w") as f:
            f.write(b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            chunk = b"<si><t>x</t></si>" * 60_000
            for _ in range(shared_strings_mb * 1_000_000 // len(chunk)):
                f.write(chunk)
            f.write(b"</sst>")
    return buffer.getvalue()


def test_a_file_that_unpacks_to_hundreds_of_megabytes_is_cut_off_in_time_and_memory():
    import time

    from mediawatch.checkers.isolate import read_bounded

    content = bomb_xlsx(300)
    assert len(content) < 2_000_000
    started = time.monotonic()
    parts, note = read_bounded(content, "http://x/bomb.xlsx", Limits(seconds=3), memory_mb=256)
    elapsed = time.monotonic() - started
    assert parts == [] and note and "未检查" in note, note
    # the budget, the grace and a process start: read in-process, the same file parses for minutes
    assert elapsed < 3 + 5, elapsed
    # an ordinary file goes through the child process unchanged
    parts, note = read_bounded(xlsx_with_leak_on_second_sheet(), "http://x/ok.xlsx", Limits(), memory_mb=256)
    assert note is None and any(ID_A in text for _, text in parts)


def test_only_files_that_could_take_long_go_to_a_child_process():
    from mediawatch.checkers.isolate import declared_unpacked, read_file

    settings = config_module.defaults().privacy
    small = xlsx_with_leak_on_second_sheet()
    assert declared_unpacked(small) < 100_000 and declared_unpacked(b"%PDF-1.4") is None
    assert declared_unpacked(bomb_xlsx(30)) > 25_000_000
    parts, note = read_file(small, "http://x/ok.xlsx", Limits(), settings)
    assert note is None and any(ID_A in text for _, text in parts)
    parts, note = read_file(bomb_xlsx(300), "http://x/bomb.xlsx", Limits(seconds=2), settings)
    assert parts == [] and "未检查" in note
