"""How each kind of notification is checked and worded: one renderer per kind.

Domain apps register their kinds in their own ``notices`` module (loaded by this app's
``ready()``), so this app imports no domain app. A renderer says which objects a user may
see (the app's own ``permissions`` function, the one the pages use), how to word the
notification from the object, and the object's classification.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from xinxi.notifications.models import NotificationKind


@dataclass(frozen=True)
class Renderer:
    kind: str
    visible: Callable[[Any], QuerySet[Any]]
    """The objects of this kind the user may see now (a ``permissions`` function)."""
    text: Callable[[Any, dict[str, Any]], str]
    """The wording, from the object and the notification's parameters."""
    related: tuple[str, ...] = ()
    """What ``text`` reads beyond the object, fetched in the same query."""
    classification: Callable[[Any], int] = lambda obj: int(obj.classification)
    visible_many: Callable[[list[Any], set[int], Mapping[int, Any]], dict[int, set[int]]] | None = None
    """``visible`` for many users at once (user id → visible ids), when the app offers it;
    it is also given the objects in hand (id → object), whose loaded fields it may use."""

    def fetch(self, user: Any, ids: set[int]) -> dict[int, Any]:
        """The objects among ``ids`` the user may see: one query, whatever the number."""
        if not ids:
            return {}
        rows = self.visible(user).filter(pk__in=ids)
        if self.related:
            rows = rows.select_related(*self.related)
        return {obj.pk: obj for obj in rows}

    def can_see(self, user: Any, obj: Any) -> bool:
        return self.visible(user).filter(pk=obj.pk).exists()

    def visible_ids(self, user: Any, ids: set[int]) -> set[int]:
        """Which of ``ids`` the user may see now: one query, whatever the number."""
        return set(self.visible(user).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()

    def visible_ids_many(
        self, wanted: dict[int, tuple[Any, set[int]]], objects: Mapping[int, Any] | None = None
    ) -> dict[int, set[int]]:
        """``visible_ids`` for each user (id → (user, ids)): in a few queries when the app
        offers ``visible_many``, else one query per user. ``objects`` are the objects in
        hand by id (the sender's rows)."""
        if self.visible_many is None:
            return {pk: self.visible_ids(user, ids) for pk, (user, ids) in wanted.items()}
        every = set().union(*(ids for _, ids in wanted.values())) if wanted else set()
        seen = self.visible_many([user for user, _ in wanted.values()], every, objects or {})
        return {pk: seen.get(pk, set()) & ids for pk, (_, ids) in wanted.items()}


_REGISTRY: dict[str, Renderer] = {}


def register(
    kind: str,
    *,
    visible: Callable[[Any], QuerySet[Any]],
    text: Callable[[Any, dict[str, Any]], str],
    related: tuple[str, ...] = (),
    classification: Callable[[Any], int] | None = None,
    visible_many: Callable[[list[Any], set[int], Mapping[int, Any]], dict[int, set[int]]] | None = None,
) -> None:
    if kind not in NotificationKind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    if classification is None:
        _REGISTRY[kind] = Renderer(kind, visible, text, related, visible_many=visible_many)
    else:
        _REGISTRY[kind] = Renderer(kind, visible, text, related, classification, visible_many)


def renderer(kind: str) -> Renderer:
    try:
        return _REGISTRY[kind]
    except KeyError:
        raise LookupError(f"no renderer registered for notification kind {kind!r}") from None


def registered_kinds() -> set[str]:
    return set(_REGISTRY)

