"""The website crawl on the run's event loop: sites crawled at once, from the runner's threads, share the
loop, its connections and the run's link checker, each with its own findings."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

from mediawatch.checkers.base import CheckContext
from mediawatch.checkers.website import WebsiteChecker
from mediawatch.transport.fetcher import Fetcher
from mediawatch.simulation.server import LocalServer
from mediawatch.simulation.site import DistrictSite, SiteSpec
from tests.test_website_checker import NOW, account, make_config

TODAY = date(2026, 11, 23)


def findings(observations):
    links = next(o for o in observations if o.kind == "links")
    typos = next(o for o in observations if o.kind == "typos")
    return (sorted((b["url"], b["page"], b["on_homepage"], b["occurrences"]) for b in links.data["broken"]),
            links.data["pages_crawled"], links.data["links_checked"], links.data["urls_checked"],
            [(h["page"], h["wrong"]) for h in typos.data["hits"]])


def test_sites_crawled_at_once_share_the_loop():
    servers = [LocalServer().start() for _ in range(3)]
    try:
        sites = [DistrictSite(SiteSpec(typo="中华人民共合国"), today=TODAY) for _ in servers]
        accounts = [account(site.mount(srv), site.columns_rows("site")) for site, srv in zip(sites, servers)]
        config = make_config()
        ctx = CheckContext(config=config, now=NOW, fetcher=Fetcher(config))  # one run: one loop
        with ThreadPoolExecutor(3) as pool:  # as the runner's account workers call the checker
            results = list(pool.map(lambda acc: WebsiteChecker().check(acc, ctx), accounts, timeout=60))
        for site, observations in zip(sites, results):
            broken, pages, links, urls, hits = findings(observations)
            assert {url for url, *_ in broken} == site.broken_urls() and pages > 100 and links > urls
            assert [wrong for _, wrong in hits] == ["中华人民共合国"]
        ctx.extras["link_checker"].close()
    finally:
        for srv in servers:
            srv.stop()

