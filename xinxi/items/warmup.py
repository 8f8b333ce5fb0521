"""The items app's warm-up step (registered in ``apps.py``, run by ``lib.warmup.warm_up``)."""

from __future__ import annotations

from xinxi.items.models import DeskEntry
from xinxi.items.similarity import CACHE_SIZE, entry_signature

NEWEST = CACHE_SIZE // 2


def similarity_signatures() -> int:
    """Fill the signature cache with the newest desk entries: a fresh worker's first inbox
    page groups its 50 entries by near-duplicate without segmenting them (≈ 2 ms each)."""
    entries = DeskEntry.objects.order_by("-id").only("title", "body")[:NEWEST]
    count = 0
    for entry in entries.iterator(chunk_size=500):
        entry_signature(entry)
        count += 1
    return count
