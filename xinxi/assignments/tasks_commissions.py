"""Background task of commissions (约稿), enqueued by the worker's periodic sweep."""

from __future__ import annotations

from django.tasks import task

from xinxi.assignments import services_commissions as services


@task()
def commission_sweep(period: str) -> str:
    """Remind before the due time and record the misses after it; "" when nothing was due (quiet)."""
    result = services.commission_sweep()
    return str(result) if result.reminded or result.missed else ""
