"""Who sees and writes remarks (点评) and shares (共享): the one place, for pages and API.

Remarks
- The desk's staff see the remarks written at their desk; its editors and chief write them
  (on an entry at their desk that a unit sent: not on the desk's own combined items).
- The sender's unit (its reporters and approvers) sees the remarks on its items.
- Nobody else: another unit's remark is a 404, like a missing one.

Shares
- The recipients: every user of a receiving unit, within clearance (a share above a user's
  clearance is never shown to them: list, count, API, notification).
- The sharing desk's staff see what their desk shared and who read it.

Classification above the user's clearance hides a record everywhere: for a remark the
entry's current classification, for a share both the level it was shared at and the
entry's current one (a later upward reclassification applies).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from xinxi.assignments.models import Remark, Share
from xinxi.audit.reads import read_classified
from xinxi.items.models import DeskEntry, EntrySource
from xinxi.items.permissions import UNIT_ROLES, can_edit_at_desk, desk_entries, desk_of
from xinxi.network.models import Unit
from xinxi.network.permissions import visible_units


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _unit_user(user: Any) -> bool:
    return _active(user) and user.unit_id is not None and user.has_role(*UNIT_ROLES)


# --- remarks ---


def visible_remarks(user: Any) -> QuerySet[Remark]:
    if not _active(user):
        return Remark.objects.none()
    q = Q(pk__in=[])
    desk = desk_of(user)
    if desk is not None:
        q |= Q(desk=desk)
    if _unit_user(user):
        q |= Q(unit_id=user.unit_id)
    return Remark.objects.filter(q, entry__classification__lte=user.clearance, item__classification__lte=user.clearance)


def remarkable_entry(entry: DeskEntry) -> bool:
    """An entry a unit sent (not a combined item the desk wrote itself)."""
    return entry.source != EntrySource.COMBINED


def can_remark(user: Any, entry: DeskEntry) -> bool:
    return _active(user) and remarkable_entry(entry) and can_edit_at_desk(user, entry.desk)


def get_remark_entry(user: Any, pk: Any) -> DeskEntry:
    """An entry at the user's own desk (to read or write its remark); 404 otherwise."""
    rows = desk_entries(user).select_related("desk", "item", "item__created_by", "origin_unit")
    return read_classified(user, pk, rows=rows, level=lambda e: int(e.classification), action="entry_read",
                           what="remark", missing="未找到该信息")


def remarks_on_item(user: Any, item: Any) -> QuerySet[Remark]:
    return visible_remarks(user).filter(item_id=item.pk)


# --- shares ---


def visible_shares(user: Any) -> QuerySet[Share]:
    """Shares the user received (their unit is a recipient) or their desk sent, within clearance."""
    if not _active(user):
        return Share.objects.none()
    q = Q(pk__in=[])
    if user.unit_id is not None:
        q |= Q(pk__in=Share.objects.filter(recipients__unit_id=user.unit_id).values("pk"))
    desk = desk_of(user)
    if desk is not None:
        q |= Q(desk=desk)
    return Share.objects.filter(q, classification__lte=user.clearance, entry__classification__lte=user.clearance)


def received_shares(user: Any) -> QuerySet[Share]:
    if not _active(user) or user.unit_id is None:
        return Share.objects.none()
    return visible_shares(user).filter(pk__in=Share.objects.filter(recipients__unit_id=user.unit_id).values("pk"))


def sent_shares(user: Any) -> QuerySet[Share]:
    desk = desk_of(user)
    if desk is None:
        return Share.objects.none()
    return visible_shares(user).filter(desk=desk)


def is_recipient(user: Any, share: Share) -> bool:
    return user.unit_id is not None and share.recipients.filter(unit_id=user.unit_id).exists()


def is_sharer(user: Any, share: Share) -> bool:
    desk = desk_of(user)
    return desk is not None and desk.pk == share.desk_id


def can_share(user: Any, entry: DeskEntry) -> bool:
    return _active(user) and can_edit_at_desk(user, entry.desk)


def share_targets(user: Any) -> QuerySet[Unit]:
    """Units a desk may share with: down or sideways in what it sees, never itself or the chain above."""
    desk = desk_of(user)
    if desk is None:
        return Unit.objects.none()
    own = desk.unit
    return (
        visible_units(user)
        .filter(active=True)
        .exclude(pk=own.pk)
        .exclude(pk__in=own.ancestor_ids)
        .order_by("path")
    )


def share_for_reading(user: Any, pk: Any, *, what: str, rows: QuerySet[Share] | None = None) -> Share:
    rows = rows if rows is not None else visible_shares(user).select_related("desk", "origin_unit", "shared_by")
    return read_classified(user, pk, rows=rows, level=lambda s: int(s.classification), action="share_read",
                           what=what, missing="未找到该共享信息")


def get_visible_remark(user: Any, pk: Any) -> Remark:
    try:
        return visible_remarks(user).select_related("entry", "desk", "item", "author", "reporter").get(pk=int(pk))
    except (Remark.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("未找到该点评") from None
