"""Jinja2 templates for notices and bulletins: the office's own copy first, then the packaged one.

Lookup order for a template name (``notice.html``, ``_evidence.html``, ...):

1. ``<home>/templates/<name>``: the office overrides any template, partials included, by
   putting a file of the same name there;
2. the packaged copy: ``mediawatch/templates/`` inside an installed wheel, or the top-level
   ``templates/`` folder of a source checkout.

Autoescape is on for everything but ``.txt`` and ``.css`` templates, so text from accounts and
pages (names, link texts, typo contexts) always shows as text.

The top-level ``templates/`` folder is copied into the package at build time by ``BuildPy``
(named in pyproject.toml ``[tool.setuptools.cmdclass]``). setuptools loads this file by path
while building, before the package or its dependencies exist, so at module level it imports
the standard library only; Jinja2 and the clock are imported where they are used.
"""

from __future__ import annotations

import functools

import os
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PACKAGED = HERE / "templates"  # inside an installed wheel
SOURCE = HERE.parent / "templates"  # a source checkout (editable install)
OVERRIDE_DIR = "templates"


def packaged_dir() -> Path:
    """The templates shipped with this copy of mediawatch."""
    return PACKAGED if PACKAGED.is_dir() else SOURCE


def search_path(home: Path | None) -> list[Path]:
    dirs = []
    if home is not None and (Path(home) / OVERRIDE_DIR).is_dir():
        dirs.append(Path(home) / OVERRIDE_DIR)
    dirs.append(packaged_dir())
    return dirs


def environment(home: Path | None = None):
    """A Jinja2 environment over ``search_path(home)`` with mediawatch's filters.

    One per search path, kept: compiled templates are cached, and the loader still notices when
    the office edits a template (Jinja2 checks the file's modification time).
    """
    dirs = search_path(home)
    overrides = tuple(sorted(os.listdir(dirs[0]))) if len(dirs) > 1 else ()  # a newly added override counts
    return _environment(tuple(str(p) for p in dirs), overrides)


@functools.lru_cache(maxsize=16)
def _environment(dirs: tuple[str, ...], overrides: tuple[str, ...]):
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(list(dirs), encoding="utf-8"),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html", "htm", "xml", "svg"), disabled_extensions=("txt", "css"),
            default_for_string=True, default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    env.globals.update(_globals())
    return env


def render(home: Path | None, name: str, **context: Any) -> str:
    return environment(home).get_template(name).render(**context)


# --- filters -------------------------------------------------------------------------------

def _as_date(value: Any) -> date | None:
    """A date from a datetime (shown in Asia/Shanghai), a date, or an ISO string."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return _local_date(value) if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    from mediawatch import clock

    text = str(value).strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return clock.local(clock.parse_datetime(text)).date()
    except ValueError:
        return None


@functools.lru_cache(maxsize=4096)
def _local_date(value: datetime) -> date:
    """The Asia/Shanghai date of an aware datetime (a bulletin's tables repeat the same check times
    thousands of times: each is converted once)."""
    from mediawatch import clock

    return clock.local(value).date()


def cn_date(value: Any, missing: str = "—") -> str:
    """``2026年11月20日``."""
    day = _as_date(value)
    return missing if day is None else f"{day.year}年{day.month}月{day.day}日"


def ymd(value: Any, missing: str = "—") -> str:
    """``2026-11-20``."""
    day = _as_date(value)
    return missing if day is None else day.isoformat()


def cn_datetime(value: Any, missing: str = "—") -> str:
    """``2026年11月20日 10:05`` in Asia/Shanghai."""
    from mediawatch import clock

    if value is None or value == "":
        return missing
    if not isinstance(value, datetime):
        try:
            value = clock.parse_datetime(str(value))
        except ValueError:
            return str(value)
    local = clock.local(value)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def percent(value: Any, digits: int = 2, missing: str = "—") -> str:
    """A ratio as a percentage rounded half up: 0.94117 -> ``94.12%``; a string is taken as already a percentage."""
    if value is None or value == "":
        return missing
    if isinstance(value, str):
        return f"{value}%"
    quantum = Decimal(1).scaleb(-digits)
    return f"{(Decimal(str(value)) * 100).quantize(quantum, rounding=ROUND_HALF_UP)}%"


def _globals() -> dict[str, Any]:
    from mediawatch.rules.catalog import PLATFORM_TITLES, RULE_TITLES, STATUS_TITLES

    return {"RULE_TITLES": RULE_TITLES, "PLATFORM_TITLES": PLATFORM_TITLES, "STATUS_TITLES": STATUS_TITLES}


def rule_title(rule: str) -> str:
    from mediawatch.rules.catalog import rule_title as title

    return title(rule)


def platform_title(platform: str) -> str:
    from mediawatch.rules.catalog import PLATFORM_TITLES

    return PLATFORM_TITLES.get(platform, platform)


FILTERS = {
    "cn_date": cn_date,
    "ymd": ymd,
    "cn_datetime": cn_datetime,
    "percent": percent,
    "rule_title": rule_title,
    "platform_title": platform_title,
}


# --- packaging ---------------------------------------------------------------------------

def _template_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and not p.name.endswith((".pyc", "~")))


def _build_py_class():
    from setuptools.command.build_py import build_py

    class BuildPy(build_py):
        """``build_py`` that also ships the top-level ``templates/`` as ``mediawatch/templates/``."""

        def _templates(self):
            root = Path(OVERRIDE_DIR)
            if not root.is_dir():
                return []
            return [("mediawatch", OVERRIDE_DIR, os.path.join(self.build_lib, "mediawatch", "templates"),
                     _template_files(root))]

        def _get_data_files(self):
            return list(super()._get_data_files()) + self._templates()

        def get_data_files_without_manifest(self):  # what sdist puts in the archive
            return list(super().get_data_files_without_manifest()) + self._templates()

    return BuildPy


def __getattr__(name: str):
    if name == "BuildPy":  # looked up by setuptools only, so it alone needs setuptools
        return _build_py_class()
    raise AttributeError(name)
