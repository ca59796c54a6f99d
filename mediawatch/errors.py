"""Every exception mediawatch raises on purpose.

    MediawatchError                 the tool itself failed (exit 1)
    ├── BadInput                    the operator's input is wrong (exit 2), nothing written
    │   ├── ConfigError             mediawatch.toml: unknown key, wrong type
    │   └── ImportFileError         a CSV file: carries every problem as FILE:LINE: column: reason
    ├── StoreError                  the database cannot be opened or is at an unknown schema
    ├── AlreadyRunning              another daemon holds the lock on this database
    └── NotBuilt                    a contract command that does not exist yet (exit 1)

Checkers never raise for a failing account: they return observations that carry the error.
"""

from __future__ import annotations


class MediawatchError(Exception):
    exit_code = 1


class BadInput(MediawatchError):
    exit_code = 2


class ConfigError(BadInput):
    pass


class ImportFileError(BadInput):
    """Every problem found in an input file, each as ``FILE:LINE: column: reason``."""

    LISTED = 200  # problems printed; the rest are counted (a huge bad file must not flood the terminal)

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = problems[:self.LISTED]
        more = len(problems) - len(shown)
        super().__init__("\n".join(shown + ([f"… and {more} more problems"] if more > 0 else [])))


class StoreError(MediawatchError):
    pass


class AlreadyRunning(MediawatchError):
    pass


class NotBuilt(MediawatchError):
    def __init__(self, what: str):
        super().__init__(f"{what}: not built yet")
