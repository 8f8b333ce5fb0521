"""What each domain app puts into the archive, registered from its ``AppConfig.ready()``.

The archive (index, search, page, ``reindex``) imports no domain app; an app that wants
its documents found registers them here:

- a ``DocumentSource`` owns kinds of ``SearchDoc`` rows (``items``: 原稿 ``s`` and 科室稿
  ``e``): it plans and builds them for ``reindex``, names the reader keys a user holds,
  renders a page of hits, and gives the choices of its filters;
- a ``Carrier`` is something that carries indexed items and is searched in its own
  right (``publications``: issued issues): it adds keys to the documents of the items
  it carried, keeps a second index of its own text, and gives the search page its
  filter (刊用刊物 / 年份), the "刊发于" links of each result and the 期刊 block.

A new kind of document (circulars, incidents…) registers a source or a carrier; the
archive's code does not change, nor does ``items``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from re import Pattern

    from xinxi.archive.index import Doc
    from xinxi.archive.search import Hit, IssueHit, SearchQuery

Planned = tuple[dt.datetime, str, int]  # (date, kind, source id)


@dataclass(frozen=True, eq=False)  # compared and hashed by identity
class DocumentSource:
    """Kinds of archive documents, owned by one app."""

    kinds: Sequence[tuple[str, str]]  # (kind, label), as stored in SearchDoc.kind
    planned: Callable[[], list[Planned]]  # every document to build, any order
    build: Callable[[Sequence[Planned]], list[Doc]]  # the documents of a batch (not yet segmented)
    user_keys: Callable[[Any], list[str]]  # the reader keys the user holds
    hits: Callable[[Any, list[int], Pattern[str] | None], list[Hit]]  # a page of hits, by document id
    texts: Callable[[Sequence[int]], dict[int, str]]  # title and body of documents (exact phrases)
    filter_choices: Mapping[str, Sequence[tuple[str, str]]] = field(default_factory=dict)  # category, tone


@dataclass(frozen=True, eq=False)  # compared and hashed by identity
class Carrier:
    """Publications that carry indexed items (issued issues), searched in their own right."""

    carried_keys: Callable[[Iterable[int]], dict[int, list[str]]]  # item id -> keys of what carried it
    readable: Callable[[Any], list[tuple[int, str]]]  # (id, label) of the periodicals the user reads
    key_group: Callable[[Any, SearchQuery, Sequence[int]], list[str]]  # "carried by one the user reads"
    attach: Callable[[Any, list[Hit], Sequence[int]], None]  # 刊发于 on each hit
    block: Callable[[Any, SearchQuery, Sequence[int], list[str]], tuple[list[IssueHit], int, bool]]
    index: Callable[..., None]  # a carrier's sign-off: index what it carried (keyword arguments)
    rebuild: Callable[[], int]  # rebuild its own index (after the documents)


_sources: dict[str, DocumentSource] = {}
_carriers: list[Carrier] = []


def register_source(source: DocumentSource) -> None:
    for kind, _label in source.kinds:
        if kind in _sources and _sources[kind] is not source:
            raise ValueError(f"document kind {kind!r} is registered twice")
        _sources[kind] = source


def register_carrier(carrier: Carrier) -> None:
    if carrier not in _carriers:
        _carriers.append(carrier)


def sources() -> list[DocumentSource]:
    return list(dict.fromkeys(_sources.values()))


def carrier() -> Carrier | None:
    """The carrier of the 期刊 block (issued issues), if one is registered."""
    return _carriers[0] if _carriers else None


def kind_choices() -> list[tuple[str, str]]:
    return [kind for source in sources() for kind in source.kinds]


def filter_choices(name: str) -> list[tuple[str, str]]:
    return [choice for source in sources() for choice in source.filter_choices.get(name, ())]


def source_of(kind: str) -> DocumentSource:
    return _sources[kind]


def hits(user: Any, ids: list[int], kinds: Mapping[int, str], pattern: Pattern[str] | None) -> list[Hit]:
    """The hits of documents (id -> kind), in the order of ``ids``."""
    found: dict[int, Hit] = {}
    for source in sources():
        mine = [i for i in ids if kinds.get(i) in {kind for kind, _label in source.kinds}]
        if mine:
            found.update({hit.doc_id: hit for hit in source.hits(user, mine, pattern)})
    return [found[i] for i in ids if i in found]


def texts(ids: Sequence[int], kinds: Mapping[int, str]) -> dict[int, str]:
    found: dict[int, str] = {}
    for source in sources():
        mine = [i for i in ids if kinds.get(i) in {kind for kind, _label in source.kinds}]
        if mine:
            found.update(source.texts(mine))
    return found


# --- what the archive asks of every registered app ---


def planned_sources() -> list[Planned]:
    """Every document to build, oldest first: (date, kind, source id)."""
    plan = [planned for source in sources() for planned in source.planned()]
    plan.sort()
    return plan


def build_docs(batch: Sequence[Planned]) -> list[Doc]:
    """The documents of one batch, in the batch's order."""
    built: dict[tuple[str, int], Doc] = {}
    for source in sources():
        kinds = {kind for kind, _label in source.kinds}
        mine = [planned for planned in batch if planned[1] in kinds]
        if mine:
            built.update({(doc.kind, doc.source_id): doc for doc in source.build(mine)})
    return [built[(kind, pk)] for _, kind, pk in batch if (kind, pk) in built]


def user_keys(user: Any) -> list[str]:
    return list(dict.fromkeys(key for source in sources() for key in source.user_keys(user)))


def carried_keys(item_ids: Iterable[int]) -> dict[int, list[str]]:
    """For each item, the keys of whatever carried it (every carrier)."""
    ids = list(item_ids)
    found: dict[int, list[str]] = {}
    for registered in _carriers:
        for item_id, keys in registered.carried_keys(ids).items():
            found.setdefault(item_id, []).extend(keys)
    return found


def carrier_indexed(**what: Any) -> None:
    """A carrier signed something off (e.g. ``issue=…, entry=…``): each carrier indexes it."""
    for registered in _carriers:
        registered.index(**what)


def after_rebuild() -> None:
    for registered in _carriers:
        registered.rebuild()
