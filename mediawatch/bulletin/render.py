"""Write a month's bulletin: ``bulletin.html`` (self-contained), ``annex.xlsx``, ``annex.csv``, a ``bulletins`` row.

Templates (overridable in ``<home>/templates/``): ``bulletin.html`` with the partials
``_bulletin.css``, ``_trend_chart.html``, ``_bar_chart.html`` and ``_unit_table.html``. The HTML
is streamed to a temporary file and renamed into place, so a reader never sees half a bulletin.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from mediawatch import clock, templating
from mediawatch.bulletin import interaction_counts  # issue 15
from mediawatch.bulletin import annex
from mediawatch.bulletin.charts import bar_chart, trend_chart
from mediawatch.bulletin.document import Document, build
from mediawatch.bulletin.period import Month, parse_month
from mediawatch.config import Config
from mediawatch.store import Store
from mediawatch.store.models import Bulletin

TEMPLATE = "bulletin.html"


@dataclass
class BulletinResult:
    month: str
    html: Path
    xlsx: Path
    csv: Path
    figures: dict[str, Any]

    def __fspath__(self) -> str:
        return str(self.html)

    def __str__(self) -> str:
        return str(self.html)


def context(doc: Document) -> dict[str, Any]:
    return {
        "doc": doc,
        "office": doc.office,
        "trend_chart": trend_chart(doc.trend),
        "bar_chart": bar_chart(doc.problem_types),
        # phones get charts drawn for their width, so the text in them stays readable
        "trend_chart_narrow": trend_chart(doc.trend, width=360, height=220, label_gap=44),
        "bar_chart_narrow": bar_chart(doc.problem_types, width=360, row=28),
        "units_table": doc.unit_table,
        "period": f"{doc.month.first_day.year}年{doc.month.first_day.month}月{doc.month.first_day.day}日至"
                  f"{doc.month.last_day.month}月{doc.month.last_day.day}日",
        "requirements": [line.strip() for line in doc.requirements.splitlines() if line.strip()],
        "SITE_HEADERS": _site_headers(),  # issue 16
    }


def _site_headers() -> dict[str, str]:
    from mediawatch.bulletin.verdicts import SITE_HEADERS

    return SITE_HEADERS


def render_html(doc: Document, home: Path | None, path: Path) -> None:
    template = templating.environment(home).get_template(TEMPLATE)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.writelines(template.generate(**context(doc)))
    os.replace(tmp, path)


def write_bulletin(app, month: str | Month, out: Path | None = None, *, now: datetime | None = None,
                   config: Config | None = None, home: Path | None = None) -> BulletinResult:
    """Write the bulletin of ``month`` (``YYYY-MM``) to ``out`` (default ``<home>/reports/YYYY-MM``).

    ``app`` is an ``App``, or a ``Store`` together with ``config`` and ``home``.
    """
    month = parse_month(month) if isinstance(month, str) else month
    if isinstance(app, Store):
        if config is None or home is None:
            raise TypeError("write_bulletin(store, ...) needs config= and home=")
        store, home_dir = app, Path(home)
    else:
        store, home_dir, config = app.store, Path(home or app.home), config or app.config
    now = now or clock.now()
    folder = Path(out) if out is not None else home_dir / "reports" / month.key

    with store.session() as session:
        doc = build(session, config, month, now)
        # issue 15: the yearly interaction figures (政府网站工作年度报表) for the annex
        doc.interaction = interaction_counts.yearly(session, month, max_days=int(config.interaction.max_answer_days))
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    html = folder / "bulletin.html"
    try:
        render_html(doc, home_dir, html)
        xlsx, csv = annex.write(doc, folder)
    except BaseException:
        if created:  # no empty or half-written folder left behind
            shutil.rmtree(folder, ignore_errors=True)
        raise
    figures = doc.figures()
    with store.session() as session:
        session.add(Bulletin(month=month.key, path=str(html), written_at=now, figures=figures))
    return BulletinResult(month=month.key, html=html, xlsx=xlsx, csv=csv, figures=figures)
