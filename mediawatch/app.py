"""The application context every command works in: home folder, config, store, clock."""

from __future__ import annotations

import getpass
import os
from functools import cached_property
from pathlib import Path

from mediawatch import config as config_mod
from mediawatch.config import Config
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mediawatch.store import Store


class App:
    def __init__(self, home: Path | str | None = None, db_url: str | None = None, config: Config | None = None):
        self.home = Path(home or os.environ.get("MEDIAWATCH_HOME") or ".").resolve()
        self.db_url = db_url or os.environ.get("MEDIAWATCH_DB") or f"sqlite:///{(self.home / 'mediawatch.db').resolve()}"
        if config is not None:
            self.__dict__["config"] = config

    @cached_property
    def config(self) -> Config:
        return config_mod.load(self.home)

    @cached_property
    def store(self) -> Store:
        from mediawatch.store import open_store

        self.config  # a bad config is reported before anything is created
        if self.db_url.startswith("sqlite:///"):
            Path(self.db_url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
        return open_store(self.db_url)

    @property
    def reports_dir(self) -> Path:
        return self.home / "reports"

    @property
    def actor(self) -> str:
        """Who acts, for warning events and decisions: the operator's login."""
        try:
            return os.environ.get("MEDIAWATCH_ACTOR") or getpass.getuser()
        except Exception:
            return "operator"

    def close(self) -> None:
        if "store" in self.__dict__:
            self.store.dispose()
