"""Items in the archive (资料信息库): each submitted round (原稿) and each desk entry's current text (科室稿).

The services call ``index_submission`` / ``index_entry`` / ``index_item`` inside their
own transaction, so the archive changes exactly when the item does; drafts are never
indexed. What an issue carried is indexed by the issue's side (``carrier_indexed``,
called by the sign-off's ``adoption_record``), so this module does not know about
periodicals. ``ItemsConfig.ready`` registers ``SOURCE`` with the archive.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from django.urls import reverse

from xinxi.archive import index, registry
from xinxi.archive.index import Doc, filter_keys, reader_keys
from xinxi.archive.models import SearchDoc, SearchDocKind
from xinxi.archive.search import Hit, highlight, snippet
from xinxi.items import permissions
from xinxi.items.models import Category, DeskEntry, EntrySource, EntryState, Item, Submission, Tone
from xinxi.lib.choices import Classification

# --- the documents ---


def user_keys(user: Any) -> list[str]:
    """The reader keys a user holds: their desk and their unit, at their clearance (none: sees nothing)."""
    desk, unit = permissions.search_readers(user)
    level = index.user_level(user)
    return [f"d{desk}c{level}" for _ in [desk] if desk] + [f"u{unit}c{level}" for _ in [unit] if unit]


def _submission_doc(submission: Submission, item: Item, unit_path: str, carried: Sequence[str] = ()) -> Doc:
    desks, units = permissions.original_readers(item)
    keys = reader_keys(desks, units, item.classification)
    keys += filter_keys(
        SearchDocKind.ORIGINAL, submission.submitted_at, unit_path, None, submission.category, submission.tone
    )
    keys += carried
    return Doc(
        SearchDocKind.ORIGINAL, submission.pk, item.pk, submission.submitted_at, submission.title, submission.body, keys
    )


def _entry_doc(
    entry: DeskEntry, unit_path: str, readers: tuple[set[int], set[int]], carried: Sequence[str] = ()
) -> Doc:
    keys = reader_keys(*readers, entry.classification)
    keys += filter_keys(SearchDocKind.ENTRY, entry.received_at, unit_path, entry.desk_id, entry.category, entry.tone)
    keys += carried
    return Doc(SearchDocKind.ENTRY, entry.pk, entry.item_id, entry.received_at, entry.title, entry.body, keys)


# --- writing: called by the services inside their transaction ---


def segment_ahead(*texts: str) -> None:
    """Segment texts about to be indexed, before their transaction begins.

    ``write_docs`` then finds their terms in ``text_terms``' cache. SQLite holds the
    database's write lock from a transaction's first statement (``BEGIN IMMEDIATE``), so
    the milliseconds of segmenting done here are milliseconds another writer need not wait.
    """
    for text in texts:
        index.text_terms(text)


def index_submission(submission: Submission) -> None:
    """Index a submitted round; the item's earlier rounds follow its current classification."""
    item = Item.objects.select_related("unit").get(pk=submission.item_id)
    rounds = [submission] if submission.round == 1 else list(Submission.objects.filter(item=item).order_by("round"))
    carried = registry.carried_keys([item.pk]).get(item.pk, [])
    index.write_docs([_submission_doc(s, item, item.unit.path, carried) for s in rounds])


def index_first_round(submission: Submission, item: Item, entries: Sequence[DeskEntry]) -> None:
    """Index a first round and the entries it made, in one write (each text segmented once).

    Nothing can carry a first round yet (no issue holds an entry that did not exist), so
    there are no carried keys to look up.
    """
    unit_path = item.unit.path
    readers = permissions.received_entries_readers(item, entries)
    docs = [_submission_doc(submission, item, unit_path)]
    docs += [_entry_doc(e, unit_path, readers[e.pk]) for e in entries]
    index.write_docs(docs)


def index_entry(entry: DeskEntry) -> None:
    """Index (or re-index) a desk entry's current text after it was created, edited or forwarded."""
    fresh = DeskEntry.objects.select_related("origin_unit").get(pk=entry.pk)
    readers = permissions.entries_readers([fresh.pk])[fresh.pk]
    carried = registry.carried_keys([fresh.item_id]).get(fresh.item_id, [])
    index.write_docs([_entry_doc(fresh, fresh.origin_unit.path, readers, carried)])
    own_round = fresh.submission_id if fresh.source == EntrySource.COMBINED else None
    if own_round is not None and not SearchDoc.objects.filter(submission_id=own_round).exists():
        index_submission(Submission.objects.get(pk=own_round))  # the combined item's own round


def index_item(item: Item) -> None:
    """Re-index an item's submitted rounds (after its classification changed)."""
    latest = Submission.objects.filter(item=item).order_by("-round").first()
    if latest is not None:
        index_submission(latest)


def index_carried(**what: Any) -> None:
    """An issue carried an entry (``issue=…, entry=…``): the issue's side indexes it (called by the sign-off)."""
    registry.carrier_indexed(**what)


# --- rebuilding (manage.py reindex) ---


def planned_sources() -> list[registry.Planned]:
    """Every document to build: (date, kind, source id)."""
    originals = Submission.objects.values_list("submitted_at", "pk")
    entries = DeskEntry.objects.values_list("received_at", "pk")
    plan = [(date, SearchDocKind.ORIGINAL.value, pk) for date, pk in originals.iterator(chunk_size=20000)]
    plan += [(date, SearchDocKind.ENTRY.value, pk) for date, pk in entries.iterator(chunk_size=20000)]
    return plan


def build_docs(batch: Sequence[tuple[dt.datetime, str, int]]) -> list[Doc]:
    """The documents of one batch of planned sources, with their keys (not yet segmented)."""
    submission_ids = [pk for _, kind, pk in batch if kind == SearchDocKind.ORIGINAL]
    entry_ids = [pk for _, kind, pk in batch if kind == SearchDocKind.ENTRY]
    submissions = Submission.objects.in_bulk(submission_ids)
    items = Item.objects.select_related("unit").in_bulk({s.item_id for s in submissions.values()})
    entries = DeskEntry.objects.select_related("origin_unit").in_bulk(entry_ids)
    readers = permissions.entries_readers(entry_ids) if entry_ids else {}
    carried = registry.carried_keys([*items, *(e.item_id for e in entries.values())])
    docs = []
    for _, kind, pk in batch:
        if kind == SearchDocKind.ORIGINAL and pk in submissions:
            item = items[submissions[pk].item_id]
            docs.append(_submission_doc(submissions[pk], item, item.unit.path, carried.get(item.pk, [])))
        elif kind == SearchDocKind.ENTRY and pk in entries:
            entry = entries[pk]
            docs.append(_entry_doc(entry, entry.origin_unit.path, readers[pk], carried.get(entry.item_id, [])))
    return docs


# --- the results page ---

# What a result shows, read in one query as plain values (no model objects: a page costs ~1 ms).
_HIT_FIELDS = {
    "pk": "pk",
    "kind": "kind",
    "date": "date",
    "item_id": "item_id",
    "s_title": "submission__title",
    "s_body": "submission__body",
    "s_round": "submission__round",
    "s_category": "submission__category",
    "s_classification": "submission__classification",
    "s_unit": "item__unit__name",
    "e_id": "entry_id",
    "e_title": "entry__title",
    "e_body": "entry__body",
    "e_state": "entry__state",
    "e_category": "entry__category",
    "e_classification": "entry__classification",
    "e_desk": "entry__desk__name",
    "e_unit": "entry__origin_unit__name",
    "e_unit_id": "entry__item__unit_id",
}
_KIND = dict(SearchDocKind.choices)
_CATEGORY = dict(Category.choices)
_STATE = dict(EntryState.choices)
_CLASSIFICATION = dict(Classification.choices)


def _hits(user: Any, ids: list[int], pattern: re.Pattern[str] | None) -> list[Hit]:
    if not ids:
        return []
    names = list(_HIT_FIELDS)
    rows = SearchDoc.objects.filter(pk__in=ids).values_list(*_HIT_FIELDS.values())
    by_id = {row[0]: dict(zip(names, row, strict=True)) for row in rows}
    desk, unit_id = permissions.search_readers(user)
    return [_hit(by_id[i], pattern, desk, unit_id) for i in ids if i in by_id]


def _hit(row: dict[str, Any], pattern: re.Pattern[str] | None, desk: int | None, unit_id: int | None) -> Hit:
    original = row["kind"] == SearchDocKind.ORIGINAL
    side = "s" if original else "e"
    if original:
        desk_name, state = "", f"第 {row['s_round']} 轮报送"
        url = reverse("item_detail", args=[row["item_id"]])
    else:
        desk_name, state = row["e_desk"], str(_STATE.get(row["e_state"], row["e_state"]))
        if desk is not None:
            url = reverse("desk_entry", args=[row["e_id"]])
        elif unit_id is not None and row["e_unit_id"] == unit_id:
            url = reverse("item_detail", args=[row["item_id"]])
        else:
            url = ""  # a combined item that used this unit's item: shown, not opened here
    return Hit(
        doc_id=row["pk"],
        kind=row["kind"],
        kind_label=str(_KIND[row["kind"]]),
        title=highlight(row[f"{side}_title"], pattern),
        snippet=snippet(row[f"{side}_body"], pattern),
        unit_name=row[f"{side}_unit"],
        desk_name=desk_name,
        date=row["date"],
        state_label=state,
        category_label=str(_CATEGORY.get(row[f"{side}_category"], "")),
        classification_label=str(_CLASSIFICATION.get(row[f"{side}_classification"], "")),
        url=url,
        item_id=row["item_id"],
    )


def doc_texts(ids: Sequence[int]) -> dict[int, str]:
    """The title and body of each document (for an exact phrase): the round's or the entry's text."""
    rows = SearchDoc.objects.filter(pk__in=ids).values_list(
        "pk", "submission__title", "submission__body", "entry__title", "entry__body"
    )
    return {pk: f"{st or et or ''}\n{sb or eb or ''}" for pk, st, sb, et, eb in rows}


SOURCE = registry.DocumentSource(
    kinds=SearchDocKind.choices,
    planned=planned_sources,
    build=build_docs,
    user_keys=user_keys,
    hits=_hits,
    texts=doc_texts,
    filter_choices={"category": Category.choices, "tone": Tone.choices},
)
