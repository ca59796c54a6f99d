"""One daemon per database: a second one refuses to start with a clear message."""

import os
import socket
import subprocess
import sys

import pytest

from mediawatch import clock
from mediawatch.app import App
from mediawatch.errors import AlreadyRunning
from mediawatch.schedule.daemon import acquire_lock, release_lock
from mediawatch.store.models import DaemonLock


@pytest.fixture
def app(home, any_db_url):
    app = App(home, any_db_url)
    yield app
    app.close()


def test_second_daemon_refuses_while_first_is_alive(app):
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        with app.store.session() as s:
            s.add(DaemonLock(name="daemon", holder=f"{socket.gethostname()}:{other.pid}", acquired_at=clock.now(),
                             heartbeat_at=clock.now()))
        with pytest.raises(AlreadyRunning, match=f":{other.pid}"):
            acquire_lock(app)
    finally:
        other.kill()
        other.wait()
    # the holder died without releasing: the lock is taken over
    me = acquire_lock(app)
    assert me.endswith(f":{os.getpid()}")
    release_lock(app, me)
    with app.store.session() as s:
        assert s.get(DaemonLock, "daemon") is None


def test_run_once_refuses_while_a_daemon_holds_the_database(cli, home):
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        app = App(home, cli.db_url)
        with app.store.session() as s:
            s.add(DaemonLock(name="daemon", holder=f"{socket.gethostname()}:{other.pid}", acquired_at=clock.now(),
                             heartbeat_at=clock.now()))
        app.close()
        result = cli("run", "--once", expect=1)
        assert "another mediawatch daemon" in result.stderr and str(other.pid) in result.stderr
    finally:
        other.kill()
        other.wait()
