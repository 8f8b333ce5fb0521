"""Who sees and works on circulars (通报): one place for pages, the API and notifications.

- A desk's circulars in every state: the people who work at the desk and admins
  (``permissions.scoring_desks``).
- An issued circular: also every active user of a unit it was issued to (印发单位).
- Drafting, editing and sending for sign-off: the desk's editors and its desk chief;
  signing, returning and issuing: the desk chief.
Another desk's circular, or one not (yet) issued to the user's unit, is missing (404).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from xinxi.accounts.models import Role
from xinxi.network.models import Desk
from xinxi.network.permissions import user_desk
from xinxi.scoring.models import Circular, CircularState
from xinxi.scoring.permissions import scoring_desks


def visible_circulars(user: Any) -> QuerySet[Circular]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Circular.objects.none()
    seen = Q(desk__in=scoring_desks(user))
    if user.unit_id is not None:
        sent = Circular.recipients.through.objects.filter(circular_id=OuterRef("pk"), unit_id=user.unit_id)
        seen |= Q(state=CircularState.ISSUED) & Q(Exists(sent))
    return Circular.objects.filter(seen)


def get_circular(user: Any, pk: Any) -> Circular:
    try:
        return visible_circulars(user).select_related("desk__unit").get(pk=int(pk))
    except (Circular.DoesNotExist, TypeError, ValueError):
        raise Http404("未找到该通报") from None


def is_desk_staff(user: Any, desk: Desk | int) -> bool:
    desk_id = desk if isinstance(desk, int) else desk.pk
    return scoring_desks(user).filter(pk=desk_id).exists()


def _at_desk(user: Any, desk: Desk | int, *roles: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.has_role(*roles):
        return False
    own = user_desk(user)
    desk_id = desk if isinstance(desk, int) else desk.pk
    return own is not None and own.pk == desk_id


def can_draft(user: Any, desk: Desk | int) -> bool:
    """Generate, edit and send for sign-off: the desk's editors and its desk chief."""
    return _at_desk(user, desk, Role.EDITOR, Role.DESK_CHIEF)


def can_sign(user: Any, desk: Desk | int) -> bool:
    """Sign, return and issue: the desk's chief."""
    return _at_desk(user, desk, Role.DESK_CHIEF)


def draft_desks(user: Any) -> QuerySet[Desk]:
    own = user_desk(user) if getattr(user, "is_authenticated", False) else None
    if own is None or not can_draft(user, own):
        return Desk.objects.none()
    return Desk.objects.filter(pk=own.pk)
