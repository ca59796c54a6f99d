"""Issue 16 in the demo (``--days 30``): the HTTPS site with a certificate near its expiry, the sites without the
identity block, the Douyin and 头条 accounts through feeds, and a bulletin with both pass rates."""

from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from mediawatch.clock import SHANGHAI

from tests.conftest import Cli

# the demo's TLS site is judged by the real clock too (the TLS library's): replay up to the real today
TODAY = datetime.now(SHANGHAI)
NOW = TODAY.replace(hour=10, minute=0, second=0, microsecond=0).isoformat()
LAST_MONTH = (TODAY.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")


@pytest.fixture
def demo_cli(tmp_path: Path) -> Cli:
    home = tmp_path / "demo-home"
    return Cli(home, f"sqlite:///{home / 'mediawatch.db'}")


def test_demo_issue16_additions(demo_cli):
    out = demo_cli("demo", "--days", "30", now=NOW).stdout
    home = demo_cli.home
    assert "12 websites" in out  # 8 + site-tjj (issue 17) + site-sjj (issue 16) + site-xfj, site-ybj (issue 15)
    month = home / "reports" / LAST_MONTH
    html = (month / "bulletin.html").read_text(encoding="utf-8")
    assert "19号口径合格率" in html and "本通报合格率：" in html
    # the HTTPS site: trusted through the demo CA, its certificate about 20 real days from expiry
    assert "XX区审计局" in html and "天后到期" in html
    with open(month / "annex.csv", encoding="utf-8-sig", newline="") as f:
        rows = {r["账号编号"]: r for r in csv.DictReader(f)}
    assert rows["dy-xxfb"]["平台"] == "政务抖音号" and rows["dy-xxfb"]["检查结果"] == "合格"
    assert rows["tt-rm"]["平台"] == "政务头条号" and rows["tt-rm"]["本月成功检查次数"] not in ("", "0")
    assert {r["19号口径检查结果"] for r in rows.values()} <= {"合格", "不合格", "未检查"}
    # the office's 自查 of site-sjj: 办事服务 20 + 10 (capped at 25), 发布解读 12, 互动交流 8, and the machine's
    # broken links (none on this site): 100 - 45 = 55, below 60: 不合格 on the score alone
    assert rows["site-sjj"]["19号扣分指标得分"] == "55"
    assert rows["site-sjj"]["19号口径检查结果"] == "不合格" and rows["site-sjj"]["19号否决项"] == "扣分指标得分低于60分"
    assert "政府网站扣分指标得分（19号口径" in html and "区审计局“XX区审计局”<span class=\"alert\">55分</span>" in html
    from openpyxl import load_workbook

    sheet = load_workbook(month / "annex.xlsx", read_only=True)["网站基本要求"]
    table = list(sheet.iter_rows(values_only=True))
    by_site = {r[0]: dict(zip(table[0], r)) for r in table[1:]}
    assert by_site["XX区审计局"]["网站标识信息"] == "齐全"
    assert by_site["XX区审计局"]["HTTPS"] == "是" and by_site["XX区审计局"]["证书"].startswith("有效，")
    days = int(by_site["XX区审计局"]["证书"].removeprefix("有效，").removesuffix("天后到期"))
    # the certificate expires 20 days after today: at last month's last check (its last day, 02:00) that was
    # 20 days plus the days since then (under 30, a finding, in the first days of a month)
    since = (TODAY.date() - (TODAY.replace(day=1) - timedelta(days=1)).date()).days
    assert 20 + since - 1 <= days <= 20 + since
    assert by_site["XX区民政局"]["网站标识信息"].startswith("缺网站标识码")  # a site without the identity block
    assert "gov.cn域名" not in table[0]  # the demo turns that item off: every simulated site is on 127.0.0.1
    # the identity block and the certificate are findings: no warning for them
    warnings = json.loads(demo_cli("warnings", "--status", "all", "--format", "json", now=NOW).stdout)
    assert not [w for w in warnings if w["rule"].startswith("site_")]
    # the identity block's links stay on the simulated site: no link to a real host fails DNS and is warned
    assert not [w for w in warnings if w["account_id"] == "site-sjj"]
