"""One message to one recipient on its channel: mail over SMTP, IM through Apprise; quiet hours.

``Deliverer.deliver`` answers a status and never raises for a failed send:

- ``sent``      the server or platform accepted it;
- ``failed``    it did not (the error is returned; the caller records it and retries on its next call);
- ``rendered``  not sending (no ``--send``; e-mail without ``smtp.host``): written to a file only;
- ``held``      an IM message inside quiet hours (``[channels] quiet_start``–``quiet_end``, local time):
                nothing is recorded, it is due again at the next call after the quiet hours. Mail is never held.
"""

from __future__ import annotations

import email.policy
import os
import smtplib
from dataclasses import dataclass
from datetime import datetime, time
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from mediawatch import clock
from mediawatch.channels import robots
from mediawatch.channels.contacts import Recipient
from mediawatch.config import Config


@dataclass
class Message:
    title: str
    text: str  # plain text (mail, files)
    markdown: str  # IM robots


def _hhmm(value: str) -> time:
    hour, minute = (int(x) for x in value.split(":"))
    return time(hour, minute)


def in_quiet_hours(now: datetime, config: Config) -> bool:
    """True inside ``[channels] quiet_start``–``quiet_end`` (local time; the span may cross midnight)."""
    start, end = _hhmm(config.channels.quiet_start), _hhmm(config.channels.quiet_end)
    at = clock.local(now).time()
    if start == end:
        return False
    return start <= at < end if start < end else (at >= start or at < end)


class Deliverer:
    def __init__(self, config: Config, *, sending: bool):
        self.config = config
        self.sending = sending
        self._mailer = None

    def can_send(self, recipient: Recipient) -> bool:
        """Whether a message to ``recipient`` would be sent now (not only written to a file)."""
        from mediawatch.notices.render import sender_address

        if not self.sending:
            return False
        if recipient.is_im:
            return recipient.target in self.config.channels.robots
        return bool(self.config.smtp.host.strip() and sender_address(self.config))

    def due(self, recipient: Recipient, before: str | None) -> bool:
        """Whether to deliver again given the recipient's recorded status: never after ``sent``; after
        ``rendered`` or ``failed`` only when it can be sent now (so a file is not written again every day)."""
        return before is None or (before != "sent" and self.can_send(recipient))

    def deliver(self, recipient: Recipient, message: Message, now: datetime) -> tuple[str, str | None]:
        if not self.sending:
            return "rendered", None
        if recipient.is_im:
            if in_quiet_hours(now, self.config):
                return "held", None
            return self._im(recipient, message)
        return self._mail(recipient, message, now)

    def _im(self, recipient: Recipient, message: Message) -> tuple[str, str | None]:
        robot = self.config.channels.robots.get(recipient.target)
        if robot is None:
            return "failed", f"no robot {recipient.target!r} in mediawatch.toml"
        url = os.environ.get(robot["url_env"], "").strip()
        if not url:
            return "failed", f"the environment variable {robot['url_env']} (robot {recipient.target}) is empty"
        secret = os.environ.get(robot.get("secret_env") or "", "").strip() or None
        if robot.get("secret_env") and not secret:
            return "failed", f"the environment variable {robot['secret_env']} (robot {recipient.target}) is empty"
        try:
            robots.send(robot["kind"], url, secret, message.title, message.markdown,
                        float(self.config.channels.timeout_seconds))
        except robots.RobotError as exc:
            return "failed", str(exc)
        return "sent", None

    def _mail(self, recipient: Recipient, message: Message, now: datetime) -> tuple[str, str | None]:
        from mediawatch.notices.render import sender_address
        from mediawatch.notices.send import Mailer, SendError

        if not self.config.smtp.host.strip() or not sender_address(self.config):
            return "rendered", None
        if self._mailer is None:
            self._mailer = Mailer(self.config)
        sender = sender_address(self.config)
        msg = EmailMessage(policy=email.policy.SMTP)
        msg["Subject"] = message.title
        msg["From"] = Address(display_name=self.config.office.name, addr_spec=sender)
        msg["To"] = Address(display_name=recipient.unit, addr_spec=recipient.target)
        msg["Date"] = format_datetime(clock.local(now))
        msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
        msg.set_content(message.text, subtype="plain", charset="utf-8", cte="base64")
        try:
            self._mailer.send(msg)
        except SendError as exc:
            return "failed", str(exc)
        except (OSError, smtplib.SMTPException) as exc:
            return "failed", f"{exc.__class__.__name__}: {exc}"
        return "sent", None

    def close(self) -> None:
        if self._mailer is not None:
            self._mailer.close()
            self._mailer = None
