"""Warning notices (预警通知) to owner units: what is due, how it reads, how it is mailed.

    collect   which (warning, kind, recipient) are due, grouped into one notice per owner unit
    render    subject, HTML and text from templates; files; the e-mail message
    send      SMTP, delivery records, and ``prepare_and_send`` (the CLI and the daemon call it)
"""

from mediawatch.notices.send import NoticeReport, Outcome, prepare_and_send

__all__ = ["NoticeReport", "Outcome", "prepare_and_send"]
