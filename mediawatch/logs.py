"""Logging: readable on a terminal, quiet key=value lines otherwise (for journald and cron)."""

from __future__ import annotations

import logging
import sys


class KeyValueFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        from mediawatch import clock

        message = record.getMessage()
        line = f"ts={clock.local(clock.now()).isoformat(timespec='seconds')} level={record.levelname.lower()} " \
               f"logger={record.name} msg={message!r}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def setup_logging(verbose: bool = False) -> None:
    root = logging.getLogger("mediawatch")
    if getattr(root, "_mediawatch_configured", False):
        root.setLevel(logging.DEBUG if verbose else logging.INFO)
        return
    if sys.stderr.isatty():
        from rich.logging import RichHandler

        handler: logging.Handler = RichHandler(show_path=False, rich_tracebacks=False)
        handler.setFormatter(logging.Formatter("%(message)s"))
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(KeyValueFormatter())
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    root.propagate = False
    root._mediawatch_configured = True  # type: ignore[attr-defined]
