"""Who works the intake queue and who edits a desk's mailbox; which units may send to a desk.

- The queue of a desk (its messages, open or decided) is for the desk's editors and desk
  chief; anyone else gets 404, as for a missing message.
- The mailbox settings are for the desk chief, or an administrator (any desk).
- A message can become an item only of a unit whose submissions reach this desk: a unit
  whose nearest active desk above it is this desk, or an active direct reporting point of it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from xinxi.accounts.models import Role
from xinxi.intake.models import IntakeMessage
from xinxi.network.models import Desk, DirectPoint, Unit
from xinxi.network.permissions import user_desk
from xinxi.network.services import parent_desk

WORK_ROLES = (Role.EDITOR, Role.DESK_CHIEF)


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def desk_of(user: Any) -> Desk | None:
    """The desk whose queue the user works (editor or desk chief there), or None."""
    if not _active(user) or not user.has_role(*WORK_ROLES):
        return None
    return user_desk(user)


def can_work(user: Any, desk: Desk) -> bool:
    own = desk_of(user)
    return own is not None and own.pk == desk.pk


def visible_messages(user: Any) -> QuerySet[IntakeMessage]:
    desk = desk_of(user)
    if desk is None:
        return IntakeMessage.objects.none()
    return IntakeMessage.objects.filter(desk=desk)


def get_message(user: Any, pk: Any) -> IntakeMessage:
    try:
        return visible_messages(user).select_related("desk__unit", "unit", "sender_user", "decided_by").get(
            pk=int(pk)
        )
    except (IntakeMessage.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("未找到该来稿邮件") from None


def can_edit_mailbox(user: Any, desk: Desk) -> bool:
    if not _active(user):
        return False
    if user.is_admin:
        return True
    own = user_desk(user)
    return own is not None and own.pk == desk.pk and user.has_role(Role.DESK_CHIEF)


def reaching_units(desk: Desk) -> list[Unit]:
    """Active units that submit to ``desk`` (under it with no nearer desk, or its points), by path."""
    root = desk.unit
    below = list(Unit.objects.filter(path__startswith=root.path, active=True).exclude(pk=root.pk))
    nearer = {
        d.unit.path
        for d in Desk.objects.filter(active=True, unit__path__startswith=root.path).exclude(pk=desk.pk)
        .select_related("unit")
    }
    units = {u.pk: u for u in below if not any(u.path.startswith(p) and u.path != p for p in nearer)}
    for unit in Unit.objects.filter(
        active=True, points__desk=desk, points__revoked_on__isnull=True
    ).distinct():
        units[unit.pk] = unit
    return sorted(units.values(), key=lambda u: u.path)


def reaches(unit: Unit, desk: Desk) -> bool:
    if not unit.active or unit.pk == desk.unit_id:
        return False
    parent = parent_desk(unit)
    if parent is not None and parent.pk == desk.pk:
        return True
    return DirectPoint.objects.filter(unit=unit, desk=desk, revoked_on__isnull=True).exists()
