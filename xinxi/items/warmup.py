"""The items app's warm-up step (registered in ``apps.py``, run by ``lib.warmup.warm_up``)."""

from __future__ import annotations

from collections import defaultdict

from django.db.models.functions import Left

from xinxi.items import signature_store, similarity
from xinxi.items.models import DeskEntry
from xinxi.items.similarity import BODY_CHARS, CACHE_SIZE, PAIR_CACHE_SIZE

NEWEST = CACHE_SIZE // 2
PAGE = 50  # ``desk_views.PAGE_SIZE``: the entries of an inbox's first page
MOST_PAIRS = PAIR_CACHE_SIZE // 2  # the pair cache empties itself when full


def similarity_signatures() -> int:
    """Fill the near-duplicate caches a fresh worker's first inbox page needs.

    The signatures of the newest desk entries (read where another process stored them,
    otherwise segmented once, ≈ 2 ms each), then the figures of every pair among each
    desk's newest ``PAGE`` entries in the inbox's order, busiest desks first (1,225 pairs,
    ≈ 15 ms a desk): the first page groups its entries without computing either. Returns
    how many signatures.
    """
    columns = ("desk_id", "received_at", "id", "title", Left("body", BODY_CHARS))
    rows = list(DeskEntry.objects.order_by("-id").values_list(*columns)[:NEWEST])
    texts = [(title, body) for *_, title, body in rows]
    signatures: list[similarity.Signature] = []
    for start in range(0, len(texts), 500):  # stored ones are read, the others segmented once for all
        signatures.extend(signature_store.signatures(texts[start : start + 500]))
    by_desk: dict[int, list[tuple[object, int, similarity.Signature]]] = defaultdict(list)
    for (desk_id, received_at, pk, *_), sig in zip(rows, signatures, strict=True):
        by_desk[desk_id].append((received_at, pk, sig))
    pairs = 0
    for entries in sorted(by_desk.values(), key=len, reverse=True):
        page = [sig for *_, sig in sorted(entries, key=lambda e: (e[0], e[1]), reverse=True)[:PAGE]]
        if pairs + len(page) * (len(page) - 1) // 2 > MOST_PAIRS:
            break
        for i, first in enumerate(page):
            for second in page[i + 1 :]:
                similarity.pair_similarity(first, second)
        pairs += len(page) * (len(page) - 1) // 2
    return len(texts)
