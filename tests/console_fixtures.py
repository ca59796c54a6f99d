"""A console on a real uvicorn server on 127.0.0.1, over a small district of two units, with one user per role."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest

from mediawatch import clock
from mediawatch.app import App
from mediawatch.store.models import Observation, Reminder, WarningEvent
from report_fixtures import account, at, check, free_port, run, warning

NOW = "2026-12-01T09:00:00+08:00"
PASSWORDS = {"office1": "office-pass-2026", "mz-user": "unit-pass-2026", "leader1": "leader-pass-2026"}
MZ, JY = "区民政局", "区教育局"
# a 1x1 PNG
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cfc0"
                    "f01f0005000201a5f5bd4a0000000049454e44ae426082")
XSS = "<script>document.title='pwned'</script><img src=x onerror=alert(1)>"


@dataclass
class Console:
    base_url: str
    app: App
    home: Path
    ids: dict[str, int] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return self.base_url + path


class ConsoleServer:
    """uvicorn serving the console from a thread of the test process."""

    def __init__(self, mw: App):
        import uvicorn

        from mediawatch.console.app import create_app

        self.port = free_port()
        config = uvicorn.Config(create_app(mw), host="127.0.0.1", port=self.port, log_level="warning",
                                lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "ConsoleServer":
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the console did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def build_district(mw: App) -> dict[str, int]:
    """Two units; warnings of each; a closure candidate in 区教育局; a failed check; posts observations."""
    from mediawatch.console import users

    ids: dict[str, int] = {}
    with mw.store.session() as s:
        site_mz = account(s, "site-mz", "website", "XX区民政局网站", MZ)
        wb_mz = account(s, "wb-mz", "weibo", "XX民政", MZ)
        site_jy = account(s, "site-jy", "website", "XX区教育局网站", JY)
        wx_jy = account(s, "wx-jy", "wechat", "XX教育", JY)
        ids["mz_broken"] = warning(s, site_mz, "broken_links", "2026-11-28 02:00", message=XSS, evidence={
            "count": 1, "pages_crawled": 5, "links_checked": 40, "checked_at": "2026-11-28T02:00:00+08:00",
            "broken": [{"page": "https://site-mz.example.gov.cn/", "url": "https://site-mz.example.gov.cn/gone.pdf",
                        "text": XSS, "tag": "a", "status": 404, "on_homepage": True}]}).id
        ids["mz_silent"] = warning(s, wb_mz, "not_updated", "2026-11-15 02:00", evidence={
            "latest_post_at": "2026-10-30T10:00:00+08:00", "days_since": 16, "threshold_days": 14}).id
        ids["jy_stale"] = warning(s, site_jy, "homepage_not_updated", "2026-11-30 02:00", evidence={
            "url": "https://site-jy.example.gov.cn/", "newest_date": "2026-11-10", "days_since": 20,
            "threshold_days": 14}).id
        for n, day in enumerate(("2026-02-01", "2026-05-01", "2026-08-01", "2026-10-01")):
            ids[f"jy_wx_{n}"] = warning(s, wx_jy, "not_updated", f"{day} 02:00", resolved=f"{day} 23:00").id
        last = run(s, "2026-12-01 02:00")
        for acct in (site_mz, site_jy, wx_jy):
            check(s, last, acct)
        check(s, last, wb_mz, "check_failed")
        for day in range(20):
            when = at("2026-11-10 02:00") + timedelta(days=day)
            s.add(Observation(run_id=last.id, account_pk=wb_mz.id, as_of=when, kind="posts", target="x", ok=True,
                              data={"count_7d": day % 5}))
        for unit, item in ((MZ, {"account_id": "wb-mz", "account_name": "XX民政", "text": "已10天未发布，4天后将触发预警"}),
                           (JY, {"account_id": "wx-jy", "account_name": "XX教育", "text": "已12天未发布，2天后将触发预警"})):
            s.add(Reminder(owner_unit=unit, day="2026-12-01", items=[item], created_at=clock.now()))
        shot = Path(mw.home) / "reports" / "evidence" / f"{ids['mz_broken']}.png"
        shot.parent.mkdir(parents=True, exist_ok=True)
        shot.write_bytes(PNG)
        s.add(WarningEvent(warning_id=ids["mz_broken"], at=at("2026-11-28 02:05"), kind="screenshot", actor="mediawatch",
                           data={"path": f"reports/evidence/{ids['mz_broken']}.png", "url": "https://site-mz.example.gov.cn/"}))
        for name, role, unit in (("office1", "office", None), ("mz-user", "unit", MZ), ("leader1", "leader", None)):
            users.add(s, mw.config, name, role, unit, PASSWORDS[name], actor="test", now=clock.now())
    return ids


@pytest.fixture
def console(home, db_url):
    clock.set_now(clock.parse_datetime(NOW))
    mw = App(home, db_url)
    ids = build_district(mw)
    try:
        with ConsoleServer(mw) as server:
            yield Console(f"http://127.0.0.1:{server.port}", mw, home, ids)
    finally:
        mw.close()
