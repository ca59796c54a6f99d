"""月度通报: the archive of written bulletins, each month's HTML and annex (office and leaders).

A bulletin lists every unit's problems, so unit users are not shown the archive (their own
warnings are on their other pages). Files are served only from the folder a ``bulletins`` row
names, and only the three names the bulletin writes.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse
from starlette.routing import Route

from mediawatch.console.app import render
from mediawatch.console.auth import Ctx, page
from mediawatch.store.models import Bulletin

FILES = {"bulletin.html": "text/html; charset=utf-8",
         "annex.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "annex.csv": "text/csv; charset=utf-8"}
MONTH = re.compile(r"^\d{4}-\d{2}$")
# the bulletin is self-contained: inline styles and SVG, no scripts
BULLETIN_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; base-uri 'none'"


def _latest(session) -> dict[str, Bulletin]:
    latest: dict[str, Bulletin] = {}
    for row in session.scalars(select(Bulletin).order_by(Bulletin.written_at, Bulletin.id)):
        latest[row.month] = row
    return latest


@page("office", "leader")
def bulletin_list(ctx: Ctx):
    with ctx.mw.store.session() as session:
        rows = sorted(_latest(session).values(), key=lambda b: b.month, reverse=True)
    items = [{"month": b.month, "written_at": b.written_at, "figures": b.figures or {},
              "files": [name for name in FILES if (Path(b.path).parent / name).is_file()]} for b in rows]
    return render(ctx.request, "bulletins.html", ctx.viewer, items=items)


@page("office", "leader")
def bulletin_file(ctx: Ctx, month: str, name: str):
    if not MONTH.match(month) or name not in FILES:
        raise HTTPException(404, "没有这个文件")
    with ctx.mw.store.session() as session:
        row = _latest(session).get(month)
    path = Path(row.path).parent / name if row is not None else None
    if path is None or not path.is_file():
        raise HTTPException(404, f"{month} 的通报文件 {name} 不存在")
    headers = {"Content-Security-Policy": BULLETIN_CSP}
    if name != "bulletin.html":
        headers["Content-Disposition"] = f'attachment; filename="{month}-{name}"'
    return FileResponse(path, media_type=FILES[name], headers=headers)


ROUTES = [
    Route("/bulletins", bulletin_list, name="bulletins"),
    Route("/bulletins/{month:str}/{name:str}", bulletin_file, name="bulletin_file"),
]
