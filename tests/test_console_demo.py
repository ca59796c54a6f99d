"""The demo leaves the console ready: one user per role, the printed passwords sign in on its home."""

from __future__ import annotations

import re

import httpx

from mediawatch import clock
from mediawatch.app import App
from mediawatch.store import default_url

from console_fixtures import ConsoleServer

NOW = "2026-11-23T21:00:00+08:00"


def test_demo_prints_users_that_sign_in(tmp_path):
    from mediawatch.demo import run_demo

    clock.set_now(clock.parse_datetime(NOW))
    home = tmp_path / "demo-home"
    result = run_demo(home, days=2, separate_process=False)
    lines = "\n".join(result.lines())
    assert f"mediawatch --home {home} serve" in lines
    printed = dict(re.findall(r"user (\S+)\s+role \S+.*?password (\S+)", lines))
    assert set(printed) == {"office", "unit-mzj", "leader"}
    mw = App(home, default_url(home))
    try:
        with ConsoleServer(mw) as server:
            for name, password in printed.items():
                client = httpx.Client(base_url=f"http://127.0.0.1:{server.port}", follow_redirects=False)
                csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
                answer = client.post("/login", data={"csrf": csrf, "name": name, "password": password})
                assert answer.status_code == 303, name
                page = client.get("/accounts").text
                assert ("site-mzj" in page) and (("wb-jk" in page) == (name != "unit-mzj")), name
    finally:
        mw.close()
