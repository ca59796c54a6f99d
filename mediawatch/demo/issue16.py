"""The demo's additions of issue 16, in one block (``District.start_servers`` calls ``add_to``):

- ``site-sjj`` XX区审计局: served over HTTPS by a local CA whose certificate expires 20 days after
  the replay's last day (or after the real today, if later: the TLS library judges by the real
  clock): its days to expiry fall below 30 near the end, so the last month's 网站基本要求 table
  shows the finding (when the demo replays a past far from the real today, it cannot). Its footer
  carries the whole identity block (网站标识码, ICP and 公安 备案号, the 党政机关 标识, 主办单位,
  我为政府网站找错); the other sites' footers lack most of it (a site without the identity block);
- ``dy-xxfb`` XX发布 on Douyin and ``tt-rm`` XX融媒 on 今日头条, read through RSS feeds written as
  RSSHub writes them (``XX发布的抖音``, ``XX融媒的头条主页 - 今日头条(www.toutiao.com)``): the Douyin account posts every other
  day; the 头条 account stops posting near the end (not_updated).
- the office's 自查 of the last full month finds 扣分 on ``site-sjj`` (办事服务, 解读, 征集): with the machine's
  own (broken links) its 19号 score falls below 60, so the bulletin shows a site that is 不合格 on the score
  alone (``office_self_check``, imported as ``score import`` would).
The CA certificate goes to the parent (``ca_pem``), which writes it to the demo home and trusts it
(``[http] ca_file``).
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from mediawatch import clock
from mediawatch.simulation.server import Reply, Request
from mediawatch.simulation.site import DEFAULT_COLUMNS, DistrictSite, SiteSpec
from mediawatch.simulation.tls import LocalCA, TlsServer

CERT_DAYS_LEFT = 20  # real days from now to the demo certificate's expiry
IDENTITY_BLOCK = """<div class="identity">主办单位：XX区审计局　网站标识码：3303990017　浙ICP备05099017号-1
<a href="/beian/registerSystemInfo?recordcode=33039902000117">浙公网安备 33039902000117号</a>
<span id="_ideConac"><a href="/dzjg/bszs.conac.cn/sitename?method=show&amp;id=DEMO0017" target="_blank">党政机关</a></span>
<a href="/jiucuo/jiucuo.html?site_code=3303990017">我为政府网站找错</a></div>"""
# The real block links www.beian.gov.cn, bszs.conac.cn and zfwzgl.www.gov.cn; the demo runs without the internet, so its
# links stay on the simulated site (served below): links to real hosts would fail DNS here and be warned broken_links.
IDENTITY_PATHS = ("/beian/registerSystemInfo", "/dzjg/bszs.conac.cn/sitename", "/jiucuo/jiucuo.html")


def add_to(district) -> None:
    folder = Path(tempfile.mkdtemp(prefix="mediawatch-demo-tls-"))
    district._issue16_folder = folder
    ca = LocalCA(folder)
    # valid now for the TLS library (the real clock), and CERT_DAYS_LEFT after the replay's last day
    last_day = datetime.combine(district.day(district.span - 1), datetime.min.time(), tzinfo=clock.SHANGHAI)
    not_after = max(ca.real_now, last_day) + timedelta(days=CERT_DAYS_LEFT)
    cert = ca.issue("site-sjj", not_after=not_after)
    district.ca_pem = ca.ca_file.read_bytes()
    server = TlsServer(cert, log_requests=False).start()
    district.servers.append(server)
    spec = SiteSpec("XX区审计局", columns=DEFAULT_COLUMNS[:4], broken=False, seed=11)
    spec.list_size, spec.home_items = district_sizes()
    site = DistrictSite(spec, today=clock.today)
    home = site.mount(server)
    plain_home = server.routes["/"]

    def home_with_identity(request: Request) -> Reply:
        reply = plain_home(request)
        reply.body = reply.body.replace("</body>".encode(), (IDENTITY_BLOCK + "</body>").encode("utf-8"), 1)
        return reply

    server.route("/", home_with_identity)
    for path in IDENTITY_PATHS:
        server.route(path, Reply(body="<html><body>备案与标识信息</body></html>"))
    district.sites["site-sjj"] = site
    from mediawatch.demo.district import UNITS, DemoAccount

    UNITS.setdefault("区审计局", "sjj@demo.example.gov.cn")
    UNITS.setdefault("区融媒体中心", "rmt@demo.example.gov.cn")
    district.accounts.append(DemoAccount("site-sjj", "website", "XX区审计局", "区审计局",
                                         "HTTPS with a certificate near its expiry; the full identity block in its footer",
                                         url=home, contact_email=UNITS["区审计局"]))
    district.columns.extend(site.columns_rows("site-sjj"))
    feeds = district._server()
    start = datetime.combine(district.start, datetime.min.time(), tzinfo=clock.SHANGHAI) - timedelta(days=30)
    douyin = _feed(feeds, "/douyin/user/MS4wLjABAAAA-xxfb", "XX发布的抖音", start, every_days=2, stop=None)
    toutiao = _feed(feeds, "/toutiao/user/token/rm", "XX融媒的头条主页 - 今日头条(www.toutiao.com)", start, every_days=1,
                    stop=datetime.combine(district.day(int(0.85 * district.span)), datetime.min.time(),
                                          tzinfo=clock.SHANGHAI))
    district.accounts.append(DemoAccount("dy-xxfb", "douyin", "XX发布", "区委宣传部",
                                         "Douyin through an RSSHub-style feed, a video every other day", feed_url=douyin,
                                         contact_email=UNITS["区委宣传部"]))
    district.accounts.append(DemoAccount("tt-rm", "toutiao", "XX融媒", "区融媒体中心",
                                         "今日头条 through an RSSHub-style feed; stops posting near the end",
                                         feed_url=toutiao, contact_email=UNITS["区融媒体中心"]))


SELF_CHECK = (  # the office's 自查 of site-sjj: (indicator, item, points, what was found)
    ("办事服务", "办事指南要素缺失", 20, "“审计结果公告查询”等5项办事指南缺设定依据、办理材料"),
    ("办事服务", "在线办事系统无法使用", 10, "网上申报入口长期报错"),
    ("发布解读", "政策解读缺失", 12, "本月3份规范性文件无解读材料"),
    ("互动交流", "调查征集未反馈结果", 8, "两次意见征集未公布采纳情况"),
)
SCORE_CONFIG = """
[score19]   # the office's 扣分 table: example totals; set them from the text of 19号 in force
indicators = {"发布解读" = 40, "办事服务" = 25, "互动交流" = 15, "功能设置" = 20}
[score19.machine_items]   # what the machine counts toward the score (example points)
home_broken_link = {indicator = "功能设置", points = 1.0}
inner_broken_link = {indicator = "功能设置", points = 0.1}
"""


def office_self_check(app, month: str) -> None:
    """The office records its 自查's 扣分 of ``month`` for site-sjj (all rows or none, as ``score import``)."""
    import csv

    from mediawatch import deductions

    path = app.home / "deductions.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(deductions.COLUMNS)
        writer.writerows(("site-sjj", month, *row) for row in SELF_CHECK)
    with app.store.session() as session:
        deductions.import_file(session, app.config, path, "office")


def district_sizes() -> tuple[int, int]:
    from mediawatch.demo.district import SITE_HOME_ITEMS, SITE_LIST_SIZE

    return SITE_LIST_SIZE, SITE_HOME_ITEMS


def _feed(server, path: str, title: str, start: datetime, *, every_days: int, stop: datetime | None) -> str:
    def answer(_request: Request) -> Reply:
        now = clock.now()
        last = min(now, stop) if stop else now
        days = max(0, (last - start).days)
        items = []
        for n in range(days // every_days, max(-1, days // every_days - 10), -1):
            at = start + timedelta(days=n * every_days, hours=10)
            if at > now:
                continue
            items.append(f"<item><title>第{n}期 政务资讯</title><link>{server.url('/v/' + str(n))}</link>"
                         f"<guid>{path}-{n}</guid><pubDate>{format_datetime(at)}</pubDate>"
                         f"<description><![CDATA[<p>第{n}期 政务资讯</p>]]></description></item>")
        body = (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{title}</title>'
                f"<link>{server.url(path)}</link><description>{title}</description>{''.join(items)}</channel></rss>")
        return Reply(body=body.encode("utf-8"), content_type="application/rss+xml; charset=utf-8")

    server.route(path, answer)
    server.route("/v/*", Reply(body="<html><body><p>视频</p></body></html>"))
    return server.url(path)


def cleanup(district) -> None:
    folder = getattr(district, "_issue16_folder", None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
