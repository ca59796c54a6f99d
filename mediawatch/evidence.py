"""Screenshots as evidence: a full-page PNG of the page when a website warning opens.

After a check run's rules, each warning the run opened on a website, for a rule listed in
``[evidence] rules``, gets one screenshot taken by headless Chromium (Playwright driving the
browser at ``[evidence] chromium_path``), stored as ``reports/evidence/<warning id>.png``. The
result is a ``screenshot`` event in the warning's history: its ``data`` holds the path (relative
to the home folder) and the URL, or, when no picture could be taken (no browser, a timeout, the
page not loading), a note saying why. The warning itself opens either way and never waits on this.

Bounded: one screenshot per warning (a warning with a ``screenshot`` event is never taken again),
at most ``[evidence] max_per_run`` per run, each within ``[evidence] timeout_seconds``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from mediawatch import clock
from mediawatch.config import Config
from mediawatch.store.models import Account, Warning, WarningEvent

log = logging.getLogger("mediawatch.evidence")

FOLDER = Path("reports") / "evidence"
KIND = "screenshot"
# the flags the brief for headless runs on a server asks for: no GPU, no sandbox (containers), no background traffic
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 900}


@dataclass
class Shot:
    warning_id: int
    url: str
    path: str | None  # relative to the home folder
    note: str | None = None


def page_url(warning: Warning, account: Account) -> str | None:
    """The page a warning is about: the evidence's page, else the account's home page."""
    evidence = warning.evidence or {}
    for key in ("url", "page", "page_url"):
        if isinstance(evidence.get(key), str) and evidence[key].startswith(("http://", "https://")):
            return evidence[key]
    columns = evidence.get("columns")
    if isinstance(columns, list) and columns and isinstance(columns[0], dict) and columns[0].get("url"):
        return columns[0]["url"]
    for key in ("broken", "hits", "pages", "links"):
        items = evidence.get(key)
        if isinstance(items, list) and items and isinstance(items[0], dict):
            for field in ("page", "url", "source"):
                value = items[0].get(field)
                if isinstance(value, str) and value.startswith(("http://", "https://")):
                    return value
    return account.url


def due(session, config: Config, run_id: int) -> list[tuple[Warning, Account]]:
    """Warnings this run opened on websites, for the configured rules, without a screenshot event yet."""
    rules = set(config.evidence.rules)
    opened = select(WarningEvent.warning_id).where(WarningEvent.run_id == run_id, WarningEvent.kind == "opened")
    shot = select(WarningEvent.warning_id).where(WarningEvent.kind == KIND)
    rows = session.execute(select(Warning, Account).join(Account, Account.id == Warning.account_pk)
                           .where(Warning.id.in_(opened), Warning.id.not_in(shot), Account.platform == "website")
                           .order_by(Warning.id)).all()
    return [(w, a) for w, a in rows if w.rule in rules]


def take(urls: list[tuple[int, str]], folder: Path, config: Config) -> list[Shot]:
    """Full-page PNGs of ``(warning_id, url)`` pairs with one browser; a failure is a note, never raised."""
    cfg = config.evidence
    executable = Path(cfg.chromium_path)
    if not executable.exists():
        return [Shot(w, u, None, f"未截图：未找到浏览器（{executable}）") for w, u in urls]
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        return [Shot(w, u, None, "未截图：未安装 Playwright") for w, u in urls]
    folder.mkdir(parents=True, exist_ok=True)
    timeout_ms = float(cfg.timeout_seconds) * 1000
    shots: list[Shot] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS, timeout=timeout_ms)
            try:
                for warning_id, url in urls:
                    target = folder / f"{warning_id}.png"
                    context = browser.new_context(viewport=VIEWPORT, ignore_https_errors=True)
                    try:
                        page = context.new_page()
                        page.set_default_timeout(timeout_ms)
                        page.goto(url, timeout=timeout_ms, wait_until="load")
                        page.screenshot(path=str(target), full_page=True, timeout=timeout_ms)
                        shots.append(Shot(warning_id, url, str(target)))
                    except PlaywrightError as exc:
                        reason = str(exc).splitlines()[0][:200]
                        shots.append(Shot(warning_id, url, None, f"未截图：页面未能在时限内打开或截取（{reason}）"))
                    finally:
                        context.close()
            finally:
                browser.close()
    except PlaywrightError as exc:  # the browser would not start
        reason = str(exc).splitlines()[0][:200]
        done = {s.warning_id for s in shots}
        shots.extend(Shot(w, u, None, f"未截图：浏览器无法启动（{reason}）") for w, u in urls if w not in done)
    return shots


def capture_for_run(app, run_id: int) -> list[Shot]:
    """Screenshots for the warnings run ``run_id`` opened (see the module's docstring)."""
    config = app.config
    if not config.evidence.screenshots:
        return []
    with app.store.session() as session:
        pending = due(session, config, run_id)[: max(0, int(config.evidence.max_per_run))]
        urls = [(w.id, page_url(w, a)) for w, a in pending]
    urls = [(w, u) for w, u in urls if u]
    if not urls:
        return []
    home = Path(app.home)
    shots = take(urls, home / FOLDER, config)
    now = clock.now()
    with app.store.session() as session:
        for shot in shots:
            path = Path(shot.path).relative_to(home).as_posix() if shot.path else None
            session.add(WarningEvent(warning_id=shot.warning_id, at=now, kind=KIND, actor="mediawatch", run_id=run_id,
                                     reason=f"截图：{path}" if path else shot.note,
                                     data={"path": path, "url": shot.url, "note": shot.note}))
    log.info("evidence: %d screenshot(s), %d without", sum(1 for s in shots if s.path),
             sum(1 for s in shots if not s.path))
    return shots


def screenshots_of(session, warning_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The screenshot event's data of each warning that has one."""
    found: dict[int, dict[str, Any]] = {}
    for start in range(0, len(warning_ids), 500):
        for warning_id, data in session.execute(
                select(WarningEvent.warning_id, WarningEvent.data).where(
                    WarningEvent.warning_id.in_(warning_ids[start:start + 500]), WarningEvent.kind == KIND)):
            found[warning_id] = dict(data or {})
    return found


def screenshot_of(session, warning_id: int, home: Path | None = None) -> dict[str, Any] | None:
    data = screenshots_of(session, [warning_id]).get(warning_id)
    if data and data.get("path") and home is not None:
        data["file"] = str(Path(home) / data["path"])
    return data
