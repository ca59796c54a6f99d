"""Pages that are only a way in, anti-bot challenges, and lists written by script: pure functions, no HTTP.

A home page with no dated entry may be only a way in to the real one (``find_way_in``):

- ``meta_refresh``: ``<meta http-equiv="refresh" content="0;url=…">``;
- ``script_redirect``: ``location.href = …``, ``window.top.location = …``, ``location.replace(…)``,
  also built from string pieces (``"http://" + location.host + "/index.html"``), from variables set
  to strings, by browser type (the desktop target first), or inside an HTML comment in ``<script>``;
- ``frameset`` and ``iframe_shell``: the frames' pages (a frame named main/content first);
- ``moved_page``: a server's "Object Moved / Document Moved" body answering 200, one link on;
- ``entry_page``: an 引导页 of a few image links (image-map areas too) or text links (进入首页,
  门户网站>> …) or a Flash entry; a portal of portals (a page of links to a few sites) is read the
  same way. Short footer words (联系方法, 网站地图) and empty links do not make it a list page;
- a way in that cannot be followed safely is still named, without a target, so the verdict is
  unknown with the reason: a form the page submits by script on load with POST (``form_submit``;
  with GET its address is followed), a redirect whose target the script computes at run time
  (a table looked up by host and path: ``script_redirect``).

Targets outside the site's registered domain (``registered_domain``) are never followed.

``challenge`` names the anti-bot interstitial a page is (WZWS, 安全狗, 云锁/云防御, 加速乐, 瑞数 …,
a web firewall's refusal notice, a short page titled with an HTTP error such as "404 Sec-Notice"):
such a page answers 200 but is not the site. ``script_sources`` finds where a list written by
script takes its entries from (a document.write in the page, a JS or JSON URL of the same site).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from mediawatch.pages.urls import resolve

CHALLENGE_MARKERS = (
    ("wzwschallenge", "WZWS（网宿）防护验证页"), ("wzws_cid", "WZWS（网宿）防护验证页"),
    ("请开启javascript并刷新该页", "WZWS（网宿）防护验证页"),
    ("safedog", "安全狗防护验证页"), ("安全狗", "安全狗防护验证页"),
    ("yunsuo_session_verify", "云锁防护验证页"), ("云防御", "云防御验证页"), ("yundun", "云盾防护验证页"),
    ("__jsl_clearance", "加速乐防护验证页"), ("jiasule", "加速乐防护验证页"),
    ("$_ts=window['$_ts']", "瑞数防护验证页"), ("$_ts=window[\"$_ts\"]", "瑞数防护验证页"),
    ("_waf_", "WAF 防护验证页"), ("知道创宇", "创宇盾防护验证页"), ("cdn-cgi/challenge-platform", "Cloudflare 验证页"),
    ("访问验证", "访问验证页"), ("人机验证", "人机验证页"), ("滑动验证", "滑动验证页"),
    ("sec-notice", "防火墙拦截页"), ("被服务器拒绝", "防火墙拦截页"), ("存在潜在的安全威胁", "防火墙拦截页"),
    ("访问被拒绝", "访问拒绝页"), ("访问被拦截", "防火墙拦截页"), ("access denied", "访问拒绝页"),
)
# a page answering 200 whose title is an HTTP error ("404 Not Found", "403 Forbidden", "404 Sec-Notice")
# (a server's words after the code, not a Chinese title that happens to start with a number)
_ERROR_TITLE = re.compile(r"^\s*(?:40[0-9]|41[0-9]|50[0-9])(?:[\s\-:.]+[A-Za-z][A-Za-z\s\-:.!]*)?\s*$")
CHALLENGE_MAX_TEXT = 400  # a challenge page shows a line or two; a real page with such a word shows much more
CHALLENGE_MAX_LINKS = 3
COOKIE_PAGE_MAX_TEXT = 60  # a cookie-and-reload page shows at most a line ("请稍候…")
SHELL_MAX_TEXT = 200  # an iframe shell shows (almost) nothing of its own
ENTRY_MAX_TEXT = 400  # an 引导页 shows a few words besides its links
ENTRY_MAX_LINKS = 8  # … and this many links that show something (a picture, a title, an entry word)
ENTRY_MAX_ALL_LINKS = 24  # … among at most this many links in all (short footer links: 联系方法, 网站地图)
ENTRY_TITLE = 5  # a link text this long shows something (shorter ones are menu and footer words)
MAX_TARGETS = 4  # way-in targets tried per page
MAIN_FRAME_NAMES = ("main", "content", "mainframe", "body", "right", "index")
ENTRY_WORDS = ("进入", "首页", "主页", "门户", "政府网", "中文", "index", "main", "home", "enter", "default")
MOBILE_HINTS = ("://m.", "/m/", "wap", "mobile", "/h5", "phone", "/sj/", "sjb", "shouji")
SCRIPT_LIBRARIES = ("jquery", "bootstrap", "swiper", "layer", "vue", "react", "echarts", "counter", "common",
                    "baidu", "hm.js", "gray", "jiathis", "wza", "aria", "slide", "lazyload", "zepto", "html5", "respond")
SCRIPT_BUILDS = ("document.write", "innerhtml", "$.ajax", "$.get", "$.post", "getjson", "fetch(", "xmlhttprequest",
                 "axios", ".load(", "v-for", "template(", "laytpl")

_STRING = r"""(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')"""
_TERM = rf"""(?:{_STRING}|[A-Za-z_$][\w$.]*(?:\(\))?)"""
_EXPR = rf"""{_TERM}(?:\s*\+\s*{_TERM})*"""
_ASSIGN = re.compile(rf"""(?:(?:window|self|top|parent|document)\s*\.\s*)*location(?:\s*\.\s*href)?\s*=(?!=)\s*({_EXPR})""")
_CALL = re.compile(rf"""location\s*\.\s*(?:replace|assign)\s*\(\s*({_EXPR})\s*\)|window\s*\.\s*navigate\s*\(\s*({_EXPR})\s*\)""")
_VAR = re.compile(rf"""(?:var|let|const)?\s*([A-Za-z_$][\w$]*)\s*=(?!=)\s*({_EXPR})\s*[;\n]""")
_PIECE = re.compile(rf"""{_STRING}|[A-Za-z_$][\w$.]*(?:\(\))?""")
_SOURCE_URL = re.compile(r"""["']([^"'\s<>]+?\.(?:json|js)(?:\?[^"'\s<>]*)?|[^"'\s<>]*(?:ajax|getlist|list\.(?:do|jsp|action))[^"'\s<>]*)["']""", re.I)
_COOKIE_RELOAD = re.compile(r"document\.cookie\s*=.*?(?:location(?:\.href)?\s*=(?!=)|location\.(?:reload|replace)\s*\()",
                            re.S)
_ANY_REDIRECT = re.compile(r"""location(?:\s*\.\s*href)?\s*=(?!=)|location\s*\.\s*(?:replace|assign)\s*\(|window\s*\.\s*navigate\s*\(""")
_SUBMIT = re.compile(r"""\.\s*submit\s*\(\s*\)""")
_MOVED = re.compile(r"\bmoved\b|\b30[1278]\b|\bredirect(?:ion|ed|ing)?\b|已移动|已转移|已迁移", re.I)  # not "Not Found"
_REFRESH = re.compile(r"""^\s*\d*(?:\.\d*)?\s*[;,]?\s*(?:url\s*=\s*)?(['"]?)(.*?)\1\s*$""", re.I | re.S)


@dataclass
class WayIn:
    kind: str
    targets: list[str] = field(default_factory=list)
    reason: str = ""


def registered_domain(host: str) -> str:
    """``www.xx.gov.cn`` → ``xx.gov.cn``; ``a.b.example.com`` → ``example.com``; an IP address is itself (with its port)."""
    netloc = (host or "").lower().rsplit("@", 1)[-1]
    host = netloc.split(":", 1)[0].strip(".")
    try:
        ipaddress.ip_address(host)
        return netloc  # an address with its port: another port is another site
    except ValueError:
        pass
    labels = host.split(".")
    if len(labels) >= 3 and labels[-1] == "cn" and labels[-2] in ("gov", "com", "org", "edu", "net", "ac"):
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def same_site(url: str, other: str) -> bool:
    return registered_domain(urlsplit(url).netloc) == registered_domain(urlsplit(other).netloc)


def _visible_text(root) -> str:
    body = root.find("body")
    if body is None:
        body = root
    parts = []
    for node in body.iter():
        if not isinstance(node.tag, str) or node.tag.lower() in ("script", "style", "noscript", "template"):
            continue
        parts.append(node.text or "")
    for node in body.iter():
        if isinstance(node.tag, str) and node.tail:
            parts.append(node.tail)
    return re.sub(r"\s+", "", "".join(parts))


def challenge(raw_html: str, root) -> str | None:
    """The anti-bot interstitial this page is (see CHALLENGE_MARKERS, or a page of nothing but a
    script that sets a cookie and loads the page again, as 加速乐's obfuscated first answer), or None."""
    title = root.find(".//title")
    title = " ".join(title.text_content().split()) if title is not None else ""
    text = _visible_text(root)
    # markers in the markup, and in the text as shown (a firewall may write it all as &#x..; entities)
    lowered = (raw_html[:200_000] + "\n" + title + "\n" + text[:CHALLENGE_MAX_TEXT * 2]).lower()
    hits = [name for marker, name in CHALLENGE_MARKERS if marker.lower() in lowered]
    if _ERROR_TITLE.match(title):
        hits.append(f"错误提示页（标题“{title[:40]}”）")
    if not hits:
        links = [a for a in root.iter("a") if (a.get("href") or "").strip() not in ("", "#")]
        if not links and len(text) <= COOKIE_PAGE_MAX_TEXT and any(
                _COOKIE_RELOAD.search(script.text or "") for script in root.iter("script")):
            return "脚本验证页（写入 cookie 后重新载入本页）"
        return None
    links = [a for a in root.iter("a") if (a.get("href") or "").strip() not in ("", "#")]
    if len(text) > CHALLENGE_MAX_TEXT or len(links) > CHALLENGE_MAX_LINKS:
        return None
    return hits[0]


# --- script redirects -----------------------------------------------------------------------

def _unquote(literal: str) -> str:
    body = literal[1:-1]
    return re.sub(r"\\(.)", r"\1", body)


def _evaluate(expr: str, page_url: str, variables: dict[str, str], depth: int = 0) -> str | None:
    """A string expression of literals, location parts and variables set to such, or None."""
    parts = urlsplit(page_url)
    known = {"location.host": parts.netloc, "location.hostname": parts.hostname or "",
             "location.protocol": parts.scheme + ":", "location.pathname": parts.path or "/",
             "location.origin": f"{parts.scheme}://{parts.netloc}", "document.domain": parts.hostname or ""}
    out = []
    for piece in _PIECE.findall(expr):
        if piece[0] in "\"'":
            out.append(_unquote(piece))
            continue
        name = piece.removesuffix("()")
        name = re.sub(r"^(?:window\.|self\.|top\.|document\.(?=location))", "", name)
        if name in known:
            out.append(known[name])
        elif name in variables and depth < 3:
            value = _evaluate(variables[name], page_url, variables, depth + 1)
            if value is None:
                return None
            out.append(value)
        else:
            return None
    value = "".join(out).strip()
    return value or None


def script_redirects(root, page_url: str) -> list[str]:
    """Targets of ``location`` assignments in the page's scripts, desktop targets first."""
    found: list[str] = []
    for script in root.iter("script"):
        if script.get("src"):
            continue
        code = script.text or ""
        variables = {m.group(1): m.group(2) for m in _VAR.finditer(code) if m.group(1) not in ("href", "location")}
        for match in list(_ASSIGN.finditer(code)) + list(_CALL.finditer(code)):
            expr = next(g for g in match.groups() if g)
            value = _evaluate(expr, page_url, variables)
            if value and not value.lower().startswith(("javascript:", "#", "mailto:")) and value not in found:
                found.append(value)
    return sorted(found, key=lambda url: any(h in url.lower() for h in MOBILE_HINTS))


# --- the way in -----------------------------------------------------------------------------

def find_way_in(root, page_url: str, *, home: bool = True) -> WayIn | None:
    """How this page (which shows no dated entry) leads to the real home page, or None. A column
    page (``home=False``) is followed only through redirects and frames, never through its links."""
    def urls(values) -> list[str]:
        out = []
        for value in values:
            url = resolve(value, page_url)
            if url and url not in out and url.rstrip("/") != page_url.rstrip("/"):
                out.append(url)
        return out

    for meta in root.iter("meta"):
        if (meta.get("http-equiv") or "").lower() == "refresh":
            match = _REFRESH.match(meta.get("content") or "")
            target = urls([match.group(2)]) if match and match.group(2).strip() else []
            if target:
                return WayIn("meta_refresh", target, "页面以 meta refresh 跳转")
    redirects = urls(script_redirects(root, page_url))
    text = _visible_text(root)
    links = [a for a in root.iter("a", "area")
             if a.get("href") and not a.get("href").strip().lower().startswith(("javascript", "#"))]
    if redirects and (len(text) <= ENTRY_MAX_TEXT or len(links) <= ENTRY_MAX_LINKS):
        return WayIn("script_redirect", redirects, "页面以脚本（location）跳转")
    if not links and len(text) <= SHELL_MAX_TEXT:
        scripts = [s.text or "" for s in root.iter("script") if not s.get("src")]
        form = _submitted_form(root, scripts, page_url)
        if form is not None:
            return form
        if any(_ANY_REDIRECT.search(code) for code in scripts):
            return WayIn("script_redirect", [], "页面以脚本跳转，跳转目标由脚本运行时计算（如按主机名和路径查表），无法确定")
    title = root.find(".//title")
    heading = " ".join(e.text_content() for e in [title, root.find(".//h1")] if e is not None)
    if _MOVED.search(heading) and 0 < len(links) <= 2 and len(text) <= SHELL_MAX_TEXT:
        return WayIn("moved_page", urls(a.get("href") for a in links), "服务器的“文档已移动”页面（Object Moved）")
    frames = list(root.iter("frame"))
    if frames or root.find(".//frameset") is not None:
        ordered = sorted(frames, key=lambda f: not any(n in (f.get("name") or f.get("id") or "").lower()
                                                        for n in MAIN_FRAME_NAMES))
        return WayIn("frameset", urls(f.get("src") for f in ordered), "页面为框架集（frameset）")
    iframes = [f for f in root.iter("iframe") if f.get("src")]
    if iframes and len(text) <= SHELL_MAX_TEXT and len(links) <= ENTRY_MAX_LINKS:
        iframes.sort(key=_declared_height, reverse=True)  # the tallest frame holds the page's body
        return WayIn("iframe_shell", urls(f.get("src") for f in iframes), "页面仅由内嵌框架（iframe）构成")
    if not home:
        return None
    flash = [e for e in root.iter("embed", "object") if ".swf" in (e.get("src") or e.get("data") or "").lower()]

    def pictured(anchor) -> bool:
        return anchor.tag == "area" or anchor.find(".//img") is not None

    def score(anchor) -> int:
        """0: its words say "enter" (进入首页, 门户网站>>); 1: its address does (index.html); 2: neither."""
        words = (anchor.text_content() + " " + " ".join(i.get("alt") or "" for i in anchor.iter("img"))
                 + " " + (anchor.get("alt") or "")).lower()
        if any(w in words for w in ENTRY_WORDS):
            return 0
        return 1 if any(w in (anchor.get("href") or "").lower() for w in ENTRY_WORDS) else 2

    shown = [a for a in links if pictured(a) or score(a) == 0
             or len(re.sub(r"\s+", "", a.text_content())) >= ENTRY_TITLE]
    if (flash or shown) and len(text) <= ENTRY_MAX_TEXT and len(shown) <= ENTRY_MAX_LINKS \
            and len(links) <= ENTRY_MAX_ALL_LINKS:
        ordered = sorted(shown or links, key=lambda a: (score(a), not pictured(a)))
        if not flash and score(ordered[0]) == 2 and not any(pictured(a) for a in links):
            return None  # a few plain links without an entry word or image: a (stale) page, not an 引导页
        if not flash and len(links) > ENTRY_MAX_LINKS and not any(pictured(a) for a in links) and not any(
                score(a) == 0 and len(re.sub(r"\s+", "", a.text_content())) >= ENTRY_TITLE
                and urls([a.get("href")]) for a in shown):
            return None  # a menu of short words (网站首页, 政务公开 …) is a page's, not an 引导页's
        kind, reason = ("flash_entry", "Flash 引导页") if flash else ("entry_page", "引导页（少量入口链接）")
        return WayIn(kind, [u for u in urls(a.get("href") for a in ordered) if same_site(u, page_url)]
                     or urls(a.get("href") for a in ordered), reason)
    return None


def _submitted_form(root, scripts: list[str], page_url: str) -> WayIn | None:
    """A form the page submits by script as it loads: GET is followed, POST is not (we do not submit forms)."""
    from urllib.parse import urlencode

    forms = list(root.iter("form"))
    if not forms or not any(_SUBMIT.search(code) for code in scripts):
        return None
    form = forms[0]
    action = resolve(form.get("action") or page_url, page_url) or page_url
    if (form.get("method") or "get").strip().lower() == "post":
        shown = action.split(";jsessionid=", 1)[0]
        return WayIn("form_submit", [], f"页面载入时由脚本以 POST 提交表单进入（{shown}），不代为提交")
    fields = [(i.get("name"), i.get("value") or "") for i in form.iter("input") if i.get("name")]
    target = action + (("&" if "?" in action else "?") + urlencode(fields) if fields else "")
    return WayIn("form_submit", [target], "页面载入时由脚本以 GET 提交表单进入")


def _declared_height(frame) -> int:
    """An iframe's height as written (height="2035", style="height:100px"), 0 when not given."""
    found = re.search(r"\d+", frame.get("height") or "") or re.search(r"height\s*:\s*(\d+)", frame.get("style") or "")
    return int(found.group(found.lastindex or 0)) if found else 0


# --- lists written by script ----------------------------------------------------------------

def builds_by_script(root) -> bool:
    """The page's scripts write or load content (document.write, innerHTML, ajax …)."""
    for script in root.iter("script"):
        code = (script.text or "").lower()
        if any(marker in code for marker in SCRIPT_BUILDS):
            return True
    return False


def written_html(root) -> str:
    """The HTML a page's inline scripts write (string literals holding markup), joined."""
    out = []
    for script in root.iter("script"):
        code = script.text or ""
        if "<a" not in code and "<li" not in code and "<td" not in code:
            continue
        for literal in re.findall(_STRING, code):
            out.append(_unquote(literal))
    return "".join(out)


def script_sources(root, page_url: str) -> list[str]:
    """Same-site JS/JSON URLs a list may be loaded from (script src and URLs named in scripts),
    common libraries left out."""
    found: list[str] = []
    candidates = [s.get("src") for s in root.iter("script") if s.get("src")]
    for script in root.iter("script"):
        candidates += [m.group(1) for m in _SOURCE_URL.finditer(script.text or "")]
    for value in candidates:
        url = resolve(value, page_url)
        if not url or not same_site(url, page_url) or url in found:
            continue
        name = urlsplit(url).path.rsplit("/", 1)[-1].lower()
        if any(lib in name for lib in SCRIPT_LIBRARIES):
            continue
        found.append(url)
    return found
