"""整改反馈 in the console: the unit reports what it fixed (text and attachments), the office verifies it or
returns it with a reason — each through ``mediawatch.feedback`` — and the files and screenshot of a warning."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from sqlalchemy import select
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, RedirectResponse
from starlette.routing import Route

from mediawatch import clock, evidence, feedback
from mediawatch.console.auth import Ctx, page
from mediawatch.console.routes.warnings import _visible
from mediawatch.store.models import Feedback

ATTACHMENTS = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".pdf": "application/pdf",
               ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
               ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
INLINE = {".png", ".jpg", ".jpeg"}
SAFE = re.compile(r"[^\w.\-]+", re.ASCII)


def _back(ctx: Ctx, warning_id: int):
    return RedirectResponse(ctx.request.url_for("warning", warning_id=warning_id), status_code=303)


def _attachments(ctx: Ctx, folder: Path) -> list[Path]:
    limit = ctx.mw.config.console.max_upload_bytes
    paths = []
    for n, upload in enumerate(ctx.form.getlist("files") if ctx.form is not None else []):
        if not isinstance(upload, UploadFile) or not upload.filename:
            continue
        name = Path(upload.filename.replace("\\", "/")).name
        suffix = Path(name).suffix.lower()
        if suffix not in ATTACHMENTS:
            raise HTTPException(400, f"附件 {name}：只接受 {'、'.join(ATTACHMENTS)} 文件。")
        data = upload.file.read(limit + 1)
        if len(data) > limit:
            raise HTTPException(413, f"附件 {name}：超过 {limit // 1000} KB。")
        path = folder / f"{n}-{SAFE.sub('_', Path(name).stem)[:60] or 'file'}{suffix}"
        path.write_bytes(data)
        paths.append(path)
    return paths


@page("office", "unit", write=True)
def submit(ctx: Ctx, warning_id: int):
    text = ctx.text("text")
    if not text:
        raise HTTPException(400, "请填写整改情况。")
    with tempfile.TemporaryDirectory(prefix="mediawatch-feedback-") as tmp:
        files = _attachments(ctx, Path(tmp))
        with ctx.mw.store.session() as session:
            _visible(session, ctx.viewer, warning_id)
            row = feedback.record_feedback(session, warning_id, text, ctx.viewer.name, clock.now(), files=files,
                                           home=ctx.mw.home)
            ctx.audit(session, "feedback.submit", target=f"warning {warning_id}", reason=text,
                      data={"files": list(row.files or [])})
    return _back(ctx, warning_id)


def _answer(kind: str):
    @page("office", write=True)
    def answer(ctx: Ctx, warning_id: int):
        reason = ctx.text("reason")
        with ctx.mw.store.session() as session:
            _visible(session, ctx.viewer, warning_id)
            if kind == "verify":
                feedback.verify_feedback(session, warning_id, ctx.viewer.name, clock.now(), reason)
            else:
                if not reason:
                    raise HTTPException(400, "请填写退回原因。")
                feedback.return_feedback(session, warning_id, reason, ctx.viewer.name, clock.now())
            ctx.audit(session, f"feedback.{kind}", target=f"warning {warning_id}", reason=reason or None)
        return _back(ctx, warning_id)
    answer.__name__ = f"feedback_{kind}"
    return answer


@page("office", "unit", "leader")
def attachment(ctx: Ctx, warning_id: int, name: str):
    with ctx.mw.store.session() as session:
        _visible(session, ctx.viewer, warning_id)
        kept = [f for files in session.scalars(select(Feedback.files).where(Feedback.warning_id == warning_id))
                for f in (files or [])]
    match = next((f for f in kept if Path(f).name == name), None)
    path = ctx.mw.home / match if match else None
    if path is None or not path.is_file():
        raise HTTPException(404, "没有这个附件")
    suffix = path.suffix.lower()
    disposition = "inline" if suffix in INLINE else "attachment"
    return FileResponse(path, media_type=ATTACHMENTS.get(suffix, "application/octet-stream"),
                        headers={"Content-Disposition": f'{disposition}; filename="{path.name}"'})


@page("office", "unit", "leader")
def screenshot(ctx: Ctx, warning_id: int):
    with ctx.mw.store.session() as session:
        _visible(session, ctx.viewer, warning_id)
        shot = evidence.screenshot_of(session, warning_id, ctx.mw.home)
    if not shot or not shot.get("file") or not Path(shot["file"]).is_file():
        raise HTTPException(404, "这条预警没有截图")
    return FileResponse(shot["file"], media_type="image/png")


ROUTES = [
    Route("/warnings/{warning_id:int}/feedback", submit, methods=["POST"], name="feedback_submit"),
    Route("/warnings/{warning_id:int}/verify", _answer("verify"), methods=["POST"], name="feedback_verify"),
    Route("/warnings/{warning_id:int}/return", _answer("return"), methods=["POST"], name="feedback_return"),
    Route("/warnings/{warning_id:int}/files/{name:str}", attachment, name="feedback_file"),
    Route("/warnings/{warning_id:int}/screenshot.png", screenshot, name="screenshot"),
]
