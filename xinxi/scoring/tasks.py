"""Background tasks of scoring, enqueued by the worker's periodic sweep."""

from __future__ import annotations

from django.tasks import task


@task()
def scoring_sweeps(period: str) -> str:
    """Settle every finished period not settled yet (catching up after a pause), then draft the
    circulars of the periods that just ended; ``period`` is the day."""
    from xinxi.scoring import sweeps
    from xinxi.scoring.services_circulars import circulars_draft_due

    result = sweeps.run()
    text = f"周期结算记账 {result.total} 条"
    if result.warnings:
        text += "；" + "；".join(result.warnings)
    drafts = circulars_draft_due()
    if drafts:
        text += f"；生成通报草稿 {len(drafts)} 份"
    return text
