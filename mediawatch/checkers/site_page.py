"""What a website's home page shows of the requirements of 国办发〔2017〕47号 (《政府网站发展指引》):
the footer identity block, mobile adaptation, a search function and 适老化/无障碍 basics.

Pure functions of the parsed page (lxml), no network:

``identity(tree)``       site_code (网站标识码), icp (ICP备案号, e.g. 浙ICP备05012345号-1), police_record
                         (公安机关备案号, e.g. 浙公网安备 33010202000123号), dzjg_mark (the 党政机关网站 标识: a link,
                         image or script from conac.cn), sponsor (主办单位 as written), jiucuo (the
                         我为政府网站找错 entry: its link/script or its words)
``sponsor_matches``      the sponsor against the registry's owner unit (one contains the other, after
                         folding full-width forms and white space): True, False, or None without a sponsor
``mobile(tree)``         viewport: a <meta name="viewport"> with a width
``search(tree)``         a search form or box
``accessibility(tree)``  lang on <html>; alt on images; labels on form fields; an 无障碍/长者 entry; a score
                         of 25 for each, 0-100
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from mediawatch.pages.html import parse_html

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼港澳台"
SITE_CODE = re.compile(r"网站(?:标识码|识别码|识别号)\s*[:：]?\s*([A-Za-z]{2}\d{8}|\d{10})(?!\d)")
ICP = re.compile(rf"([{PROVINCES}])\s*ICP\s*备\s*(\d{{6,12}})\s*号?(?:\s*[-－—]\s*(\d{{1,3}}))?", re.I)
POLICE = re.compile(rf"([{PROVINCES}])\s*公网安备\s*[:：]?\s*(\d{{10,16}})\s*号?")
SPONSOR = re.compile(r"主\s*办(?:\s*单\s*位)?\s*[:：]\s*([\u4e00-\u9fffA-Za-z0-9（）()·]+)")
SPONSOR_TAIL = re.compile(r"(承办|协办|运维|技术支持|联系|地址|电话|网站标识码|备案|版权|主管).*$")
JIUCUO_WORDS = ("我为政府网站找错", "政府网站找错")
A11Y_WORDS = ("无障碍", "长者", "适老", "关怀版", "老年人模式", "读屏", "长辈版")
SEARCH_NAMES = {"q", "query", "keyword", "keywords", "searchword", "wd", "kw", "key", "search", "searchkey",
                "sword", "word", "qt"}
LABELLED_INPUTS = {"", "text", "search", "email", "tel", "password", "number", "url"}


def fold(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def _text(tree) -> str:
    root = parse_html(tree)
    for bad in root.xpath("//script|//style|//noscript"):
        bad.text = None
    return unicodedata.normalize("NFKC", root.text_content())


def _urls(root) -> list[str]:
    return [v for v in root.xpath("//@href|//@src|//@action|//@data-src") if isinstance(v, str)]


def identity(tree) -> dict[str, Any]:
    root = parse_html(tree)
    text = _text(root)
    flat = " ".join(text.split())
    urls = " ".join(_urls(root)).lower()
    scripts = " ".join(s.text or "" for s in root.xpath("//script")).lower()
    found: dict[str, Any] = {"site_code": None, "icp": None, "police_record": None, "dzjg_mark": False,
                             "sponsor": None, "jiucuo": False}
    match = SITE_CODE.search(flat)
    if match:
        found["site_code"] = match.group(1).upper()
    else:  # the 找错 (jiucuo) script names the site code in an attribute when the footer does not show it
        codes = root.xpath("//script/@sitecode")
        if codes and str(codes[0]).strip():
            found["site_code"] = str(codes[0]).strip().upper()
    match = ICP.search(flat)
    if match:
        found["icp"] = f"{match.group(1)}ICP备{match.group(2)}号" + (f"-{match.group(3)}" if match.group(3) else "")
    match = POLICE.search(flat)
    if match:
        found["police_record"] = f"{match.group(1)}公网安备{match.group(2)}号"
    found["dzjg_mark"] = "conac.cn" in urls or "conac.cn" in scripts or "dzjg" in urls
    match = SPONSOR.search(flat)
    if match:
        sponsor = SPONSOR_TAIL.sub("", match.group(1)).strip("（(·")
        found["sponsor"] = sponsor or None
    found["jiucuo"] = (any(word in flat for word in JIUCUO_WORDS) or "jiucuo" in urls or "jiucuo" in scripts
                       or "pucha.kaipuyun.cn" in urls or "pucha.kaipuyun.cn" in scripts)
    return found


REGION = re.compile(r"^.*?[省市区县旗]")


def _unit_core(text: str) -> str:
    """A unit's name without its region (XX区人民政府办公室 -> 政府办公室, 区民政局 -> 民政局)."""
    name = fold(text).replace("人民政府", "政府")
    core = REGION.sub("", name, count=1)
    return core or name


def sponsor_matches(sponsor: str | None, owner_unit: str) -> bool | None:
    """The footer's 主办单位 against the registry's owner unit: one contains the other, as written or without
    the region (registries write 区民政局 where the footer says XX区民政局)."""
    if not sponsor:
        return None
    a, b = fold(sponsor), fold(owner_unit)
    if a and b and (a in b or b in a):
        return True
    a, b = _unit_core(sponsor), _unit_core(owner_unit)
    return bool(a and b and (a in b or b in a))


def mobile(tree) -> dict[str, Any]:
    root = parse_html(tree)
    contents = [m.get("content") or "" for m in root.xpath("//meta")
                if (m.get("name") or "").strip().lower() == "viewport"]
    return {"viewport": any("width" in c.lower() for c in contents), "viewport_content": contents[0] if contents else None}


def search(tree) -> dict[str, Any]:
    root = parse_html(tree)
    for element in root.xpath("//input|//form"):
        kind = (element.get("type") or "").lower()
        name = (element.get("name") or element.get("id") or "").lower()
        action = (element.get("action") or "").lower()
        hint = (element.get("placeholder") or "") + (element.get("value") or "") + (element.get("title") or "")
        if (element.tag == "input" and (kind == "search" or name in SEARCH_NAMES or "搜索" in hint or "检索" in hint)) \
                or (element.tag == "form" and ("search" in action or "jsearch" in action or "so" == action.strip("/"))):
            return {"found": True, "how": f"<{element.tag}> {kind or name or action}".strip()}
    for element in root.xpath("//button|//a"):
        words = (element.text_content() or "").strip()
        if words in ("搜索", "检索", "站内搜索", "全文检索"):
            return {"found": True, "how": f"<{element.tag}> {words}"}
    return {"found": False, "how": None}


def accessibility(tree) -> dict[str, Any]:
    root = parse_html(tree)
    html = root if root.tag == "html" else (root.xpath("//html") or [root])[0]
    lang = (html.get("lang") or html.get("xml:lang") or "").strip()
    images = root.xpath("//img")
    with_alt = [i for i in images if i.get("alt") is not None]
    fields = [f for f in root.xpath("//input|//textarea|//select")
              if f.tag != "input" or (f.get("type") or "").lower() in LABELLED_INPUTS]
    label_for = {lbl.get("for") for lbl in root.xpath("//label") if lbl.get("for")}
    labelled = [f for f in fields if f.get("aria-label") or f.get("aria-labelledby") or f.get("title")
                or (f.get("id") and f.get("id") in label_for) or f.xpath("ancestor::label")]
    text = _text(root)
    urls = " ".join(_urls(root)).lower()
    entry = any(word in text for word in A11Y_WORDS) or "wza" in urls or "cniil" in urls
    checks = {"lang": bool(lang), "alt": not images or len(with_alt) / len(images) >= 0.9,
              "labels": not fields or len(labelled) / len(fields) >= 0.9, "entry": entry}
    return {"lang": lang or None, "images": len(images), "images_with_alt": len(with_alt), "fields": len(fields),
            "labelled_fields": len(labelled), "entry": entry, "passed": [k for k, v in checks.items() if v],
            "score": 25 * sum(checks.values())}
