"""One check at a time on a database: the run claim.

``mediawatch check`` from cron and from a person, two crons, the daemon's daily job and its
retries: each check run first claims the row ``check`` of the lock table (the table the daemon's
own lock lives in), atomically (insert, or compare-and-swap over a claim whose holder is dead).
The holder refreshes it every ``HEARTBEAT_SECONDS``; a claim whose process is gone (same machine)
or whose heartbeat is older than ``STALE_AFTER`` (another machine) is taken over. A second check
either waits (``wait`` seconds) or fails with a plain ``AlreadyRunning``.

Once claimed, any check run still marked ``running`` has no live process behind it (kill -9, a
power cut): it is marked ``interrupted`` and said so; running ``check`` again with its ``--now``
(or the same clock time) resumes it, committed accounts kept.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from mediawatch import clock
from mediawatch.errors import AlreadyRunning
from mediawatch.store.models import CheckRun, DaemonLock

log = logging.getLogger("mediawatch.claim")

NAME = "check"
HEARTBEAT_SECONDS = 15
STALE_AFTER = timedelta(seconds=HEARTBEAT_SECONDS * 4)
POLL_SECONDS = 2.0


def _alive(holder: str) -> bool:
    """``host:pid:token``: the process behind a claim is alive (the daemon lock's own test, token aside)."""
    from mediawatch.schedule.daemon import _alive_here

    host, pid, _token = (holder.rsplit(":", 2) + ["", ""])[:3]
    return _alive_here(f"{host}:{pid}")


class RunClaim:
    def __init__(self, store):
        self.store = store
        self.me = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _try(self) -> str | None:
        """None when claimed; else who holds it."""
        now = clock.wall()
        with self.store.session() as session:
            current = session.get(DaemonLock, NAME)
            if current is not None:
                heartbeat = current.heartbeat_at
                if heartbeat.tzinfo is None:
                    heartbeat = heartbeat.replace(tzinfo=clock.UTC)
                if now - heartbeat < STALE_AFTER and _alive(current.holder):
                    return f"{current.holder}, since {clock.iso(current.acquired_at)}"
                # compare-and-swap: only the claim we saw is removed (another taker may have replaced it)
                gone = session.execute(delete(DaemonLock).where(
                    DaemonLock.name == NAME, DaemonLock.holder == current.holder,
                    DaemonLock.heartbeat_at == current.heartbeat_at)).rowcount
                if not gone:
                    return "another check that claimed it a moment ago"
                log.warning("taking over the check claim of %s (its process is gone)", current.holder)
        try:
            with self.store.session() as session:
                session.add(DaemonLock(name=NAME, holder=self.me, acquired_at=now, heartbeat_at=now))
        except IntegrityError:
            return "another check that claimed it a moment ago"
        return None

    def acquire(self, wait: float = 0.0, stop: threading.Event | None = None) -> list[int]:
        """Claim, waiting up to ``wait`` seconds; the ids of orphaned runs marked interrupted."""
        deadline = clock.monotonic() + max(0.0, wait)
        while True:
            holder = self._try()
            if holder is None:
                break
            if clock.monotonic() >= deadline or (stop is not None and stop.is_set()):
                raise AlreadyRunning(f"a check is already running on this database ({holder}); this one did not "
                                     "start. Wait for it to finish, or pass --wait SECONDS")
            log.info("a check is already running (%s); waiting", holder)
            if stop is not None:
                stop.wait(POLL_SECONDS)
            else:
                clock.sleep(POLL_SECONDS)
        self._thread = threading.Thread(target=self._beat, name="check-claim", daemon=True)
        self._thread.start()
        return self._orphans()

    def _orphans(self) -> list[int]:
        with self.store.session() as session:
            ids = list(session.scalars(select(CheckRun.id).where(CheckRun.kind == "check",
                                                                 CheckRun.status == "running")))
            if ids:
                session.execute(update(CheckRun).where(CheckRun.id.in_(ids)).values(
                    status="interrupted",
                    message="the process running it stopped without finishing (killed?); "
                            "run `mediawatch check` again with the same --now to finish it"))
                log.warning("check run(s) %s were left running by a process that is gone: marked interrupted",
                            ", ".join(map(str, ids)))
        return ids

    def _beat(self) -> None:
        while not self._stop.wait(HEARTBEAT_SECONDS):
            try:
                with self.store.session() as session:
                    session.execute(update(DaemonLock).where(DaemonLock.name == NAME, DaemonLock.holder == self.me)
                                    .values(heartbeat_at=clock.wall()))
            except Exception:  # noqa: BLE001 - a missed heartbeat is retried; the claim goes stale only after four
                log.exception("check claim heartbeat failed")

    def release(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        with self.store.session() as session:
            session.execute(delete(DaemonLock).where(DaemonLock.name == NAME, DaemonLock.holder == self.me))
