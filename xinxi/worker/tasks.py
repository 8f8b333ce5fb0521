"""Housekeeping tasks of the worker itself."""

from __future__ import annotations

import datetime as dt

from django.tasks import task
from django.utils import timezone

KEEP_DAYS = 30


@task()
def prune_task_results(period: str) -> str:
    """Delete finished task results and sweep records older than 30 days; returns how many rows went."""
    from django_tasks_db.models import DBTaskResult

    from xinxi.worker.models import SweepRun

    cutoff = timezone.now() - dt.timedelta(days=KEEP_DAYS)
    results, _ = DBTaskResult.objects.filter(finished_at__lt=cutoff).delete()
    runs, _ = SweepRun.objects.filter(enqueued_at__lt=cutoff).delete()
    return f"删除记录 {results + runs} 条"
