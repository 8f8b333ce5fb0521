"""The items app's background tasks (run by the worker's sweeps)."""

from __future__ import annotations

from django.tasks import task


@task()
def prune_signatures(period: str) -> str:
    """Delete stored near-duplicate signatures older than ``signature_store.KEEP_DAYS``."""
    from xinxi.items import signature_store

    return f"删除相似度特征 {signature_store.prune()} 条"
