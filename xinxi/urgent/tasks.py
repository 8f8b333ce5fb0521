"""Background tasks of urgent information, enqueued by the worker's periodic sweeps."""

from __future__ import annotations

from django.tasks import task

from xinxi.urgent import warnings


@task()
def urgent_warnings(period: str) -> str:
    """Send the warnings and escalations due now; ``period`` is the sweep's half minute (for the record).

    Returns what it did, or "" when nothing was due (the worker then prints nothing).
    """
    result = warnings.sweep()
    return str(result) if result.sent or result.skipped else ""
