"""A run's own stop: the caller's stop (SIGTERM) or the run budget, then a cut of what is in flight.

    with RunStop(config, outer_stop, fetcher=lambda: runner._fetcher) as stop:
        ... stop.event.is_set() ...      # the run stops taking accounts
        stop.reason                      # "" | "stopped (signal)" | "the run budget (… min) was spent"

The caller's event is only read, never set: the budget ends the run, not the daemon.
``schedule.stop_grace_seconds`` after the stop, the fetcher's requests in flight are cut
(``Fetcher.cancel``), so a run ends in a bounded time whatever the servers do.
"""

from __future__ import annotations

import logging
import threading
from typing import Callable

from mediawatch import clock
from mediawatch.config import Config

log = logging.getLogger("mediawatch.runner")
POLL_SECONDS = 0.2


class RunStop:
    def __init__(self, config: Config, outer: threading.Event, fetcher: Callable[[], object]):
        self.config = config
        self.outer = outer
        self.fetcher = fetcher
        self.event = threading.Event()
        self.reason = ""
        self._finished = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="run-budget", daemon=True)

    def __enter__(self) -> "RunStop":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._finished.set()
        self._thread.join(timeout=5)

    def _watch(self) -> None:
        schedule = self.config.schedule
        budget_end = clock.monotonic() + float(schedule.run_budget_minutes) * 60
        while not self._finished.is_set():
            if self.outer.is_set():
                self.reason = "stopped (signal)"
                break
            if clock.monotonic() >= budget_end:
                self.reason = f"the run budget ({schedule.run_budget_minutes:g} min) was spent"
                log.error("check run: %s; stopping", self.reason)
                break
            self._finished.wait(POLL_SECONDS)
        else:
            return
        self.event.set()
        if self._finished.wait(float(schedule.stop_grace_seconds)):
            return
        fetcher = self.fetcher()
        if fetcher is not None and hasattr(fetcher, "cancel"):
            log.warning("check run: requests still in flight %s s after the stop; cutting them",
                        schedule.stop_grace_seconds)
            fetcher.cancel()
