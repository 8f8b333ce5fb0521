"""Background task of the findings: the 迟报 sweep, enqueued by the worker (``worker.sweeps``)."""

from __future__ import annotations

from django.tasks import task


@task()
def propose_late_findings(period: str) -> str:
    """Propose a 迟报 for every passed deadline without one; ``period`` is the five-minute slot."""
    from xinxi.urgent import findings_sweep

    return f"提出迟报 {findings_sweep.sweep()} 条"
