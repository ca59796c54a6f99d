"""A notice as the owner reads it: subject, HTML and plain text from templates, files, the e-mail.

Templates (overridable in ``<home>/templates/``): ``notice_subject.txt``, ``notice.html`` and
``notice.txt``, with the partials ``_evidence.html`` / ``_evidence.txt`` (the evidence of each
rule) and ``_notice.css``.
"""

from __future__ import annotations

import email.policy
import re
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from mediawatch import clock, templating
from mediawatch.config import Config
from mediawatch.notices.collect import Notice, window_label

UNSAFE = re.compile(r'[\\/:*?"<>|\s\x00-\x1f]+')
BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*){2,}")  # runs of blank lines left by template logic


@dataclass
class Rendered:
    subject: str
    text: str
    html: str


def context(notice: Notice, config: Config, now: datetime) -> dict:
    return {
        "notice": notice,
        "units": notice.units,
        "office": config.office.as_dict(),
        "reply_instructions": config.notices.reply_instructions,
        "closure_limit": config.closure.max_warnings,
        "window_label": window_label(config),
        "now": now,
        "today": clock.local(now).date(),
    }


def render(notice: Notice, config: Config, now: datetime, home: Path | None) -> Rendered:
    env = templating.environment(home)
    ctx = context(notice, config, now)
    subject = " ".join(env.get_template("notice_subject.txt").render(**ctx).split())
    text = BLANK_LINES.sub("\n\n", env.get_template("notice.txt").render(**ctx).replace("\r\n", "\n"))
    return Rendered(subject=subject, text=text, html=env.get_template("notice.html").render(**ctx))


def safe_name(text: str, limit: int = 60) -> str:
    cleaned = UNSAFE.sub("_", text).strip("._") or "notice"
    return cleaned[:limit]


def write_files(notice: Notice, rendered: Rendered, folder: Path) -> Path:
    """Write ``<unit>__<recipient>.html`` and ``.txt`` (numbered when the name is taken); the HTML path."""
    folder.mkdir(parents=True, exist_ok=True)
    unit = "办公室汇总" if notice.digest else notice.units[0].name
    stem = safe_name(unit) + "__" + safe_name(notice.recipient or "无收件人")
    candidate, n = stem, 1
    while (folder / f"{candidate}.html").exists() or (folder / f"{candidate}.txt").exists():
        n += 1
        candidate = f"{stem}-{n}"
    html_path = folder / f"{candidate}.html"
    html_path.write_text(rendered.html, encoding="utf-8")
    (folder / f"{candidate}.txt").write_text(rendered.text, encoding="utf-8")
    return html_path


CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def one_line(text: str) -> str:
    """A header value on one line: control characters (a line break typed in Excel) become a space."""
    return " ".join(CONTROL.sub(" ", text or "").split())


def sender_address(config: Config) -> str:
    return (config.smtp.sender or config.office.email or config.smtp.user).strip()


def message(notice: Notice, rendered: Rendered, config: Config, now: datetime) -> EmailMessage:
    """The multipart/alternative e-mail (plain text first, then HTML), headers encoded per RFC 2047."""
    sender = sender_address(config)
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["Subject"] = one_line(rendered.subject)
    msg["From"] = Address(display_name=one_line(config.office.name), addr_spec=sender)
    display = config.office.name if notice.digest else notice.units[0].name
    msg["To"] = Address(display_name=one_line(display), addr_spec=notice.recipient)
    msg["Date"] = format_datetime(clock.local(now))
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    msg.set_content(rendered.text, subtype="plain", charset="utf-8", cte="base64")
    msg.add_alternative(rendered.html, subtype="html", charset="utf-8", cte="base64")
    return msg
