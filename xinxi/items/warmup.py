"""The items app's warm-up step (registered in ``apps.py``, run by ``lib.warmup.warm_up``)."""

from __future__ import annotations

from django.db.models.functions import Left

from xinxi.items.models import DeskEntry
from xinxi.items.similarity import BODY_CHARS, CACHE_SIZE, text_signature

NEWEST = CACHE_SIZE // 2


def similarity_signatures() -> int:
    """Fill the signature cache with the newest desk entries: a fresh worker's first inbox
    page groups its 50 entries by near-duplicate without segmenting them (≈ 2 ms each)."""
    texts = DeskEntry.objects.order_by("-id").values_list("title", Left("body", BODY_CHARS))[:NEWEST]
    count = 0
    for title, body in texts.iterator(chunk_size=500):
        text_signature(title, body)
        count += 1
    return count
