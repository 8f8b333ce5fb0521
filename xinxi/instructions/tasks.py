"""Background tasks of supervision, enqueued by the worker's periodic sweep."""

from __future__ import annotations

from django.tasks import task

from xinxi.instructions import services


@task()
def supervision_reminders(period: str) -> str:
    """Send the supervision reminders due now; ``period`` is the sweep's hour (for the record)."""
    return f"发送提醒 {services.send_reminders()} 条"
