"""check_failed accounts are retried later the same day, with backoff, and only those."""

import threading
from datetime import timedelta

from apscheduler.jobstores.memory import MemoryJobStore
from sqlalchemy import select
from apscheduler.schedulers.background import BackgroundScheduler

from mediawatch import clock
from mediawatch.app import App
from mediawatch.schedule import daemon
from mediawatch.simulation.weibo import Cadence, SimWeiboAccount, WeiboSimulation
from mediawatch.store.models import Account, AccountCheck, CheckRun


def test_blocked_accounts_are_retried_with_backoff(server, home, tmp_path, cli):
    text = (home / "mediawatch.toml").read_text(encoding="utf-8").replace(
        "[weibo]\n", f"[weibo]\napi_base = \"{server.base}\"\nvisitor_base = \"{server.base}\"\n") \
        + "[schedule]\nspread_minutes = 0\n"
    (home / "mediawatch.toml").write_text(text, encoding="utf-8")
    weibo = WeiboSimulation(server)
    start = clock.parse_datetime("2026-01-01T09:00:00+08:00")
    weibo.add(SimWeiboAccount("9900000001", "XX发布", cadence=Cadence(start=start)))
    blocked = weibo.add(SimWeiboAccount("9900000002", "XX教育", cadence=Cadence(start=start), fault="432"))
    (tmp_path / "a.csv").write_text("account_id,platform,name,owner_unit,platform_id\n"
                                    "wb-ok,weibo,XX发布,区委宣传部,9900000001\nwb-blocked,weibo,XX教育,区教育局,9900000002\n",
                                    encoding="utf-8")
    cli("accounts", "import", str(tmp_path / "a.csv"))
    app = App(home, cli.db_url)
    scheduler = BackgroundScheduler(jobstores={"memory": MemoryJobStore()}, timezone=clock.SHANGHAI)
    daemon._state.update(app=app, stop=threading.Event(), scheduler=scheduler)
    try:
        clock.set_now(clock.parse_datetime("2026-11-21T02:00:00+08:00"))
        daemon.job_daily_check()
        job = scheduler.get_job("retry-1")
        assert job.args == (["wb-blocked"], 1)
        assert job.trigger.run_date == clock.now() + timedelta(minutes=30)
        # still blocked at the first retry: the next one waits twice as long
        clock.set_now(clock.now() + timedelta(minutes=30))
        daemon.job_retry(*job.args)
        job = scheduler.get_job("retry-2")
        assert job.args == (["wb-blocked"], 2)
        assert job.trigger.run_date == clock.now() + timedelta(minutes=60)
        # unblocked: the retry checks it, and no further retry is scheduled
        blocked.fault = None
        clock.set_now(clock.now() + timedelta(minutes=60))
        daemon.job_retry(*job.args)
        assert scheduler.get_job("retry-3") is None
    finally:
        daemon._state.clear()
        app.close()
    app = App(home, cli.db_url)
    with app.store.session() as s:
        rows = s.execute(select(CheckRun.id, Account.account_id, AccountCheck.outcome)
                         .join(AccountCheck, AccountCheck.run_id == CheckRun.id)
                         .join(Account, Account.id == AccountCheck.account_pk)).all()
    app.close()
    runs: dict[int, dict[str, str]] = {}
    for run_id, account_id, outcome in rows:
        runs.setdefault(run_id, {})[account_id] = outcome
    # the daily run checks both; the retries only the blocked account, failing then succeeding
    assert [runs[k] for k in sorted(runs)] == [{"wb-ok": "ok", "wb-blocked": "check_failed"},
                                               {"wb-blocked": "check_failed"}, {"wb-blocked": "ok"}]
