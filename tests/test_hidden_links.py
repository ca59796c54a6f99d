"""暗链 and 非法外链: each trick, positive and negative, on parsed pages."""

from __future__ import annotations

import pytest

from mediawatch import config as config_module
from mediawatch.checkers.hidden_links import IllegalSiteMatcher, read_dictionary, scan_page
from mediawatch.pages.html import parse_html
from mediawatch.errors import ConfigError

SITE = "http://www.xxq.example.gov.cn/"
HOSTS = {"www.xxq.example.gov.cn"}


def scan(body: str, config=None):
    config = config or config_module.defaults()
    html = f"<html><head><style>.seo{{position:absolute;left:-9999px}} .menu{{display:none}}</style></head>" \
           f"<body>{body}</body></html>"
    return scan_page(parse_html(html), SITE, HOSTS, config, IllegalSiteMatcher.from_config(config))


@pytest.mark.parametrize("body, trick", [
    ('<div style="display:block;font-size:0px"><a href="http://spam.example.com/">x</a></div>', "font_size_zero"),
    ('<div class="seo"><a href="http://spam.example.com/">x</a></div>', "off_screen"),
    ('<p style="text-indent:-9999px"><a href="http://spam.example.com/">x</a></p>', "off_screen"),
    ('<div style="width:0;height:0;overflow:hidden"><a href="http://spam.example.com/">x</a></div>', "zero_size"),
    ('<marquee height="1" width="1"><a href="http://spam.example.com/">x</a></marquee>', "marquee"),
    ('<span style="opacity:0"><a href="http://spam.example.com/">x</a></span>', "transparent"),
    ('<iframe src="http://spam.example.com/" width="0" height="0"></iframe>', "tiny_frame"),
])
def test_hidden_off_site_anchors_are_hits(body, trick):
    found = scan(body)
    assert [(h["why"], h["trick"], h["host"]) for h in found["hits"]] == [("hidden", trick, "spam.example.com")]


def test_a_hidden_anchor_to_a_gov_cn_site_is_not_a_hit():
    found = scan('<div style="font-size:0"><a href="http://www.zj.gov.cn/">浙江省人民政府</a></div>')
    assert found == {"hits": [], "review": []}


def test_a_visible_link_to_a_lawful_external_site_is_not_a_hit_but_is_listed_for_review():
    found = scan('<a href="http://www.people.com.cn/">人民网</a>')
    assert found["hits"] == []
    assert [r["host"] for r in found["review"]] == ["www.people.com.cn"]


def test_a_display_none_menu_of_off_site_links_is_review_only():
    found = scan('<ul class="menu"><li><a href="http://www.xinhuanet.com/">新华网</a></li></ul>')
    assert found["hits"] == [] and found["review"][0]["hidden"] == "display_none"


def test_dictionary_words_in_text_or_address_are_hits_visible_or_not():
    found = scan('<a href="http://a.example.net/">澳门百家乐真人娱乐</a>'
                 '<div class="menu"><a href="http://casino-888.example.org/x">点这里</a></div>')
    assert [(h["host"], h["why"], h["trick"]) for h in found["hits"]] == [
        ("a.example.net", "dictionary", None), ("casino-888.example.org", "dictionary", "display_none")]
    assert "百家乐（赌博）" in found["hits"][0]["words"]


def test_the_sites_own_links_and_typical_text_are_never_hits():
    found = scan('<div style="font-size:0"><a href="/zwgk/">政务公开</a></div><p>严厉打击赌博违法犯罪</p>')
    assert found == {"hits": [], "review": []}


def test_the_dictionary_is_extendable_and_bad_rows_name_file_and_line(tmp_path):
    extra = tmp_path / "words.csv"
    extra.write_text("word,kind\n特码资料,gambling\n", encoding="utf-8")
    home = tmp_path / "mediawatch.toml"
    home.write_text(f'[hidden_links]\nextra_dictionaries = ["{extra.name}"]\n', encoding="utf-8")
    config = config_module.load(tmp_path)
    found = scan('<a href="http://b.example.net/">特码资料大全</a>', config)
    assert [h["why"] for h in found["hits"]] == ["dictionary"]
    with pytest.raises(ConfigError, match=r"bad.csv:2: kind"):
        read_dictionary("word,kind\n某词,weapons\n", "bad.csv")
