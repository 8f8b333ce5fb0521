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


def _received_many(users: list[Any], ids: set[int]) -> dict[int, set[int]]:
    """``_received`` for many users at once (the desk staff told of a new round): user id → ids.

    The common case in four queries whatever the number of users: a round is visible to a
    user whose desk holds an entry of its item, within clearance (one of the branches of
    ``visible_entries``). Whatever that does not settle is asked of ``_received`` per user,
    so the answer is exactly ``_received``'s (a test holds it so for every persona).
    """
    from xinxi.accounts.models import RoleGrant
    from xinxi.network.models import Desk

    if not ids or not users:
        return {}
    roles: dict[int, set[str]] = {u.pk: set() for u in users}
    for user_id, role in RoleGrant.objects.filter(user__in=[u.pk for u in users]).values_list("user_id", "role"):
        roles[user_id].add(role)
    desks: dict[int, Desk] = {}
    for desk in Desk.objects.filter(unit_id__in={u.unit_id for u in users}, active=True).select_related("unit"):
        desks.setdefault(desk.unit_id, desk)  # as ``user_desk``'s ``.first()``: by id
    for user in users:  # what ``has_role`` and ``user_desk`` would each have read
        user.__dict__.setdefault("roles", frozenset(roles[user.pk]))
        user.__dict__.setdefault("_xinxi_desk", desks.get(user.unit_id))
    rounds = {pk: (item_id, level) for pk, item_id, level in
              Submission.objects.filter(pk__in=ids).values_list("pk", "item_id", "classification")}
    at_desk = set(
        DeskEntry.objects.filter(item_id__in={item for item, _ in rounds.values()}, desk__in=desks.values())
        .values_list("item_id", "desk_id")
    )
    found: dict[int, set[int]] = {}
    for user in users:
        own = permissions.desk_of(user)
        seen = {
            pk for pk, (item_id, level) in rounds.items()
            if own is not None and level <= user.clearance and (item_id, own.pk) in at_desk
        }
        rest = set(rounds) - seen
        if rest:
            seen |= set(_received(user).filter(pk__in=rest).values_list("pk", flat=True))
        found[user.pk] = seen
    return found


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
    visible_many=_received_many,
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
