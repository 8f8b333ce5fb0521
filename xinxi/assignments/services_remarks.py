"""Remarks (点评): the writes. Keyword-only, the acting user, one transaction, audited.

- ``remark_write``: an editor or the chief of the entry's desk remarks on an entry a unit
  sent (one remark per entry); the item's reporter (its creating user) is notified.
- ``remark_update``: the desk's editors rewrite it, on the version they read.
- ``remark_delete``: the desk's editors withdraw it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from xinxi.assignments import permissions_remarks as permissions
from xinxi.assignments.models import Remark, RemarkRating, RemarkTag
from xinxi.audit.services import audit_record
from xinxi.items.models import DeskEntry
from xinxi.lib.errors import ConflictError, ServiceError
from xinxi.notifications.models import NotificationKind
from xinxi.notifications.services import notify

TEXT_MAX = 1000


def _forbidden() -> ServiceError:
    return ServiceError("只有本科室的编辑和科长可以点评本科室收到的信息。", code="forbidden")


def _clean(text: Any, rating: Any, tags: Sequence[Any]) -> tuple[str, str, list[str]]:
    text = str(text or "").strip()
    if not text:
        raise ServiceError("请填写点评意见。")
    if len(text) > TEXT_MAX:
        raise ServiceError(f"点评意见最多 {TEXT_MAX} 字。")
    rating = str(rating or "")
    if rating and rating not in RemarkRating.values:
        raise ServiceError("评价应为优、良、一般或差。")
    chosen = [str(t) for t in tags]
    if any(t not in RemarkTag.values for t in chosen):
        raise ServiceError("方面应为时效、角度、数据、文字或标题。")
    return text, rating, [t for t in RemarkTag.values if t in chosen]


@transaction.atomic
def remark_write(*, actor: Any, entry: DeskEntry, text: str, rating: str = "", tags: Sequence[str] = ()) -> Remark:
    """点评 an entry at the actor's desk for its sender."""
    entry = DeskEntry.objects.select_related("desk", "item").get(pk=entry.pk)
    if not permissions.can_remark(actor, entry):
        if not permissions.remarkable_entry(entry):
            raise ServiceError("本科室编写的综合信息不能点评。")
        raise _forbidden()
    text, rating, tags = _clean(text, rating, tags)
    if Remark.objects.filter(entry=entry).exists():
        raise ServiceError("该信息已有点评，请修改原点评。")
    now = timezone.now()
    remark = Remark.objects.create(
        entry=entry, desk=entry.desk, item=entry.item, unit_id=entry.item.unit_id,
        reporter_id=entry.item.created_by_id, author=actor, text=text, rating=rating, tags=tags,
        created_at=now, updated_at=now,
    )
    audit_record(actor=actor, action="remark_write", obj=remark, detail={"entry": entry.pk, "rating": rating})
    remark.entry = entry
    notify(users=[entry.item.created_by], kind=NotificationKind.REMARK_WRITTEN, obj=remark,
           url=reverse("item_detail", args=[entry.item_id]), detail={"rating": rating})
    return remark


def _locked(actor: Any, remark: Remark, version: int | None) -> Remark:
    locked = Remark.objects.select_for_update(of=("self",)).select_related("entry", "entry__desk").get(pk=remark.pk)
    if not permissions.can_remark(actor, locked.entry):
        raise _forbidden()
    if version is not None and locked.version != version:
        raise ConflictError()
    return locked


@transaction.atomic
def remark_update(
    *, actor: Any, remark: Remark, text: str, rating: str = "", tags: Sequence[str] = (), version: int | None = None
) -> Remark:
    """Rewrite a remark (the desk's editors), on the version read."""
    locked = _locked(actor, remark, version)
    locked.text, locked.rating, locked.tags = _clean(text, rating, tags)
    locked.updated_at = timezone.now()
    locked.version += 1
    locked.save(update_fields=["text", "rating", "tags", "updated_at", "version"])
    audit_record(actor=actor, action="remark_update", obj=locked, detail={"rating": locked.rating})
    return locked


@transaction.atomic
def remark_delete(*, actor: Any, remark: Remark) -> None:
    """Withdraw a remark (the desk's editors)."""
    locked = _locked(actor, remark, None)
    audit_record(actor=actor, action="remark_delete", obj=locked, detail={"entry": locked.entry_id})
    locked.delete()
