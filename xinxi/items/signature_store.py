"""Near-duplicate signatures shared by every process (``models.TextSignature``).

An entry page compares its entry with up to 1,000 recent entries of the desk. Segmenting
a text costs about 2 ms, so a worker that had not seen a desk's entries spent about 2 s on
its first entry page there, and at province scale no worker can cache every desk's
candidates. Here a signature is computed once for all processes: looked up in this
process's cache, then in the table, and only then computed (and stored).

The figures do not change: a stored signature holds the same weights (JSON keeps every
float exactly) and the same figures as one computed now.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections import OrderedDict
from collections.abc import Sequence

from django.utils import timezone

from xinxi.items import similarity
from xinxi.items.models import TextSignature
from xinxi.items.similarity import Signature

KEEP_DAYS = 45  # an entry page compares entries of the last 30 days (``desk_views.SIMILAR_DAYS``)
_local: OrderedDict[str, Signature] = OrderedDict()


def digest(title: str | None, body: str | None) -> str:
    """The key of a text as ``similarity.text_signature`` reads it (title and the body's head)."""
    text = f"{title or ''}\x00{(body or '')[: similarity.BODY_CHARS]}"
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def _remember(key: str, sig: Signature) -> None:
    _local[key] = sig
    _local.move_to_end(key)
    while len(_local) > similarity.CACHE_SIZE:
        _local.popitem(last=False)


def _from_row(row: TextSignature) -> Signature:
    weights = {str(t): float(w) for t, w in row.weights.items()}
    return Signature(weights, math.sqrt(math.fsum(w * w for w in weights.values())), frozenset(row.figures))


def signatures(texts: Sequence[tuple[str | None, str | None]]) -> list[Signature]:
    """The signatures of (title, body) texts, in order: from this process's cache, from
    the table (one query), or computed and stored (one insert)."""
    keys = [digest(title, body) for title, body in texts]
    found: dict[str, Signature] = {}
    for key in keys:
        if key in _local:
            _local.move_to_end(key)
            found[key] = _local[key]
    wanted = {key for key in keys if key not in found}
    if wanted:
        for row in TextSignature.objects.filter(digest__in=wanted):
            found[row.digest] = _from_row(row)
            _remember(row.digest, found[row.digest])
    new: dict[str, TextSignature] = {}
    for key, (title, body) in zip(keys, texts, strict=True):
        if key not in found:
            sig = similarity.text_signature(title, body)
            found[key] = sig
            _remember(key, sig)
            new[key] = TextSignature(digest=key, weights=sig.weights, figures=sorted(sig.figures))
    if new:
        TextSignature.objects.bulk_create(new.values(), ignore_conflicts=True)
    return [found[key] for key in keys]


def local_signatures(texts: Sequence[tuple[str | None, str | None]]) -> list[Signature]:
    """The signatures of (title, body) texts from this process's cache (which the warm-up
    fills from the table), the others computed here: no query, so a page that lists
    entries (the inbox) keeps its fixed number of queries."""
    found: list[Signature] = []
    for title, body in texts:
        key = digest(title, body)
        sig = _local.get(key)
        if sig is None:
            sig = similarity.text_signature(title, body)
        _remember(key, sig)
        found.append(sig)
    return found


def prune(today: dt.date | None = None) -> int:
    """Delete signatures stored more than ``KEEP_DAYS`` ago; returns how many went."""
    cutoff = (today or timezone.localdate()) - dt.timedelta(days=KEEP_DAYS)
    deleted, _ = TextSignature.objects.filter(created__lt=cutoff).delete()
    return deleted
