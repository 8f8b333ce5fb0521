"""Who sees which items and desk entries: the one place, for pages, API and search.

- A unit's reporters and approvers see their unit's items, drafts included; nobody
  else ever sees a draft.
- Desk staff (editor, desk chief, duty officer, leader) see the entries at their desk,
  and the entries further up the chain of entries their desk forwarded (feedback).
- A unit's own users see every entry of their unit's items at every desk (feedback).
- Classification above the user's clearance hides a record entirely, everywhere.
- Missing and forbidden look the same (404).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from xinxi.accounts.models import Role
from xinxi.audit.reads import audit_read, read_classified
from xinxi.items.models import Adoption, CombinedSource, DeskEntry, EntrySource, Item
from xinxi.network.models import Desk
from xinxi.network.permissions import user_desk

UNIT_ROLES = (Role.REPORTER, Role.APPROVER)
EDIT_ROLES = (Role.EDITOR, Role.DESK_CHIEF)


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def visible_items(user: Any) -> QuerySet[Item]:
    """Items of the user's own unit (drafts too), within clearance."""
    if not _active(user) or user.unit_id is None or not user.has_role(*UNIT_ROLES):
        return Item.objects.none()
    return Item.objects.filter(unit_id=user.unit_id, classification__lte=user.clearance)


def can_write_items(user: Any) -> bool:
    return _active(user) and user.unit_id is not None and user.has_role(*UNIT_ROLES)


def desk_of(user: Any) -> Desk | None:
    return user_desk(user) if _active(user) else None


def desk_entries(user: Any) -> QuerySet[DeskEntry]:
    """Entries at the user's own desk, within clearance."""
    desk = desk_of(user)
    if desk is None:
        return DeskEntry.objects.none()
    return DeskEntry.objects.filter(desk=desk, classification__lte=user.clearance)


def can_edit_at_desk(user: Any, desk: Desk) -> bool:
    own = desk_of(user)
    return own is not None and own.pk == desk.pk and user.has_role(*EDIT_ROLES)


def visible_entries(user: Any) -> QuerySet[DeskEntry]:
    """Every entry the user may read: own desk's, own unit's items' chain, own desk's forwards up.

    Built from simple indexed subqueries (no joins in the outer query), so looking up
    one entry or one item's chain stays cheap however many entries there are.
    """
    if not _active(user):
        return DeskEntry.objects.none()
    entries = DeskEntry.objects
    q = Q(pk__in=[])
    desk = desk_of(user)
    if desk is not None:
        # Entries at this desk, and entries above that came from this desk's forwards
        # (up to three levels: county → city → province → centre).
        own = entries.filter(desk=desk).values("pk")
        up1 = entries.filter(forwarded_from__in=own).values("pk")
        up2 = entries.filter(forwarded_from__in=up1).values("pk")
        up3 = entries.filter(forwarded_from__in=up2).values("pk")
        q |= Q(desk=desk) | Q(forwarded_from__in=own) | Q(forwarded_from__in=up1) | Q(forwarded_from__in=up2)
        q |= Q(pk__in=up3)
    if user.unit_id is not None and user.has_role(*UNIT_ROLES):
        # The unit's items wherever they went, and combined items built from them (and their forwards).
        items = Item.objects.filter(unit_id=user.unit_id).values("pk")
        combined = CombinedSource.objects.filter(source__item__in=items).values("combined_id")
        combined_up1 = entries.filter(forwarded_from__in=combined).values("pk")
        q |= Q(item__in=items) | Q(pk__in=combined) | Q(forwarded_from__in=combined)
        q |= Q(forwarded_from__in=combined_up1)
    return entries.filter(q, classification__lte=user.clearance)


def visible_adoptions(user: Any) -> QuerySet[Adoption]:
    """Adoption records of entries the user may read; a unit's users see only their own unit's credits."""
    rows = Adoption.objects.filter(entry__in=visible_entries(user))
    if desk_of(user) is None:
        rows = rows.filter(item__in=visible_items(user))
    return rows


def get_item(user: Any, pk: Any) -> Item:
    try:
        return visible_items(user).get(pk=int(pk))
    except (Item.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该信息") from None


def get_desk_entry(user: Any, pk: Any) -> DeskEntry:
    """An entry at the user's own desk (for working on it)."""
    try:
        return desk_entries(user).select_related("desk", "item", "origin_unit").get(pk=int(pk))
    except (DeskEntry.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该信息") from None


def get_visible_entry(user: Any, pk: Any) -> DeskEntry:
    try:
        return visible_entries(user).select_related("desk", "item", "origin_unit").get(pk=int(pk))
    except (DeskEntry.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该信息") from None


# --- the archive's search index: the same rules, as keys stored with each document ---
#
# The archive filters inside the index (``xinxi.archive.index``, fed by ``archive_docs``), so
# the rules above are also written the other way round: who may read a document (``*_readers``), and whose
# readers a user counts among (``search_readers``). A user reads a document when they
# share a desk or unit with its readers and the document's classification is within
# their clearance. ``archive/tests/test_search.py`` checks that both ways agree.


def search_readers(user: Any) -> tuple[int | None, int | None]:
    """(desk id, unit id) whose readers the user counts among: desk staff their desk, unit roles their unit."""
    if not _active(user):
        return None, None
    desk = desk_of(user)
    unit_id = user.unit_id if user.unit_id is not None and user.has_role(*UNIT_ROLES) else None
    return (desk.pk if desk is not None else None), unit_id


def entries_readers(entry_ids: list[int]) -> dict[int, tuple[set[int], set[int]]]:
    """For each entry, (desk ids, unit ids) whose readers may read it; mirrors ``visible_entries``."""
    from xinxi.items.models import CombinedSource

    down = "forwarded_from__"  # the entry this one was forwarded from, one desk below
    rows = list(
        DeskEntry.objects.filter(pk__in=entry_ids).values_list(
            "pk",
            "desk_id",
            "item__unit_id",
            f"{down}id",
            f"{down}desk_id",
            f"{down * 2}id",
            f"{down * 2}desk_id",
            f"{down * 3}desk_id",
            "source",
            f"{down}source",
            f"{down * 2}source",
        )
    )
    # Only combined entries (综合) have sources whose units read them.
    combined_ids = {
        pk for row in rows for pk, source in zip((row[0], row[3], row[5]), row[8:], strict=True) if source == "combined"
    }
    source_units: dict[int, set[int]] = {}
    if combined_ids:
        for combined_id, unit_id in CombinedSource.objects.filter(combined_id__in=combined_ids).values_list(
            "combined_id", "source__item__unit_id"
        ):
            source_units.setdefault(combined_id, set()).add(unit_id)
    readers: dict[int, tuple[set[int], set[int]]] = {}
    for pk, desk, unit, below1, desk1, below2, desk2, desk3, *_sources in rows:
        units = {unit}
        for combined in (pk, below1, below2):
            if combined is not None:
                units |= source_units.get(combined, set())
        readers[pk] = ({d for d in (desk, desk1, desk2, desk3) if d is not None}, units)
    return readers


def received_entries_readers(item: Item, entries: Sequence[DeskEntry]) -> dict[int, tuple[set[int], set[int]]]:
    """``entries_readers`` of the entries a unit's round just made at its desks, read from
    the rows in hand: an entry neither forwarded nor combined is read by its desk and the
    item's unit. Any other entry is looked up as ``entries_readers`` does."""
    readers = {
        e.pk: ({e.desk_id}, {item.unit_id})
        for e in entries
        if e.forwarded_from_id is None and e.source != EntrySource.COMBINED and e.item_id == item.pk
    }
    others = [e.pk for e in entries if e.pk not in readers]
    return readers | (entries_readers(others) if others else {})


def original_readers(item: Item) -> tuple[set[int], set[int]]:
    """(desk ids, unit ids) whose readers may read an item's submitted originals; mirrors ``visible_items``."""
    return set(), {item.unit_id}


# --- reading one record: the path pages and API share, with classified reads audited ---


def entry_for_reading(
    user: Any, pk: Any, *, what: str, rows: QuerySet[DeskEntry] | None = None, desk_staff: bool = False
) -> DeskEntry:
    """An entry the user may read (own desk first, then up or down the chain); 404 otherwise.

    A read of 秘密 and above is audited (``entry_read``), and so is a refused read of an
    existing classified entry (``entry_read_refused``). ``rows`` lets the API read through
    its own (prefetching) queryset of the same entries; ``desk_staff`` refuses everyone
    without a desk (the desk pages are for desk staff).
    """
    if desk_staff and desk_of(user) is None:
        rows = DeskEntry.objects.none()
    if rows is None:
        try:
            entry = get_desk_entry(user, pk)
        except Http404:
            rows = visible_entries(user).select_related("desk", "item", "origin_unit")
        else:
            audit_read(user=user, obj=entry, level=entry.classification, action="entry_read", what=what)
            return entry
    return read_classified(
        user, pk, rows=rows, level=_level, action="entry_read", what=what, missing="未找到该信息"
    )


def item_for_reading(user: Any, pk: Any, *, what: str, rows: QuerySet[Item] | None = None) -> Item:
    """One of the user's unit's items; reads of classified ones audited (``item_read``), refusals too."""
    return read_classified(
        user,
        pk,
        rows=visible_items(user) if rows is None else rows,
        level=_level,
        action="item_read",
        what=what,
        missing="未找到该信息",
    )


def _level(obj: Item | DeskEntry) -> int:
    return obj.classification
