"""The child process of ``RemoteDistrict`` (remote.py): serves the district and follows the parent's clock.

    python -m mediawatch.demo.child FD START SPAN     # FD: the socket to the parent

It ignores SIGINT and SIGTERM (the parent decides when it stops; a Ctrl-C on the terminal reaches
both) and exits when the parent says so or goes away (the socket closes).
"""

from __future__ import annotations

import signal
import sys
from datetime import date
from multiprocessing.connection import Connection

from mediawatch.demo.district import District


def serve(conn, start: date, span: int) -> None:
    """The child: build the district, hand its addresses back, then follow the parent's clock."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    district = District(start, span)
    try:
        district.start_servers()
        conn.send({"accounts": district.accounts, "columns": district.columns, "canary_url": district.canary_url,
                   "weibo_base": district.weibo.server.base, "ca_pem": district.ca_pem})
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                return  # the parent is gone
            if message[0] == "stop":
                return
            _, at, index = message
            district.set_time(at, index)
            conn.send("ok")
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises it
        try:
            conn.send({"error": f"{exc.__class__.__name__}: {exc}"})
        except OSError:
            pass
    finally:
        district.stop()
        conn.close()


if __name__ == "__main__":
    serve(Connection(int(sys.argv[1])), date.fromisoformat(sys.argv[2]), int(sys.argv[3]))
