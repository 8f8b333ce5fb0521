"""Who may see and manage which units, desks, points and staff.

This module is the one place that decides visibility for the network; pages and
the API both call it. An object the user may not see is reported exactly like a
missing one (404), so ids leak nothing.

- An admin sees everything.
- A user working at a desk (editor, desk chief, duty officer, leader) sees the
  desk's territory: every unit whose region code lies in the desk unit's region,
  the desk unit's subtree, the desk's direct points, and the chain above.
- Anyone else sees their own unit, its subtree, the chain above it, and the units
  of the desks it is a direct point of.
- Managing (create, edit, move, deactivate units; staff; users) is for admins
  everywhere and for desk chiefs within their desk unit's subtree; admitting and
  revoking direct points is for admins and the chief of that desk.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.http import Http404

from xinxi.accounts.models import DESK_ROLES, Role
from xinxi.lib.compiled import Compiled
from xinxi.network.models import Desk, DirectPoint, StaffMember, Unit

if TYPE_CHECKING:
    from xinxi.accounts.models import User


# Compiled once per process (``lib.compiled``): every desk page and most API calls ask it.
_unit_desk = Compiled(
    Desk,
    lambda unit_id: Desk.objects.filter(unit_id=unit_id, active=True).select_related("unit").order_by("pk")[:1],
    warm=[(0,)],
)


def user_desk(user: User) -> Desk | None:
    """The desk the user works at, if their unit has one and they have a desk role.

    Cached on the user object, which lives for one request.
    """
    if not user.is_authenticated or user.unit_id is None or not user.has_role(*DESK_ROLES):
        return None
    cache = user.__dict__
    if "_xinxi_desk" not in cache:
        cache["_xinxi_desk"] = next(iter(_unit_desk(user.unit_id)), None)
    desk: Desk | None = cache["_xinxi_desk"]
    return desk


def know_desk(user: User, desk: Desk | None) -> None:
    """Tell ``user_desk`` the desk of the user's unit, read elsewhere (the active desk of
    ``user.unit_id`` with its unit, or ``None`` when the unit has none)."""
    user.__dict__.setdefault("_xinxi_desk", desk)


def _ancestors_q(unit: Unit) -> Q:
    return Q(pk__in=unit.ancestor_ids)


def visible_units(user: Any) -> QuerySet[Unit]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Unit.objects.none()
    if user.is_admin:
        return Unit.objects.all()
    unit = user.unit
    if unit is None:
        return Unit.objects.none()
    q = Q(pk=unit.pk) | Q(path__startswith=unit.path) | _ancestors_q(unit)
    desk = user_desk(user)
    if desk is not None:
        q |= Q(region_code__startswith=unit.region_prefix)
        q |= Q(points__desk=desk, points__revoked_on__isnull=True)
    else:
        point_desk_units = Desk.objects.filter(points__unit=unit, points__revoked_on__isnull=True).values("unit_id")
        q |= Q(pk__in=point_desk_units)
    return Unit.objects.filter(pk__in=Unit.objects.filter(q).values("pk"))


def manageable_units(user: Any) -> QuerySet[Unit]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Unit.objects.none()
    if user.is_admin:
        return Unit.objects.all()
    desk = user_desk(user)
    if desk is None or not user.has_role(Role.DESK_CHIEF):
        return Unit.objects.none()
    return Unit.objects.filter(path__startswith=desk.unit.path)


def can_manage_unit(user: Any, unit: Unit) -> bool:
    return manageable_units(user).filter(pk=unit.pk).exists()


def can_create_under(user: Any, parent: Unit | None) -> bool:
    if parent is None:
        return bool(getattr(user, "is_admin", False))
    return can_manage_unit(user, parent)


def visible_desks(user: Any) -> QuerySet[Desk]:
    return Desk.objects.filter(unit__in=visible_units(user))


def managed_desks(user: Any) -> QuerySet[Desk]:
    """Desks whose direct points and settings the user may change."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Desk.objects.none()
    if user.is_admin:
        return Desk.objects.all()
    desk = user_desk(user)
    if desk is None or not user.has_role(Role.DESK_CHIEF):
        return Desk.objects.none()
    return Desk.objects.filter(pk=desk.pk)


def visible_points(user: Any) -> QuerySet[DirectPoint]:
    units = visible_units(user)
    return DirectPoint.objects.filter(unit__in=units, desk__unit__in=units)


def visible_staff(user: Any) -> QuerySet[StaffMember]:
    return StaffMember.objects.filter(unit__in=visible_units(user))


def get_visible_unit(user: Any, pk: Any) -> Unit:
    """The unit, or Http404 when it is missing or not visible (indistinguishable)."""
    try:
        return visible_units(user).get(pk=int(pk))
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该单位") from None


def get_managed_unit(user: Any, pk: Any) -> Unit:
    try:
        return manageable_units(user).get(pk=int(pk))
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该单位") from None


def can_manage_network(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_admin or (user.has_role(Role.DESK_CHIEF) and user_desk(user) is not None))
    )


def settings_desk(user: Any, chosen: str, method: str, may_edit: Callable[[Any, Desk], bool]) -> Desk | None:
    """The desk a settings page edits: the user's own, or for an administrator the one
    ``?desk=`` names (``chosen``); None when an administrator has not chosen one yet (GET).
    A desk the user may not edit (``may_edit``) is missing, not forbidden."""
    desk = user_desk(user) if user.is_authenticated and user.is_active else None
    if user.is_admin and chosen.isdigit():
        desk = Desk.objects.select_related("unit").filter(pk=int(chosen)).first()
        if desk is None:
            raise Http404
    if desk is None and user.is_admin and method == "GET":
        return None
    if desk is None or not may_edit(user, desk):
        raise Http404
    return desk
