"""The severe-typo matcher: the shipped dictionary, extra dictionaries, visible text only, and no hit on correct text."""

from __future__ import annotations

from pathlib import Path

import pytest

from mediawatch import config as config_mod
from mediawatch.checkers.typos import TypoMatcher, default_dictionary
from mediawatch.pages.text import visible_text
from mediawatch.errors import ConfigError

DATA = Path(__file__).parent / "data" / "typos"


def matcher(**typos) -> TypoMatcher:
    return TypoMatcher.from_config(config_mod.defaults().with_overrides({"typos": typos} if typos else {}))


def test_correct_formula_text_gives_no_hit():
    text = (DATA / "correct.txt").read_text(encoding="utf-8")
    assert matcher().find(text, page="p") == []


def test_every_shipped_wrong_form_is_found_with_its_right_form():
    m = matcher()
    for entry in default_dictionary():
        hits = m.find(f"据悉，{entry.wrong}。", page="p")
        assert [(h["wrong"], h["right"]) for h in hits] == [(entry.wrong, entry.right)], entry


def test_hit_evidence():
    hits = matcher().find("全面贯彻落实《中华人民共合国政府信息公开条例》，依法公开。中华人民共合国", page="http://x/1.html",
                          post_id="42")
    assert hits == [{"page": "http://x/1.html", "wrong": "中华人民共合国", "right": "中华人民共和国",
                     "context": "全面贯彻落实《中华人民共合国政府信息公开条例》，依法公开。中华人民共", "post_id": "42", "count": 2}]


def test_visible_text_skips_scripts_styles_comments_and_attributes_and_keeps_blocks_apart():
    html = """<html><head><title>标题</title><style>.a{content:"中国共产觉"}</style>
    <script>var s = "中华人民共合国";</script></head><body>
    <!-- 中华人民共合国 --><img alt="中华人民共合国"><a title="中华人民共合国" href="#">链接</a>
    <ul><li>中华人民</li><li>共和国</li></ul><p>正文<b>中华人民共</b>合国</p></body></html>"""
    text = visible_text(html)
    assert "标题" in text and "中华人民\n共和国" in text
    hits = matcher().find(text, page="p")
    assert [h["wrong"] for h in hits] == ["中华人民共合国"] and hits[0]["count"] == 1  # the inline one only


def test_extra_dictionary_and_forbidden_words(tmp_path):
    extra = tmp_path / "office.csv"
    extra.write_text("wrong,right\n某某县,某某区\n禁用词语,\n", encoding="utf-8")
    m = matcher(extra_dictionaries=[str(extra)])
    hits = m.find("某某县召开会议，禁用词语出现。", page="p")
    assert [(h["wrong"], h["right"]) for h in hits] == [("某某县", "某某区"), ("禁用词语", None)]
    assert len(matcher(extra_dictionaries=[str(extra)], use_default_dictionary=False)) == 2


def test_extra_dictionary_path_is_relative_to_the_config_file(tmp_path):
    (tmp_path / "mediawatch.toml").write_text('[typos]\nextra_dictionaries = ["dict/x.csv"]\n', encoding="utf-8")
    (tmp_path / "dict").mkdir()
    (tmp_path / "dict" / "x.csv").write_text("错字词,正字词\n", encoding="utf-8")
    m = TypoMatcher.from_config(config_mod.load(tmp_path))
    assert [h["wrong"] for h in m.find("一个错字词", page="p")] == ["错字词"]


@pytest.mark.parametrize("content,message", [
    ("wrong,right\n好词,好词\n", "bad.csv:2: wrong and right are the same"),
    ("a,b\n,空的\n", "bad.csv:2: wrong: empty"),
    ("甲乙,丙\n主义,社会主义\n", "bad.csv:2: the wrong form '主义' occurs inside its right form"),
    ("甲乙,丙,丁\n", "bad.csv:1: expected two columns"),
    ("共产,共产党x\n", "bad.csv:1: the wrong form '共产' occurs inside its right form"),
    ("中华人民,某\n", "occurs inside the correct form '中华人民共和国'"),
])
def test_a_bad_dictionary_is_an_error_naming_file_and_line(tmp_path, content, message):
    bad = tmp_path / "bad.csv"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        matcher(extra_dictionaries=[str(bad)])
    assert message in str(error.value)


def test_a_dictionary_that_is_not_utf8_or_missing(tmp_path):
    bad = tmp_path / "gbk.csv"
    bad.write_bytes("wrong,right\n错字,正字\n".encode("gbk"))
    with pytest.raises(ConfigError, match=r"gbk.csv:2: not UTF-8"):
        matcher(extra_dictionaries=[str(bad)])
    with pytest.raises(ConfigError, match="not found"):
        matcher(extra_dictionaries=[str(tmp_path / "missing.csv")])
