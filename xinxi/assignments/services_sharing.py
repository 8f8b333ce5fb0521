"""Sharing (共享 / 转送): the writes. Keyword-only, the acting user, one transaction, audited.

- ``share_create``: an editor or the chief shares the desk's current version of an entry
  with chosen units (down or sideways, ``permissions_remarks.share_targets``), with a note.
  A recipient unit none of whose users is cleared for the item's classification is refused
  (the whole share, naming the units): a share nobody there could read is a mistake. Users
  of a recipient unit below the level never see it (``visible_shares``) and are not told.
- ``share_mark_read``: a recipient opens it; one read record per user, the sharer sees them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from xinxi.accounts.models import User
from xinxi.assignments import permissions_remarks as permissions
from xinxi.assignments.models import Share, ShareRead, ShareRecipient
from xinxi.audit.services import audit_record
from xinxi.items.models import DeskEntry
from xinxi.lib.choices import Classification
from xinxi.lib.errors import ServiceError
from xinxi.network.models import Unit
from xinxi.notifications.models import NotificationKind
from xinxi.notifications.services import notify

NOTE_MAX = 500
MAX_RECIPIENTS = 200


@transaction.atomic
def share_create(*, actor: Any, entry: DeskEntry, units: Sequence[Unit], note: str = "") -> Share:
    """共享 the desk's version of ``entry`` with ``units``; their cleared users are notified."""
    entry = DeskEntry.objects.select_related("desk", "origin_unit").get(pk=entry.pk)
    if not permissions.can_share(actor, entry):
        raise ServiceError("只有本科室的编辑和科长可以共享本科室收到的信息。", code="forbidden")
    note = str(note or "").strip()
    if len(note) > NOTE_MAX:
        raise ServiceError(f"共享说明最多 {NOTE_MAX} 字。")
    chosen = {u.pk: u for u in units}
    if not chosen:
        raise ServiceError("请选择至少一个接收单位。")
    if len(chosen) > MAX_RECIPIENTS:
        raise ServiceError(f"一次最多共享给 {MAX_RECIPIENTS} 个单位。")
    allowed = set(permissions.share_targets(actor).filter(pk__in=chosen).values_list("pk", flat=True))
    outside = [u.name for pk, u in chosen.items() if pk not in allowed]
    if outside:
        raise ServiceError(f"只能共享给本科室下级或同级的单位：{'、'.join(outside)}不在其中。")
    level = int(entry.classification)
    cleared = dict(
        User.objects.filter(unit_id__in=chosen, is_active=True)
        .values("unit_id").annotate(top=Max("clearance")).values_list("unit_id", "top")
    )
    short = [u.name for pk, u in chosen.items() if cleared.get(pk, Classification.PUBLIC) < level]
    if short:
        raise ServiceError(
            f"该信息密级为“{Classification(level).label}”，{'、'.join(short)}没有可阅读该密级的人员，不能共享。"
        )
    share = Share.objects.create(
        entry=entry, desk=entry.desk, origin_unit=entry.origin_unit, title=entry.title, body=entry.body,
        classification=level, note=note, shared_by=actor, shared_at=timezone.now(),
    )
    ShareRecipient.objects.bulk_create([ShareRecipient(share=share, unit_id=pk) for pk in sorted(chosen)])
    audit_record(actor=actor, action="share_create", obj=share,
                 detail={"entry": entry.pk, "units": sorted(chosen), "classification": level})
    share.entry = entry
    recipients = User.objects.filter(unit_id__in=chosen, is_active=True, clearance__gte=level)
    notify(users=list(recipients), kind=NotificationKind.SHARE_RECEIVED, obj=share,
           url=reverse("assignments:share_detail", args=[share.pk]))
    return share


@transaction.atomic
def share_mark_read(*, actor: Any, share: Share) -> bool:
    """Record that a recipient opened the share (once per user). True when this was the first time."""
    if not permissions.is_recipient(actor, share):
        return False
    _row, created = ShareRead.objects.get_or_create(share=share, user=actor, defaults={"at": timezone.now()})
    if created:
        audit_record(actor=actor, action="share_mark_read", obj=share)
    return created
