"""Background task of the findings: the 迟报 sweep, enqueued by the worker (``worker.sweeps``)."""

from __future__ import annotations

from django.tasks import task


@task()
def propose_late_findings(period: str) -> str:
    """Propose a 迟报 for every passed deadline without one; ``period`` is the five-minute slot.

    Returns "" when nothing was proposed: the sweep is quiet in the worker's log then."""
    from xinxi.urgent import findings_sweep

    proposed = findings_sweep.sweep()
    return f"提出迟报 {proposed} 条" if proposed else ""
