"""The demo's district served from a child process: the simulated internet gets the second core.

Checks and simulation in one process share one interpreter lock: every simulated answer is built
by a thread that competes with the checkers for it. In its own process (child.py) the district
answers in parallel, as real sites and platforms would. The parent drives it over a socket:

    district = RemoteDistrict(start, span).start_servers()   # the attributes the replay reads
    district.set_time(at, index)    # both clocks, and the accounts' behaviour for that moment
    district.stop()                 # servers stopped, child process ended
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import date, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path

import mediawatch
from mediawatch import clock
from mediawatch.demo.district import DemoAccount

START_TIMEOUT = 60.0


class RemoteDistrict:
    """A ``District`` in a child process, with the attributes and calls the replay uses."""

    def __init__(self, start: date, span: int):
        self.start, self.span = start, span
        self.accounts: list[DemoAccount] = []
        self.columns: list[dict[str, str]] = []
        self.canary_url = ""
        self.weibo_base = ""
        self._conn = None
        self._process = None

    def start_servers(self) -> "RemoteDistrict":
        # a child started afresh (not forked from a process that runs threads, nor re-running the
        # caller's main module as multiprocessing's spawn would), talking over a socket pair
        ours, theirs = socket.socketpair()
        package_root = str(Path(mediawatch.__file__).resolve().parent.parent)
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, (package_root, os.environ.get("PYTHONPATH")))))
        self._process = subprocess.Popen(
            [sys.executable, "-m", "mediawatch.demo.child", str(theirs.fileno()), self.start.isoformat(),
             str(self.span)], pass_fds=(theirs.fileno(),), env=env, stdin=subprocess.DEVNULL)
        theirs.close()
        self._conn = Connection(ours.detach())
        if not self._conn.poll(START_TIMEOUT):
            self.stop()
            raise RuntimeError("the simulated district did not start")
        try:
            hello = self._conn.recv()
        except EOFError:
            self.stop()
            raise RuntimeError("the simulated district's process ended at start") from None
        if "error" in hello:
            self.stop()
            raise RuntimeError(f"the simulated district failed to start: {hello['error']}")
        self.accounts, self.columns = hello["accounts"], hello["columns"]
        self.canary_url, self.weibo_base = hello["canary_url"], hello["weibo_base"]
        self.ca_pem = hello.get("ca_pem", b"")  # issue 16
        return self

    def day(self, index: int) -> date:
        return self.start + timedelta(days=index)

    def set_time(self, at: datetime, index: int) -> None:
        clock.set_now(at)
        self._conn.send(("at", at, index))
        answer = self._conn.recv()
        if answer != "ok":
            raise RuntimeError(f"the simulated district failed: {answer.get('error')}")

    def account_rows(self) -> list[dict[str, str]]:
        return [a.row() for a in self.accounts]

    def stop(self) -> None:
        if self._conn is not None:
            try:
                self._conn.send(("stop",))
            except OSError:
                pass
        if self._process is not None:
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None
