"""A simulated district government website, served by a ``LocalServer`` (tests, demo, benchmarks).

    from mediawatch.simulation.server import LocalServer
    from mediawatch.simulation.site import DistrictSite, SiteSpec

    site = DistrictSite(SiteSpec(name="XX区人民政府", encoding="gbk", typo="中华人民共合国"),
                        today=date(2026, 11, 23))
    with LocalServer() as server:
        home = site.mount(server)          # -> "http://127.0.0.1:PORT/"
        site.today = date(2026, 12, 20)    # content follows the date: articles appear as days pass
        site.column_urls()                 # {slug: url}
        site.columns_rows("gov-portal")    # rows for columns.csv (account_id, column, url, category)
        site.expected_newest("zwdt")       # newest date its list page shows today (None: blank/no dates)
        site.expected_home_newest()        # newest dated item on the home page
        site.broken_urls()                 # every broken link on the site (absolute URLs)
        site.home_broken_urls()            # those of them linked from the home page

``today`` may also be a callable returning the date (e.g. the demo's replay clock).
``SiteSpec.list_size`` and ``home_items`` make a smaller site (the demo's, to keep a year of checks quick).

What a site has (``SiteSpec``): a home page with a dated news list and a notices list, a nav bar,
friend links and a footer (``way_in``: behind an 引导页 or a script redirect at "/"); one list page per column (``ColumnSpec``: category, how often it gets
an article, the date style its list uses, when it stopped updating, or blank); an article page per
article (one in three links a PDF attachment; the newest article of the first column carries the
typo, if any);
static files (CSS, JS, logo, banner, PDFs). No link leaves 127.0.0.1 unless a spec names it. Encoding ``"gbk"`` serves every page as GBK with no
charset in the HTTP header and ``<meta ... charset=gb2312>`` in the page, as older government
sites do; ``"utf-8"`` declares UTF-8 in both.

Broken links, by default: on the home page an old column link (404) and a missing banner image
(404); on the newest article of each column a missing attachment (404); with ``dead_external`` a
friend link to a dead external URL. Set ``broken=False`` for a site without broken links.

Date styles: ``iso`` 2026-11-20, ``slash`` 2026/11/20, ``dot`` 2026.11.20, ``cn`` 2026年11月20日,
``bracket`` [11-20], ``table`` (a table with the date in its own cell), ``split`` (day and
year-month in separate elements), ``none`` (titles without dates).

``specs(count, seed)`` makes a varied population of sites (fresh, stale, blank columns, GBK, typos,
broken links) for demos and benchmarks; each spec gets its own server (its own host:port).
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Callable

from mediawatch.simulation.server import LocalServer, Reply, Request

EPOCH = date(2024, 1, 1)  # articles are published from this day on
LIST_SIZE = 20


@dataclass(frozen=True)
class ColumnSpec:
    slug: str
    name: str
    category: str  # news | notice | policy | personnel | planning | other
    every_days: int = 3  # a new article every this many days
    style: str = "iso"
    stopped_on: date | None = None  # no articles after this day (a stale column)
    blank: bool = False


DEFAULT_COLUMNS = (
    ColumnSpec("zwdt", "政务动态", "news", 2, "iso"),
    ColumnSpec("tzgg", "通知公告", "notice", 9, "cn"),
    ColumnSpec("zcwj", "政策文件", "policy", 30, "slash"),
    ColumnSpec("rsxx", "人事信息", "personnel", 45, "table"),
    ColumnSpec("bmdt", "部门动态", "news", 3, "bracket"),
    ColumnSpec("ghjh", "规划计划", "planning", blank=True),
)

TITLES = ("召开全区安全生产工作会议", "开展冬季消防安全大检查", "推进重点项目建设现场会召开", "部署优化营商环境工作",
          "举行乡村振兴工作推进会", "开展政务公开专项督查", "召开民生实事项目协调会", "发布养老服务补贴申领指南",
          "组织开展防汛应急演练", "推进数字政府建设工作")


@dataclass
class SiteSpec:
    name: str = "XX区人民政府"
    encoding: str = "utf-8"  # or "gbk"
    columns: tuple[ColumnSpec, ...] = DEFAULT_COLUMNS
    typo: str | None = None  # a wrong form written into the first news article
    broken: bool = True
    dead_external: str | None = None  # a friend link to this URL (it should fail)
    friend_links: tuple[str, ...] = ()  # healthy friend links (other simulated sites); never real hosts
    home_stopped_on: date | None = None  # the home page's lists stop showing articles after this day
    seed: int = 0
    extra_links: list[str] = field(default_factory=list)  # more hrefs on the home page (tests)
    list_size: int = LIST_SIZE  # articles a column's list page shows
    home_items: int = 8  # articles each of the home page's two lists shows
    # "entry": "/" is an 引导页 (an image link 进入首页 and a line of text); "script": "/" only redirects
    # by script to the real home page, which is /index.html either way
    way_in: str | None = None


class DistrictSite:
    def __init__(self, spec: SiteSpec | None = None, *, today: date | Callable[[], date] = date(2026, 11, 23)):
        self.spec = spec or SiteSpec()
        self.today = today
        self.base = ""
        self._columns = {c.slug: c for c in self.spec.columns}

    # --- time -------------------------------------------------------------------------------

    def current_day(self) -> date:
        return self.today() if callable(self.today) else self.today

    def articles(self, slug: str, *, until: date | None = None) -> list[tuple[int, date]]:
        """(number, date) of the column's published articles, newest first."""
        column = self._columns[slug]
        if column.blank:
            return []
        last = min(d for d in (self.current_day(), until, column.stopped_on) if d is not None)
        # the same list answers every request of a simulated day: made once (a copy handed out)
        cache = self.__dict__.setdefault("_articles", {})
        key = (slug, last, column.every_days, self.spec.seed)
        found = cache.get(key)
        if found is None:
            found = self._articles_until(column, slug, last)
            if len(cache) > 256:
                cache.clear()
            cache[key] = found
        return list(found)

    def _articles_until(self, column, slug: str, last: date) -> list[tuple[int, date]]:
        offset = (sum(map(ord, slug)) + self.spec.seed) % column.every_days
        first = EPOCH + timedelta(days=offset)
        if last < first:
            return []
        count = (last - first).days // column.every_days + 1
        return [(k, first + timedelta(days=k * column.every_days)) for k in range(count - 1, -1, -1)]

    # --- expectations -----------------------------------------------------------------------

    def expected_newest(self, slug: str) -> date | None:
        column = self._columns[slug]
        found = self.articles(slug)
        return found[0][1] if found and column.style != "none" else None

    def expected_home_newest(self) -> date | None:
        days = [self._home_list(slug)[0][1] for slug in self._home_slugs() if self._home_list(slug)]
        return max(days, default=None)

    def column_urls(self) -> dict[str, str]:
        return {c.slug: f"{self.base}/col/{c.slug}/" for c in self.spec.columns}

    def columns_rows(self, account_id: str) -> list[dict[str, str]]:
        return [{"account_id": account_id, "column": c.name, "url": f"{self.base}/col/{c.slug}/",
                 "category": c.category} for c in self.spec.columns]

    def home_broken_urls(self) -> set[str]:
        found = set()
        if self.spec.broken:
            found |= {f"{self.base}/col/old/", f"{self.base}/images/banner-2019.jpg"}
        if self.spec.dead_external:
            found.add(self.spec.dead_external)
        return found

    def broken_urls(self) -> set[str]:
        found = self.home_broken_urls()
        if self.spec.broken:
            for column in self.spec.columns:
                if self.articles(column.slug):
                    found.add(f"{self.base}/files/{column.slug}-missing.doc")
        return found

    # --- serving ----------------------------------------------------------------------------

    def mount(self, server: LocalServer) -> str:
        """Serve the site from ``server``'s root; returns the home page URL."""
        self.base = server.base
        server.route("/", self._root)
        server.route("/index.html", self._home)
        server.route("/images/enter.jpg", Reply(body=b"\xff\xd8\xff\xe0" + b"\0" * 64, content_type="image/jpeg"))
        server.route("/col/*", self._column)
        server.route("/art/*", self._article)
        server.route("/static/site.css", Reply(body="body{font-size:14px}", content_type="text/css"))
        server.route("/static/site.js", Reply(body="var site=1;", content_type="application/javascript"))
        server.route("/images/logo.png", Reply(body=b"\x89PNG\r\n\x1a\n" + b"\0" * 64, content_type="image/png"))
        server.route("/files/*", self._file)
        server.route("/about.html", lambda r: self._page("关于我们", "<p>区人民政府门户网站由区政府办公室主办。</p>"))
        return f"{self.base}/"

    def _reply(self, body: str, status: int = 200) -> Reply:
        if self.spec.encoding == "gbk":
            return Reply(status=status, body=body.encode("gbk", errors="xmlcharrefreplace"), content_type="text/html")
        return Reply(status=status, body=body.encode("utf-8"), content_type="text/html; charset=utf-8")

    def _page(self, title: str, main: str) -> Reply:
        meta = ('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">' if self.spec.encoding == "gbk"
                else '<meta charset="utf-8">')
        nav = "".join(f'<li><a href="/col/{c.slug}/">{c.name}</a></li>' for c in self.spec.columns)
        body = f"""<!DOCTYPE html>
<html><head>{meta}<title>{html.escape(title)}_{html.escape(self.spec.name)}</title>
<link rel="stylesheet" href="/static/site.css"><script src="/static/site.js"></script></head>
<body><div class="header"><img src="/images/logo.png" alt="{html.escape(self.spec.name)}"></div>
<div class="nav"><ul><li><a href="/">首页</a></li>{nav}</ul></div>
<div class="main">{main}</div>
<div class="footer"><a href="/about.html">关于我们</a> 主办：{html.escape(self.spec.name)}办公室
 <a href="/about.html#beian">浙ICP备00000000号</a></div></body></html>"""
        return self._reply(body)

    def _root(self, request: Request) -> Reply:
        """The home page, or the way in to it (``SiteSpec.way_in``)."""
        if self.spec.way_in is None:
            return self._home(request)
        meta = ('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">' if self.spec.encoding == "gbk"
                else '<meta charset="utf-8">')
        name = html.escape(self.spec.name)
        if self.spec.way_in == "script":
            body = (f'<!DOCTYPE html><html><head>{meta}<title>{name}</title><script type="text/javascript">\n<!--\n'
                    'var host = window.location.host;\nwindow.location.href = "http://" + host + "/index.html";\n'
                    '//-->\n</script></head><body></body></html>')
        else:
            body = (f'<!DOCTYPE html><html><head>{meta}<title>{name}</title></head><body><div class="enter">'
                    f'<a href="/index.html"><img src="/images/enter.jpg" alt="进入首页"></a></div>'
                    f'<p>欢迎访问{name}门户网站</p></body></html>')
        return self._reply(body)

    def _home_slugs(self) -> list[str]:
        return [c.slug for c in self.spec.columns if c.category in ("news", "notice") and not c.blank][:2]

    def _home_list(self, slug: str) -> list[tuple[int, date]]:
        return self.articles(slug, until=self.spec.home_stopped_on)[:self.spec.home_items]

    def _home(self, request: Request) -> Reply:
        blocks = []
        for slug in self._home_slugs():
            column = self._columns[slug]
            items = "".join(
                f'<li><a href="/art/{slug}/{k}.html" title="{self._title(slug, k)}">{self._title(slug, k)}</a>'
                f'<span class="date">{day:%Y-%m-%d}</span></li>' for k, day in self._home_list(slug))
            blocks.append(f'<div class="box"><h3><a href="/col/{slug}/">{column.name}</a></h3>'
                          f'<ul class="list">{items}</ul></div>')
        broken = ('<p><a href="/col/old/">原政务公开栏目入口</a></p><img src="/images/banner-2019.jpg" alt="旧横幅">'
                  if self.spec.broken else "")
        friends = "".join(f'<a href="{html.escape(u)}">友情链接{i + 1}</a>' for i, u in enumerate(self.spec.friend_links))
        if self.spec.dead_external:
            friends += f'<a href="{html.escape(self.spec.dead_external)}">原合作单位网站</a>'
        extra = "".join(f'<a href="{html.escape(h)}">链接{i}</a>' for i, h in enumerate(self.spec.extra_links))
        main = (f'{"".join(blocks)}{broken}<div class="yqlj">{friends}</div>{extra}')
        reply = self._page("首页", main)
        return reply

    def _title(self, slug: str, k: int) -> str:
        titles = self.__dict__.setdefault("_titles", {})  # a seeded Random per title is costly: each made once
        title = titles.get((slug, k))
        if title is None:
            rng = random.Random(f"{self.spec.seed}-{slug}-{k}")
            title = titles[(slug, k)] = f"{self.spec.name[:-4] or '区'}{rng.choice(TITLES)}（第{k + 1}期）"
        return title

    def _column(self, request: Request) -> Reply:
        slug = request.path.split("/")[2] if request.path.count("/") >= 2 else ""
        column = self._columns.get(slug)
        if column is None:
            return self._reply("<html><body><h1>404 页面不存在</h1></body></html>", status=404)
        articles = self.articles(slug)[:self.spec.list_size]
        if not articles:
            return self._page(column.name, f'<div class="list-title">{column.name}</div><ul class="list"></ul>'
                                           '<p class="empty">暂无信息</p>')
        rows = [self._list_item(slug, k, day, column.style) for k, day in articles]
        if column.style == "table":
            listing = ('<table class="list"><tr><th>标题</th><th>发布日期</th></tr>' + "".join(rows) + "</table>")
        else:
            listing = '<ul class="list">' + "".join(rows) + "</ul>"
        pager = f'<div class="page">共{len(articles)}条 <a href="/col/{slug}/">首页</a> <a href="/col/{slug}/">尾页</a></div>'
        return self._page(column.name, f'<div class="list-title">{column.name}</div>{listing}{pager}')

    def _list_item(self, slug: str, k: int, day: date, style: str) -> str:
        link = f'<a href="/art/{slug}/{k}.html" target="_blank">{self._title(slug, k)}</a>'
        if style == "table":
            return f"<tr><td>{link}</td><td>{day:%Y-%m-%d}</td></tr>"
        if style == "split":
            return f'<li><div class="date"><span class="day">{day:%d}</span><span class="ym">{day:%Y-%m}</span></div>{link}</li>'
        written = {"iso": f"{day:%Y-%m-%d}", "slash": f"{day:%Y/%m/%d}", "dot": f"{day:%Y.%m.%d}",
                   "cn": f"{day.year}年{day.month}月{day.day}日", "bracket": f"[{day:%m-%d}]", "none": ""}[style]
        if style == "bracket":
            return f"<li>{written} {link}</li>"
        return f"<li>{link}<span>{written}</span></li>"

    def _article(self, request: Request) -> Reply:
        parts = request.path.strip("/").split("/")
        try:
            slug, number = parts[1], int(parts[2].split(".")[0])
        except (IndexError, ValueError):
            return self._reply("<html><body>404</body></html>", status=404)
        published = dict(self.articles(slug)) if slug in self._columns else {}
        if number not in published:
            return self._reply("<html><body><h1>404 页面不存在</h1></body></html>", status=404)
        day = published[number]
        text = "全区上下深入学习贯彻习近平新时代中国特色社会主义思想，坚定拥护“两个确立”，坚决做到“两个维护”。"
        newest = number == max(published)
        if self.spec.typo and slug == self.spec.columns[0].slug and newest:
            text += f"本次会议传达学习了{self.spec.typo}有关法律法规。"
        attachments = ""
        if number % 3 == 0:
            attachments += f'<p>附件：<a href="/files/{slug}-{number}.pdf">{self._title(slug, number)}.pdf</a></p>'
        if self.spec.broken and newest:
            attachments += f'<p>附件：<a href="/files/{slug}-missing.doc">相关材料.doc</a></p>'
        main = (f'<h1>{self._title(slug, number)}</h1><div class="info">发布时间：{day:%Y-%m-%d}</div>'
                f'<div class="content"><p>{text}</p></div>{attachments}'
                f'<p><a href="/col/{slug}/">返回列表</a></p>')
        return self._page(self._title(slug, number), main)

    def _file(self, request: Request) -> Reply:
        name = request.path.rsplit("/", 1)[-1]
        if name.endswith(".pdf"):
            return Reply(body=b"%PDF-1.4\n%simulated\n", content_type="application/pdf",
                         headers={"Last-Modified": "Mon, 02 Nov 2026 08:00:00 GMT"})  # as static files are served
        return Reply(status=404, body=b"not found", content_type="text/plain")


def specs(count: int, seed: int = 0) -> list[SiteSpec]:
    """A varied population of sites: about a third GBK, some stale (home page or a column), some
    with a blank column, some with a typo, most with broken links."""
    rng = random.Random(seed)
    today = date(2026, 11, 23)
    found = []
    for i in range(count):
        columns = list(DEFAULT_COLUMNS[:5])
        if rng.random() < 0.3:
            columns[0] = ColumnSpec("zwdt", "政务动态", "news", 2, "iso", stopped_on=today - timedelta(days=rng.randint(20, 90)))
        if rng.random() < 0.3:
            columns.append(ColumnSpec("ghjh", "规划计划", "planning", blank=True))
        found.append(SiteSpec(
            name=f"XX区第{i + 1}单位", encoding="gbk" if rng.random() < 0.35 else "utf-8", columns=tuple(columns),
            typo="中华人民共合国" if rng.random() < 0.1 else None, broken=rng.random() < 0.7,
            home_stopped_on=today - timedelta(days=30) if rng.random() < 0.15 else None, seed=i))
    return found
