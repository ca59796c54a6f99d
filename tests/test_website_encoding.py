"""Decoding government pages: header, then meta, then detection; GBK decoded as GB18030."""

from __future__ import annotations

import pytest

from mediawatch.pages.encoding import decode_page, sniff_encoding

TEXT = "<html><head>{meta}<title>通知公告</title></head><body>中华人民共和国 瓯海区人民政府 2026年11月20日 𠮷</body></html>"


@pytest.mark.parametrize("encoding,content_type,meta,expected", [
    ("gb18030", "text/html; charset=gbk", "", "gb18030"),
    ("gb18030", "text/html", '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', "gb18030"),
    ("gb18030", "text/html; charset=utf-8", "", "gb18030"),  # declared UTF-8, bytes GBK
    ("gb18030", "text/html; charset=ISO-8859-1", "", "gb18030"),  # a server's Latin-1 default
    ("gb18030", None, "", "gb18030"),  # nothing declared
    ("utf-8", "text/html", '<meta charset="gb2312">', "utf-8"),  # an old template's meta on a UTF-8 page
    ("utf-8", None, "", "utf-8"),
    ("utf-8-sig", "text/html; charset=gbk", "", "utf-8-sig"),  # BOM wins
])
def test_encodings(encoding, content_type, meta, expected):
    text = TEXT.format(meta=meta)
    content = text.encode(encoding)
    decoded = decode_page(content, content_type)
    assert decoded.encoding == expected and decoded.text.lstrip("\ufeff") == text and decoded.clean


def test_a_body_cut_inside_a_character_still_decodes_as_what_it_is():
    text = TEXT.format(meta="") * 3
    for encoding, expected in (("utf-8", "utf-8"), ("gb18030", "gb18030")):
        content = text.encode(encoding)
        for cut in range(1, 5):
            assert sniff_encoding(content[:-cut] if not content[:-cut].endswith(b">") else content, None) == expected


def test_xml_declaration_and_ascii_pages():
    assert sniff_encoding(b'<?xml version="1.0" encoding="GBK"?><rss>' + "标题".encode("gbk") + b"</rss>") == "gb18030"
    assert sniff_encoding(b"<html>plain</html>", "text/html; charset=gb2312") == "gb18030"


def test_replacement_characters_are_counted():
    decoded = decode_page(b"\xff\xfe\xff" * 50 + b"<html>x</html>", "text/html; charset=utf-8")
    assert decoded.text  # never raises
    original = decode_page("页面里本来就有\ufffd字符".encode("utf-8"))
    assert original.replaced == 0 and original.clean
