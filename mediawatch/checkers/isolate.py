"""Attachments read in a child process with a hard time limit and a memory ceiling.

    parts, note = read_bounded(content, url, limits, seconds=10, memory_mb=512)

The libraries that read office files (openpyxl, xlrd, python-docx, pypdf) parse whole XML parts
before the first row or page comes out, so a crafted or merely huge file (a spreadsheet whose
shared strings unpack to hundreds of megabytes) could hold a check thread, or the machine's memory,
for as long as it likes; the budget inside ``read_attachment`` is only checked between rows and
pages. Here the reading runs in a child process started from a ``forkserver`` (a clean,
single-threaded parent with the readers already imported, so a start costs milliseconds):
its address space is capped at ``memory_mb`` (``RLIMIT_AS``), and it is killed when it runs past
``seconds`` plus a second's grace. Either way the file is reported with a note, never read half.

A child costs a process start (tens of milliseconds on a quiet machine), so only files that could
take long go there (``read_file``): larger than ``isolate_above_bytes``, or office files whose zip
directory declares more than ``isolate_unpacked_bytes`` of content once unpacked (the zip module
never unpacks past what a member declares, so the declaration bounds the work). Small ordinary
files are read in-process with the cooperative budget.

Where child processes cannot be started (a restricted platform), the file is read in-process with
the cooperative budget, and that is logged once.
"""

from __future__ import annotations

import io
import logging
import multiprocessing
import threading
import zipfile

from mediawatch.checkers.attachments import Limits, read_attachment

log = logging.getLogger(__name__)
GRACE_SECONDS = 1.0
PRELOAD = ["mediawatch.checkers.attachments", "openpyxl", "xlrd", "docx", "pypdf"]

_context = None
_lock = threading.Lock()
_warned = False


def _mp_context():
    global _context
    with _lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            _context = context
        return _context


def _child(connection, content: bytes, url: str, limits: Limits, memory_bytes: int) -> None:
    try:
        import resource

        if memory_bytes > 0:
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        result = read_attachment(content, url, limits)
    except MemoryError:
        result = ([], "读取所需内存超过上限，未检查")
    except BaseException as exc:  # noqa: BLE001 - whatever happens, the parent gets an answer
        result = ([], f"文件无法读取（{exc.__class__.__name__}）")
    try:
        connection.send(result)
    except MemoryError:
        connection.send(([], "读取所需内存超过上限，未检查"))
    finally:
        connection.close()


def read_bounded(content: bytes, url: str, limits: Limits, *, memory_mb: int) -> tuple[list[tuple[str, str]], str | None]:
    """``read_attachment`` in a child process: at most ``limits.seconds`` (+ grace) and ``memory_mb``."""
    global _warned
    try:
        context = _mp_context()
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=_child, args=(sender, content, url, limits, memory_mb * 1024 * 1024),
                                  daemon=True, name="mediawatch-attachment")
        process.start()
    except (OSError, RuntimeError, ValueError) as exc:
        if not _warned:
            log.warning("attachments are read in-process (no child process: %s)", exc)
            _warned = True
        return read_attachment(content, url, limits)
    sender.close()
    try:
        if receiver.poll(limits.seconds + GRACE_SECONDS):
            try:
                return receiver.recv()
            except (EOFError, OSError):
                return [], "读取所需内存超过上限或读取进程异常退出，未检查"
        return [], f"读取超过{limits.seconds:g}秒，未检查"
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join(5)
        process.close()


def declared_unpacked(content: bytes) -> int | None:
    """What a zip container (xlsx, docx, OOXML et/wps) says its members unpack to (None: not a zip)."""
    if content[:4] != b"PK\x03\x04":
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def read_file(content: bytes, url: str, limits: Limits, settings) -> tuple[list[tuple[str, str]], str | None]:
    """One attachment's text, in a bounded child process when it could take long, else in-process."""
    unpacked = declared_unpacked(content)
    big = len(content) > int(settings.isolate_above_bytes) or \
        (unpacked is not None and unpacked > int(settings.isolate_unpacked_bytes))
    if settings.isolate_reading and big:
        return read_bounded(content, url, limits, memory_mb=int(settings.attachment_memory_mb))
    return read_attachment(content, url, limits)
