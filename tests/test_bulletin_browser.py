"""The bulletin and a notice in a real headless Chromium: phone and A4 widths, print, charts drawn.

Uses Debian's Chromium (``/usr/bin/chromium``) through Playwright; nothing is downloaded. Without
Chromium these tests skip, except under CI, where they fail. Screenshots (and the A4 PDF) go to
``test-output/`` for a person to look at.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from mediawatch.app import App
from mediawatch.bulletin import write_bulletin
from mediawatch.notices import prepare_and_send
from report_fixtures import at, load_month

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "test-output"
DATA = Path(__file__).resolve().parent / "data" / "bulletin"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PHONE = {"width": 390, "height": 844}
A4 = {"width": 794, "height": 1123}  # 210 mm at 96 dpi


def chromium_path() -> str:
    path = os.environ.get("MEDIAWATCH_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("playwright is not installed")
        pytest.skip("playwright is not installed")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def bulletin(home, db_url) -> Path:
    app = App(home, db_url)
    try:
        load_month(app.store, DATA / "month.json")
        return write_bulletin(app, "2026-10", now=at("2026-11-02 09:00")).html
    finally:
        app.close()


def open_page(browser, path: Path, viewport: dict, media: str = "screen"):
    page = browser.new_page(viewport=viewport)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if not r.url.startswith("file://") else None)
    page.emulate_media(media=media)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    page.requests = requests
    return page


OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const over = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    const spills = ['TD', 'TH', 'P', 'DIV', 'H1', 'H2', 'H3', 'H4', 'DD'].includes(el.tagName)
      && el.scrollWidth > el.clientWidth + 1;  // text running out of its box (a cell too narrow for it)
    if ((box.width && box.right > width + 1) || spills)
      over.push(`${el.tagName}.${el.className}: ${(el.textContent || '').slice(0, 40)}`);
  }
  return {scroll: document.documentElement.scrollWidth, width, over: over.slice(0, 10)};
}"""

CHARTS = """() => [...document.querySelectorAll('svg')].filter(s => s.getBoundingClientRect().width > 0).map(s => ({
  width: s.getBoundingClientRect().width, label: s.getAttribute('aria-label'),
  lines: s.querySelectorAll('polyline').length, dots: s.querySelectorAll('circle').length,
  bars: [...s.querySelectorAll('rect.bar')].filter(r => r.getBoundingClientRect().width > 0).length,
  texts: [...s.querySelectorAll('text')].map(t => t.textContent)}))"""


def check_layout(page, name: str) -> None:
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"{name}.png"), full_page=True)
    layout = page.evaluate(OVERFLOW)
    assert layout["scroll"] <= layout["width"], layout
    assert layout["over"] == [], layout
    assert page.requests == [], page.requests  # self-contained: nothing fetched
    assert page.evaluate("document.querySelectorAll('script, link, img, iframe').length") == 0


@pytest.mark.parametrize("name,viewport", [("bulletin-phone", PHONE), ("bulletin-a4", A4)])
def test_bulletin_fits_and_draws_its_charts(browser, bulletin, name, viewport):
    page = open_page(browser, bulletin, viewport)
    try:
        check_layout(page, name)
        charts = page.evaluate(CHARTS)
        assert [c["label"] for c in charts] == ["近12个月合格率趋势", "问题类型分布"]
        trend, bars = charts
        assert trend["lines"] >= 1 and trend["dots"] == 3 and "37.50%" in trend["texts"]
        assert bars["bars"] == 5 and "内容不更新" in bars["texts"]
        assert all(c["width"] > 0.8 * min(viewport["width"], 740) - 60 for c in charts), charts
        # the account named <script> is text on the page
        assert "<script>alert('x')</script>交通" in page.inner_text("body")
    finally:
        page.close()


def test_bulletin_prints_on_a4(browser, bulletin):
    page = open_page(browser, bulletin, A4, media="print")
    try:
        check_layout(page, "bulletin-print")
        pdf = page.pdf(path=str(OUTPUT / "bulletin-a4.pdf"), prefer_css_page_size=True)
        assert pdf[:5] == b"%PDF-" and pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") >= 3
        assert page.evaluate("[...document.querySelectorAll('svg')].filter(s => s.getBoundingClientRect().width)"
                             ".length") == 2
    finally:
        page.close()


def test_notice_fits_a_phone(browser, home, db_url):
    from report_fixtures import account, warning

    app = App(home, db_url)
    try:
        with app.store.session() as s:
            acct = account(s, "edu-web", "website", "区教育局网站", "区教育局", email="edu@example.gov.cn")
            warning(s, acct, "broken_links", "2026-11-22 02:00", evidence={"count": 1, "pages_crawled": 3,
                    "links_checked": 90, "broken": [{"page": "https://edu-web.example.gov.cn/news/2026/11/22/a-very-"
                                                             "long-path-that-would-overflow-a-phone.html",
                                                     "url": "https://edu-web.example.gov.cn/uploads/2026/招生简章"
                                                            "-final-version-2.pdf", "status": 404}]})
        report = prepare_and_send(app, now=at("2026-11-23 09:00"))
        path = Path(report.outcomes[0].path)
    finally:
        app.close()
    page = open_page(browser, path, PHONE)
    try:
        check_layout(page, "notice-phone")
    finally:
        page.close()
