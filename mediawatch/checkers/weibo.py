"""The Weibo check: posts, profile, links in posts and typos, through the account's source.

Sources (``checkers/sources``): ``weibo_api`` (m.weibo.cn, the default with a uid), ``feed`` (an
RSS/Atom bridge), ``posts_csv``. Requests to the platform are polite (``weibo.delay_seconds`` with
jitter, ``weibo.concurrency`` per host, ``weibo.max_requests_per_run``); see sources/client.py.
Observations are described in checkers/base.py and sources/observe.py.
"""

from __future__ import annotations

from mediawatch.checkers.newmedia import NewMediaChecker


class WeiboChecker(NewMediaChecker):
    platform = "weibo"
