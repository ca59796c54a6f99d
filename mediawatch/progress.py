"""A progress bar on a terminal; nothing when output goes to a file or a log."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Iterator

from mediawatch.runner import Progress

LABELS = {"check": "检查 checking", "evaluate": "研判 evaluating", "probe": "探测 probing"}


@contextmanager
def progress_bar() -> Iterator[Progress]:
    if not sys.stderr.isatty():
        yield lambda phase, done, total: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress as RichProgress, TextColumn, TimeElapsedColumn

    bars: dict[str, int] = {}
    with RichProgress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      transient=False) as rich:
        def update(phase: str, done: int, total: int) -> None:
            if phase not in bars:
                bars[phase] = rich.add_task(LABELS.get(phase, phase), total=total)
            rich.update(bars[phase], completed=done, total=total)

        yield update
