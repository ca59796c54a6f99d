"""``closure.candidates_page``: a page of the closure list is that slice of the whole list, one unit's is its own."""

from __future__ import annotations

from mediawatch import clock, closure
from mediawatch.app import App
from report_fixtures import account, warning


def test_pages_and_units_are_slices_of_the_whole_list(home, any_db_url):
    clock.set_now(clock.parse_datetime("2026-12-01T09:00:00+08:00"))
    app = App(home, any_db_url)
    with app.store.session() as s:
        for i in range(12):
            acct = account(s, f"acc-{i:02d}", ["weibo", "wechat", "website"][i % 3], f"账号{i}", f"单位{i % 2}")
            for n in range(3 + i % 4):  # 3..6 warnings: 3 is not over the rule
                warning(s, acct, "not_updated", f"2026-{n + 2:02d}-01", resolved=f"2026-{n + 2:02d}-05")
            warning(s, acct, "broken_links", "2026-03-01", revoked="2026-03-02")  # never counts
    now = clock.now()
    with app.store.session() as s:
        whole = [(c.account_id, c.warnings_12m, c.warning_ids) for c in closure.candidates(s, app.config, now)]
        assert len(whole) == 9 and whole[0][1] == 6
        pages = []
        for offset in range(0, 12, 4):
            found, total = closure.candidates_page(s, app.config, now, offset=offset, limit=4)
            assert total == 9
            pages += [(c.account_id, c.warnings_12m, c.warning_ids) for c in found]
        assert pages == whole
        unit = closure.candidates(s, app.config, now, owner_unit="单位1", limit=50)
        assert [c.account_id for c in unit] == [a for a, _, _ in whole if int(a[-2:]) % 2 == 1]
        assert closure.candidates_page(s, app.config, now, offset=40, limit=4) == ([], 9)
    app.close()
