"""Background task of e-mail intake, enqueued by the worker (``worker.sweeps``)."""

from __future__ import annotations

from django.tasks import task


@task()
def intake_mail(period: str) -> str:
    """Read every desk's mailbox; ``period`` is the five-minute slot. "" (quiet) when nothing was new."""
    from xinxi.intake import fetch

    taken = fetch.sweep()
    return f"收取来稿邮件 {taken} 封" if taken else ""
