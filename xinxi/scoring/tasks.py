"""Background tasks of scoring, enqueued by the worker's periodic sweep."""

from __future__ import annotations

from django.tasks import task


@task()
def scoring_sweeps(period: str) -> str:
    """Settle every finished period not settled yet (catching up after a pause); ``period`` is the day."""
    from xinxi.scoring import sweeps

    result = sweeps.run()
    text = f"周期结算记账 {result.total} 条"
    if result.warnings:
        text += "；" + "；".join(result.warnings)
    return text
