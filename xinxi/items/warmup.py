"""The items app's warm-up step (registered in ``apps.py``, run by ``lib.warmup.warm_up``)."""

from __future__ import annotations

from django.db.models.functions import Left

from xinxi.items import signature_store
from xinxi.items.models import DeskEntry
from xinxi.items.similarity import BODY_CHARS, CACHE_SIZE

NEWEST = CACHE_SIZE // 2


def similarity_signatures() -> int:
    """Fill the signature cache with the newest desk entries: a fresh worker's first inbox
    page groups its 50 entries by near-duplicate without segmenting them (≈ 2 ms each),
    and signatures stored by another process are read instead of computed."""
    texts = list(DeskEntry.objects.order_by("-id").values_list("title", Left("body", BODY_CHARS))[:NEWEST])
    for start in range(0, len(texts), 500):  # stored ones are read, the others segmented once for all
        signature_store.signatures(texts[start : start + 500])
    return len(texts)
