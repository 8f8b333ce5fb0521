"""How notifications about items and desk entries are worded, and who may read them.

Loaded by the notifications app; each kind is checked with the same ``permissions``
functions as the item and desk pages.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from xinxi.items import permissions
from xinxi.items.models import DeskEntry, Item, Submission
from xinxi.notifications.kinds import register
from xinxi.notifications.models import NotificationKind as K


def _received(user: Any) -> QuerySet[Submission]:
    """A round the user's desk (or chain) received: readable while an entry of its item is."""
    entries = permissions.visible_entries(user).values("item_id")
    return Submission.objects.filter(item__in=entries, classification__lte=user.clearance)


def _entries(user: Any) -> QuerySet[DeskEntry]:
    return permissions.visible_entries(user)


def _items(user: Any) -> QuerySet[Item]:
    return permissions.visible_items(user)


def _reason(detail: dict[str, Any]) -> str:
    return f"（{detail['reason']}）" if detail.get("reason") else ""


register(K.ITEM_SIGNOFF_REQUESTED, visible=_items, text=lambda item, d: f"待签发：{item.title}")
register(K.ITEM_SIGNOFF_RETURNED, visible=_items, text=lambda item, d: f"签发人退回：{item.title}{_reason(d)}")
register(
    K.ITEM_RECEIVED,
    visible=_received,
    related=("item__unit",),
    text=lambda sub, d: f"新收信息：{sub.title}（{sub.item.unit.name}）",
)
register(K.ENTRY_ASSIGNED, visible=_entries, text=lambda e, d: f"分配给您：{e.title}")
register(
    K.ENTRY_FORWARDED,
    visible=_entries,
    related=("forwarded_from__desk",),
    text=lambda e, d: f"{e.forwarded_from.desk.name}转报：{e.title}",
)
register(
    K.ENTRY_RETURNED,
    visible=_entries,
    related=("desk",),
    text=lambda e, d: f"{e.desk.name}退回修改：{e.title}{_reason(d)}",
)
register(K.ENTRY_NOT_ADOPTED, visible=_entries, related=("desk",), text=lambda e, d: f"{e.desk.name}未采用：{e.title}")
register(
    K.ENTRY_VERIFY,
    visible=_entries,
    related=("desk",),
    text=lambda e, d: f"{e.desk.name}请核实：{e.title}（{d.get('question', '')}）",
)
register(
    K.ENTRY_COMBINED,
    visible=_entries,
    related=("desk",),
    text=lambda e, d: f"{e.desk.name}综合了您的信息：{e.title}",
)
register(K.ENTRY_FORWARDED_UP, visible=_entries, related=("desk",), text=lambda e, d: f"已转报{e.desk.name}：{e.title}")
register(
    K.ENTRY_ADOPTED, visible=_entries, text=lambda e, d: f"您的信息被{d.get('where', '')}采用：{e.title}"
)
