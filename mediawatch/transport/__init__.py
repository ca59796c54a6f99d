"""Transport: the way out to the network, and nothing about pages.

``guard.py`` (which URLs and addresses may be fetched), ``pinned.py`` (connections made to the very
address judged), ``fetcher.py`` (the synchronous client of the platform clients and probes),
``client.py`` (the asyncio client of the crawl and the link check), ``hostqueue.py`` (per-host and
total limits on the loop), ``runloop.py`` (one event loop per run), ``urlcache.py``. It imports neither
``pages/`` nor ``checkers/`` (tests/test_layout.py)."""
