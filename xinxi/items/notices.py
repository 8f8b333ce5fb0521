"""How notifications about items and desk entries are worded, and who may read them.

Loaded by the notifications app; each kind is checked with the same ``permissions``
functions as the item and desk pages.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from xinxi.accounts.models import Role
from xinxi.items import permissions
from xinxi.items.models import DeskEntry, Item, Submission
from xinxi.notifications.kinds import register
from xinxi.notifications.models import NotificationKind as K


def _received(user: Any) -> QuerySet[Submission]:
    """A round the user's desk (or chain) received: readable while an entry of its item is."""
    entries = permissions.visible_entries(user).values("item_id")
    return Submission.objects.filter(item__in=entries, classification__lte=user.clearance)


def _received_many(users: list[Any], ids: set[int], objects: Mapping[int, Any] | None = None) -> dict[int, set[int]]:
    """``_received`` for many users at once (the desk staff told of a new round): user id → ids.

    The common case in at most four queries whatever the number of users: a round is
    visible to a user whose desk holds an entry of its item, within clearance (one of the
    branches of ``visible_entries``). Whatever that does not settle is asked of
    ``_received`` per user, so the answer is exactly ``_received``'s (a test holds it so for
    every persona).

    What is in hand is not read again: users loaded ``with_roles`` and whose desk is known
    (``network.permissions.know_desk``), and a round just sent, which carries the desks
    that received it (``reached_desks``: an entry of its item is at each of them).
    """
    from xinxi.accounts.models import RoleGrant
    from xinxi.network.models import Desk
    from xinxi.network.permissions import know_desk

    if not ids or not users:
        return {}
    asked = [u for u in users if "roles" not in u.__dict__ and getattr(u, "role_codes", None) is None]
    if asked:
        roles: dict[int, set[str]] = {u.pk: set() for u in asked}
        for user_id, role in RoleGrant.objects.filter(user__in=[u.pk for u in asked]).values_list("user_id", "role"):
            roles[user_id].add(role)
        for user in asked:  # what ``has_role`` would have read
            user.__dict__["roles"] = frozenset(roles[user.pk]) | (
                {Role.ADMIN} if user.is_superuser else set()
            )
    asked = [u for u in users if "_xinxi_desk" not in u.__dict__]
    if asked:
        desks: dict[int, Desk] = {}
        for desk in Desk.objects.filter(unit_id__in={u.unit_id for u in asked}, active=True).select_related("unit"):
            desks.setdefault(desk.unit_id, desk)
        for user in asked:  # what ``user_desk`` would have read
            know_desk(user, desks.get(user.unit_id))
    rounds: dict[int, tuple[int, int]] = {}
    at_desk: set[tuple[int, int]] = set()
    for pk, obj in (objects or {}).items():
        reached = getattr(obj, "reached_desks", None)
        if pk in ids and reached is not None:
            rounds[pk] = (obj.item_id, obj.classification)
            at_desk |= {(obj.item_id, desk.pk) for desk in reached}
    unknown = ids - set(rounds)
    if unknown:
        read = {pk: (item_id, level) for pk, item_id, level in
                Submission.objects.filter(pk__in=unknown).values_list("pk", "item_id", "classification")}
        own = {d.pk for d in (permissions.desk_of(u) for u in users) if d is not None}
        at_desk |= set(
            DeskEntry.objects.filter(item_id__in={item for item, _ in read.values()}, desk__in=own)
            .values_list("item_id", "desk_id")
        )
        rounds.update(read)
    found: dict[int, set[int]] = {}
    for user in users:
        own_desk = permissions.desk_of(user)
        seen = {
            pk for pk, (item_id, level) in rounds.items()
            if own_desk is not None and level <= user.clearance and (item_id, own_desk.pk) in at_desk
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
