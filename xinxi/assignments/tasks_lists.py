"""Background task of the supervision lists, enqueued by the worker's daily sweep."""

from __future__ import annotations

from django.tasks import task

from xinxi.assignments import services_lists


@task()
def lists_overdue_reminders(period: str) -> str:
    """Remind the units whose routed rows passed their reply date; ``period`` is the sweep's day."""
    return f"发送逾期提醒 {services_lists.remind_overdue()} 条"
