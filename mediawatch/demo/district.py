"""The demo's simulated district: who its accounts are, where they are served, and how they behave over the year.

Everything runs on 127.0.0.1: one ``LocalServer`` per website (each its own host:port), one for
the simulated Weibo (the m.weibo.cn container API and the visitor flow), one for the WeChat feed
bridge with its article pages, exports and posts CSV, and one for the canary.

Behaviour follows the clock. The sites' date is ``clock.today()`` and the platforms' "now" is
``clock.now()``, so content appears as the replay moves the clock day by day. What changes over
the replay (``District.apply(day)``) is set by ``Episode``s placed at fractions of the replay's
span, so a shorter replay (``--days 60``) still shows them, compressed:

- websites: the GBK 发改局 site carries a severe typo for a few days; 民政局's links break and
  are fixed five times (a closure candidate); 教育局's home page stops updating for a while and
  文旅局's for good; 卫健局 has a blank column and a news column abandoned mid-year; 司法局 links
  a dead external site until it is fixed; the 自然资源 site is slow at peak hours in two episodes
  (its probes time out: ``unavailable``);
- Weibo: fresh accounts with pinned posts, one silent for three weeks four times (a closure
  candidate), one that stops posting, one renamed, one unverified, one answered with HTTP 432
  for some days (``check_failed``, never a warning), one banned, one typo, broken links in posts;
- WeChat: an RSS feed, an Atom feed without time zones, the appmsgpublish JSON export, the
  posts CSV, one silent five times (a closure candidate), one that stops, one renamed, one banned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Callable

from mediawatch import clock
from mediawatch.clock import SHANGHAI
from mediawatch.simulation.server import LocalServer, Reply, Request
from mediawatch.simulation.site import DEFAULT_COLUMNS, ColumnSpec, DistrictSite, SiteSpec
from mediawatch.simulation.wechat import SimArticle, SimWechatAccount, WechatSimulation
from mediawatch.simulation.weibo import Cadence, SimPost, SimWeiboAccount, WeiboSimulation

SLOW_SECONDS = 1.6  # the slow site's home page at peak hours in a slow episode: longer than the demo timeout
PEAK_HOURS = (12, 18)  # local hours [start, end) when the slow site is slow
SITE_LIST_SIZE, SITE_HOME_ITEMS = 4, 4  # small department sites: a year of daily crawls stays quick
DEAD_EXTERNAL = "http://127.0.0.1:9/"  # the discard port: nothing listens, the connection is refused


@dataclass(frozen=True)
class Episode:
    """A stretch of the replay: starts at fraction ``at`` of the span, lasts ``days`` (at least one)."""

    at: float
    days: int

    def bounds(self, span: int) -> tuple[int, int]:
        first = min(span - 1, int(self.at * span))
        return first, first + max(1, self.days)

    def covers(self, day: int, span: int) -> bool:
        first, end = self.bounds(span)
        return first <= day < end


@dataclass
class DemoAccount:
    """One registry row, with the unit's contact and how the account behaves."""

    account_id: str
    platform: str
    name: str
    owner_unit: str
    story: str  # what the replay does to it, for the demo's summary
    url: str = ""
    platform_id: str = ""
    feed_url: str = ""
    source: str = "auto"
    source_url: str = ""
    contact_email: str = ""

    def row(self) -> dict[str, str]:
        return {"account_id": self.account_id, "platform": self.platform, "name": self.name,
                "owner_unit": self.owner_unit, "url": self.url, "platform_id": self.platform_id,
                "feed_url": self.feed_url, "source": self.source, "source_url": self.source_url,
                "contact_email": self.contact_email, "status": "active"}


ACCOUNT_COLUMNS = ("account_id", "platform", "name", "owner_unit", "url", "platform_id", "feed_url", "source",
                   "source_url", "contact_email", "status")
COLUMN_COLUMNS = ("account_id", "column", "url", "category")

UNITS = {  # owner unit -> contact (empty: the office's digest)
    "区政府办公室": "zwgk@demo.example.gov.cn",
    "区委宣传部": "xcb@demo.example.gov.cn",
    "区发展和改革局": "fgj@demo.example.gov.cn",
    "区民政局": "mzj@demo.example.gov.cn",
    "区教育局": "jyj@demo.example.gov.cn",
    "区文化和旅游局": "wlj@demo.example.gov.cn",
    "区卫生健康局": "wjj@demo.example.gov.cn",
    "区自然资源和规划局": "",
    "区司法局": "sfj@demo.example.gov.cn",
    "区公安分局": "",
    "区交通运输局": "jtj@demo.example.gov.cn",
    "区综合行政执法局": "zfj@demo.example.gov.cn",
    "区市场监督管理局": "scj@demo.example.gov.cn",
    "梧田街道": "wtjd@demo.example.gov.cn",
    "区人力资源和社会保障局": "rsj@demo.example.gov.cn",
    "区行政服务中心": "fwzx@demo.example.gov.cn",
    "区统计局": "",
    "区农业农村局": "nyj@demo.example.gov.cn",
    "区住房和城乡建设局": "zjj@demo.example.gov.cn",
    "区退役军人事务局": "tyj@demo.example.gov.cn",
    "区生态环境分局": "hbj@demo.example.gov.cn",
    "区商务局": "swj@demo.example.gov.cn",
}


# issue 17's episodes: a site redesign covered by a 报备 window; silences that end after a reminder
REDESIGN = Episode(0.6, 21)
NEAR_MISSES = tuple(Episode(at, 12) for at in (0.15, 0.45, 0.72))


def near_misses(span: int) -> tuple[Episode, ...]:
    """The silences of ``wb-sw``: three in a long replay; one in a short one, where they would run together."""
    return NEAR_MISSES if span >= 120 else NEAR_MISSES[:1]


def redesign_window(span: int) -> tuple[int, int]:
    """The 报备 window's first and last day index: from two days before the redesign to two days after."""
    first, end = REDESIGN.bounds(span)
    return max(0, first - 2), end + 1


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=SHANGHAI)


class District:
    """The simulated district for a replay of ``span`` days starting on ``start`` (local dates)."""

    def __init__(self, start: date, span: int):
        self.start, self.span = start, span
        self.servers: list[LocalServer] = []
        self.accounts: list[DemoAccount] = []
        self.sites: dict[str, DistrictSite] = {}
        self.columns: list[dict[str, str]] = []
        self._changes: list[Callable[[int], None]] = []  # called with the day index by ``apply``
        self.canary_url = ""
        self.weibo: WeiboSimulation | None = None
        self.wechat: WechatSimulation | None = None
        self._applied: int | None = None
        self.ca_pem = b""  # issue 16: the CA the demo's TLS site was issued by (trusted through [http] ca_file)

    # --- lifecycle --------------------------------------------------------------------------

    def start_servers(self) -> "District":
        try:
            canary = self._server()
            canary.route("/canary", Reply(body=b"ok", content_type="text/plain"))
            self.canary_url = canary.url("/canary")
            self._websites()
            self._safety_units()  # issue 15
            self._weibo()
            self._wechat()
            self._owners()  # issue 17's accounts (their own block below)
            from mediawatch.demo import issue16  # issue 16: a TLS site, the identity block, Douyin and 头条

            issue16.add_to(self)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for server in self.servers:
            server.stop()
        self.servers.clear()
        from mediawatch.demo import issue16

        issue16.cleanup(self)

    def _server(self) -> LocalServer:
        server = LocalServer(log_requests=False).start()
        self.servers.append(server)
        return server

    # --- time -------------------------------------------------------------------------------

    def day(self, index: int) -> date:
        return self.start + timedelta(days=index)

    def at(self, fraction: float) -> datetime:
        return _day_start(self.day(min(self.span - 1, int(fraction * self.span))))

    def windows(self, *episodes: Episode) -> tuple[tuple[datetime, datetime], ...]:
        found = []
        for episode in episodes:
            first, end = episode.bounds(self.span)
            found.append((_day_start(self.day(first)), _day_start(self.day(end))))
        return tuple(found)

    def apply(self, index: int) -> None:
        """Set every account's behaviour for day ``index`` of the replay."""
        for change in self._changes:
            change(index)

    def set_time(self, at: datetime, index: int) -> None:
        """Move the clock (the district follows it) to ``at``, on day ``index`` of the replay."""
        clock.set_now(at)
        if index != self._applied:
            self.apply(index)
            self._applied = index

    def during(self, episodes: tuple[Episode, ...], on: Callable[[bool], None]) -> None:
        """Call ``on(True)`` on the days any of ``episodes`` covers, ``on(False)`` on the others."""
        self._changes.append(lambda day: on(any(e.covers(day, self.span) for e in episodes)))

    def from_(self, fraction: float, on: Callable[[bool], None]) -> None:
        """Call ``on(True)`` from fraction ``fraction`` of the span on, ``on(False)`` before."""
        first = min(self.span - 1, int(fraction * self.span))
        self._changes.append(lambda day: on(day >= first))

    # --- websites ---------------------------------------------------------------------------

    def _site(self, account_id: str, name: str, unit: str, story: str, spec: SiteSpec) -> DistrictSite:
        spec.list_size, spec.home_items = SITE_LIST_SIZE, SITE_HOME_ITEMS
        site = DistrictSite(spec, today=clock.today)
        server = self._server()
        home = site.mount(server)
        self.sites[account_id] = site
        self.accounts.append(DemoAccount(account_id, "website", name, unit, story, url=home,
                                         contact_email=UNITS[unit]))
        self.columns.extend(site.columns_rows(account_id))
        return site

    def _websites(self) -> None:
        four = DEFAULT_COLUMNS[:4]
        fgw = self._site("site-fgw", "XX区发展和改革局", "区发展和改革局",
                         "GBK pages behind a script-redirect home page; a severe typo in its newest article for a few days",
                         SiteSpec("XX区发展和改革局", encoding="gbk", columns=four, broken=False, seed=2, way_in="script"))
        self.during((Episode(0.40, 3),), lambda on: setattr(fgw.spec, "typo", "中华人民共合国" if on else None))
        mzj = self._site("site-mzj", "XX区民政局", "区民政局",
                         "GBK pages; links break and are fixed five times (closure candidate)",
                         SiteSpec("XX区民政局", encoding="gbk", columns=four, broken=False, seed=3))
        self.during(tuple(Episode(at, 3) for at in (0.1, 0.3, 0.55, 0.75, 0.95)),
                    lambda on: setattr(mzj.spec, "broken", on))
        jyj = self._site("site-jyj", "XX区教育局", "区教育局",
                         "an 引导页 in front of its home page, which stops updating for a while, then resumes",
                         SiteSpec("XX区教育局", columns=four, broken=False, seed=4, way_in="entry"))
        stop_jyj = self.day(int(0.25 * self.span))
        self.during((Episode(0.25, max(20, int(0.2 * self.span))),),
                    lambda on: setattr(jyj.spec, "home_stopped_on", stop_jyj if on else None))
        wlj = self._site("site-wlj", "XX区文化和旅游局", "区文化和旅游局", "home page stops updating for good",
                         SiteSpec("XX区文化和旅游局", columns=four, broken=False, seed=5))
        stop_wlj = self.day(int(0.8 * self.span))
        self.from_(0.8, lambda on: setattr(wlj.spec, "home_stopped_on", stop_wlj if on else None))
        stale_news = ColumnSpec("zwdt", "政务动态", "news", 2, "iso", stopped_on=self.day(int(0.6 * self.span)))
        self._site("site-wsj", "XX区卫生健康局", "区卫生健康局",
                   "a blank column all year; its news column abandoned from mid-year",
                   SiteSpec("XX区卫生健康局", columns=(stale_news, *DEFAULT_COLUMNS[1:3], DEFAULT_COLUMNS[5]),
                            broken=False, seed=6))
        slow = self._site("site-zrzy", "XX区自然资源和规划局", "区自然资源和规划局",
                          "slow at peak hours in two episodes: probes time out (unavailable)",
                          SiteSpec("XX区自然资源和规划局", columns=four, broken=False, seed=7))
        self._slow_home(slow, (Episode(0.3, 3), Episode(0.7, 3)))
        sfj = self._site("site-sfj", "XX区司法局", "区司法局", "links a dead external site until mid-year",
                         SiteSpec("XX区司法局", columns=four, broken=False, seed=8))
        self.from_(0.5, lambda fixed: setattr(sfj.spec, "dead_external", None if fixed else DEAD_EXTERNAL))
        others = [a.url for a in self.accounts]
        portal = self._site("site-portal", "XX区人民政府门户网站", "区政府办公室",
                            "the portal; links to every other site; broken links once, fixed in days",
                            SiteSpec("XX区人民政府", columns=DEFAULT_COLUMNS[:4], broken=False,
                                     friend_links=tuple(others), seed=1))
        self.during((Episode(0.5, 4),), lambda on: setattr(portal.spec, "broken", on))

    def _slow_home(self, site: DistrictSite, episodes: tuple[Episode, ...]) -> None:
        server = self.servers[-1]
        home = server.routes["/"]
        slow = {"on": False}
        self.during(episodes, lambda on: slow.update(on=on))

        def answer(request: Request) -> Reply:
            reply = home(request)
            if slow["on"] and PEAK_HOURS[0] <= clock.local(clock.now()).hour < PEAK_HOURS[1]:
                reply.delay = SLOW_SECONDS
            return reply

        server.route("/", answer)
        server.route("/index.html", answer)

    # --- Weibo ------------------------------------------------------------------------------

    def _weibo_account(self, sim: WeiboSimulation, account_id: str, uid: str, name: str, unit: str, story: str,
                       **kwargs) -> SimWeiboAccount:
        self.accounts.append(DemoAccount(account_id, "weibo", name, unit, story, platform_id=uid,
                                         source="weibo_api", contact_email=UNITS[unit]))
        return sim.add(SimWeiboAccount(uid, name, **kwargs))

    def _weibo(self) -> None:
        server = self._server()
        server.route("/gone/*", Reply(status=404, body="<html><body>404 页面不存在</body></html>"))
        server.route("/pages/*", Reply(body="<html><body><p>办事指南</p></body></html>"))
        sim = self.weibo = WeiboSimulation(server)
        begin = _day_start(self.start) - timedelta(days=60) + timedelta(hours=9)
        old_pin = SimPost(at=begin - timedelta(days=400), text="【置顶】XX发布欢迎您", pinned=True)
        add = self._weibo_account
        add(sim, "wb-xxfb", "9900000001", "XX发布", "区委宣传部", "posts daily; an old pinned post",
            posts=[old_pin], cadence=Cadence(start=begin, every_hours=24))
        add(sim, "wb-ga", "9900000002", "XX公安", "区公安分局", "posts every other day; relative dates; pinned post",
            posts=[SimPost(at=begin - timedelta(days=200), text="置顶：防范电信诈骗", pinned="profile_type_id")],
            cadence=Cadence(start=begin, every_hours=48), date_style="relative")
        silences = tuple(Episode(at, 21) for at in (0.08, 0.32, 0.56, 0.8))
        add(sim, "wb-jk", "9900000003", "健康XX", "区卫生健康局",
            "silent for three weeks four times (closure candidate); a post pinned during a silence does not count",
            posts=[SimPost(at=self.windows(silences[1])[0][0] + timedelta(days=3, hours=9), text="置顶：健康提示",
                           pinned=True)],
            cadence=Cadence(start=begin, every_hours=24, silent=self.windows(*silences)))
        add(sim, "wb-jt", "9900000004", "XX交通", "区交通运输局", "stops posting for good",
            cadence=Cadence(start=begin, every_hours=24, stop=self.at(0.8)))
        renamed = add(sim, "wb-jy", "9900000005", "XX教育", "区教育局", "renamed on the platform mid-year",
                      cadence=Cadence(start=begin, every_hours=24))
        self.from_(0.5, lambda on: setattr(renamed, "screen_name", "XX教育发布" if on else "XX教育"))
        add(sim, "wb-cg", "9900000006", "XX城管", "区综合行政执法局", "not verified by the platform",
            verified=False, cadence=Cadence(start=begin, every_hours=24))
        blocked = add(sim, "wb-sc", "9900000007", "XX市场监管", "区市场监督管理局",
                      "the platform answers HTTP 432 for some days: check_failed, never a warning",
                      cadence=Cadence(start=begin, every_hours=24))
        self.during((Episode(0.4, 5),), lambda on: setattr(blocked, "fault", "432" if on else None))
        banned = add(sim, "wb-wt", "9900000008", "梧田发布", "梧田街道", "banned by the platform",
                     cadence=Cadence(start=begin, every_hours=24))
        self.from_(0.65, lambda on: setattr(banned, "state", "banned" if on else "ok"))
        add(sim, "wb-wl", "9900000009", "XX文旅", "区文化和旅游局", "one post with a severe typo",
            cadence=Cadence(start=begin, every_hours=24),
            posts=[SimPost(at=self.at(0.35) + timedelta(hours=10), text="热烈庆祝中华人民共合国成立")])
        add(sim, "wb-rs", "9900000010", "XX人社", "区人力资源和社会保障局",
            "links in its posts: to pages that are gone four times (closure candidate), else healthy",
            cadence=Cadence(start=begin, every_hours=24, link=server.url("/pages/guide.html"), link_every=1),
            posts=[SimPost(at=self.at(f) + timedelta(hours=11), text="社保办理指南详见链接",
                           links=[server.url(f"/gone/guide-{n}.html")]) for n, f in enumerate((0.2, 0.45, 0.7, 0.9))])

    # --- WeChat -----------------------------------------------------------------------------

    def _wechat_account(self, sim: WechatSimulation, account_id: str, name: str, unit: str, story: str, *,
                        source: str = "feed", **kwargs) -> SimWechatAccount:
        account = sim.add(SimWechatAccount(account_id, name, **kwargs))
        row = DemoAccount(account_id, "wechat", name, unit, story, source=source, contact_email=UNITS[unit])
        if source == "feed":
            row.feed_url = sim.feed_url(account_id, "atom" if kwargs.get("feed_dates") == "none" else "rss")
        elif source == "wechat_json":
            row.source_url = sim.json_url(account_id)
        else:
            row.source_url = sim.csv_url()
        self.accounts.append(row)
        return account

    def _wechat(self) -> None:
        server = self._server()
        sim = self.wechat = WechatSimulation(server)
        begin = _day_start(self.start) - timedelta(days=60) + timedelta(hours=18)
        add = self._wechat_account
        add(sim, "wx-xxfb", "XX发布", "区委宣传部", "daily, RSS feed", cadence=Cadence(start=begin, every_hours=24))
        add(sim, "wx-zwfw", "XX政务服务", "区行政服务中心", "the backend's appmsgpublish JSON export",
            source="wechat_json", cadence=Cadence(start=begin, every_hours=48))
        add(sim, "wx-tj", "XX统计", "区统计局", "the posts CSV an owner provides", source="posts_csv",
            cadence=Cadence(start=begin, every_hours=72))
        silences = tuple(Episode(at, 20) for at in (0.05, 0.25, 0.45, 0.65, 0.85))
        add(sim, "wx-nyj", "XX农业农村", "区农业农村局", "silent for three weeks five times (closure candidate)",
            cadence=Cadence(start=begin, every_hours=24, silent=self.windows(*silences)))
        add(sim, "wx-zj", "XX住建", "区住房和城乡建设局", "stops posting for good",
            cadence=Cadence(start=begin, every_hours=24, stop=self.at(0.75)))
        renamed = add(sim, "wx-mz", "XX民政", "区民政局", "its article pages show a new name from mid-year",
                      cadence=Cadence(start=begin, every_hours=24))
        self.from_(0.6, lambda on: setattr(renamed, "nickname", "XX民政服务" if on else "XX民政"))
        banned = add(sim, "wx-tyj", "XX退役军人", "区退役军人事务局", "blocked by the platform near the end",
                     cadence=Cadence(start=begin, every_hours=24))
        self.from_(0.9, lambda on: setattr(banned, "state", "banned" if on else "ok"))
        add(sim, "wx-hb", "生态环境XX", "区生态环境分局", "Atom feed without time zones", feed_dates="none",
            cadence=Cadence(start=begin, every_hours=48))
        add(sim, "wx-ws", "XX卫健", "区卫生健康局", "one article with a severe typo",
            cadence=Cadence(start=begin, every_hours=24),
            articles=[SimArticle(at=self.at(0.55) + timedelta(hours=20), title="健康科普",
                                 text="庆祝中华人民共合国成立周年")])
        add(sim, "wx-sw", "XX商务", "区商务局", "posts every ten days: within the two-week rule",
            cadence=Cadence(start=begin, every_hours=240))

    # --- issue 17: reaching the owners (reminders heeded, a 报备 window) ---------------------------

    def _owners(self) -> None:
        """Two accounts for issue 17's story (the replay's office side is in ``demo/owners.py``):

        - ``site-tjj`` 统计局: a site redesign freezes its home page for three weeks inside a 报备
          window the office approved in advance (``REDESIGN`` and ``redesign_window``): nothing is warned;
        - ``wb-sw`` XX商务: silent for 12 days three times; reminded from day 10, it posts again before
          the two-week rule would warn (``NEAR_MISSES``): reminders, never a warning.
        """
        tjj = self._site("site-tjj", "XX区统计局", "区统计局",
                         "a redesign freezes its home page for three weeks inside an approved 报备 window: no warning",
                         SiteSpec("XX区统计局", columns=DEFAULT_COLUMNS[:4], broken=False, seed=9))
        frozen_on = self.day(REDESIGN.bounds(self.span)[0])
        self.during((REDESIGN,), lambda on: setattr(tjj.spec, "home_stopped_on", frozen_on if on else None))
        begin = _day_start(self.start) - timedelta(days=60) + timedelta(hours=9)
        self._weibo_account(self.weibo, "wb-sw", "9900000011", "XX商务", "区商务局",
                            "silent for 12 days three times; posts again after the reminder: never warned",
                            cadence=Cadence(start=begin, every_hours=24, silent=self.windows(*near_misses(self.span))))

    # --- registry and config ----------------------------------------------------------------

    def account_rows(self) -> list[dict[str, str]]:
        return [a.row() for a in self.accounts]

    @property
    def weibo_base(self) -> str:
        """Where the simulated m.weibo.cn and its visitor system answer (``weibo.api_base``)."""
        assert self.weibo is not None
        return self.weibo.server.base


# --- issue 15: 互动回应差 and 安全 -------------------------------------------------------------------
# Two more department sites: 信访局 stops answering its 局长信箱 (interaction_unanswered), 医保局 posts a
# spreadsheet of citizens' ID and mobile numbers for a while (privacy_leak, evidence masked).

UNITS.update({"区信访局": "xfj@demo.example.gov.cn", "区医疗保障局": "ybj@demo.example.gov.cn"})


def _safety_units(self: District) -> None:
    from mediawatch.simulation.safety_pages import LeakNotice, MessageBoard

    four = DEFAULT_COLUMNS[:4]
    self._site("site-xfj", "XX区信访局", "区信访局",
               "GBK pages; its 局长信箱 leaves messages 办理中 from mid-replay minus 100 days: 互动回应差",
               SiteSpec("XX区信访局", encoding="gbk", columns=four[:2], broken=False, seed=9))
    board = MessageBoard(today=clock.today, pending_from=self.day(int(0.5 * self.span)) - timedelta(days=100),
                         encoding="gbk")
    self.columns.append({"account_id": "site-xfj", "column": "局长信箱", "url": board.mount(self.servers[-1], "/hd/"),
                         "category": "interaction"})
    self._site("site-ybj", "XX区医疗保障局", "区医疗保障局",
               "posts a spreadsheet of citizens' ID and mobile numbers for a while: 泄露个人隐私, then removes it",
               SiteSpec("XX区医疗保障局", columns=four[:2], broken=False, seed=10))
    notice = LeakNotice(today=clock.today)
    self.columns.append({"account_id": "site-ybj", "column": "公示公告", "url": notice.mount(self.servers[-1], "/gs/"),
                         "category": "other"})
    self.during((Episode(0.4, max(3, int(0.2 * self.span))),), notice.set_leaking)


District._safety_units = _safety_units
