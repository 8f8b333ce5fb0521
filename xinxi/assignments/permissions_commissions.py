"""Who sees and does what with commissions (约稿): the one place for pages, API and notices.

- The issuing desk's staff (editor, desk chief, duty officer, leader) see the desk's
  commissions with every target; its editors and desk chief issue them.
- A target unit's reporters and approvers see the commissions addressed to their unit,
  and only their own unit's row; they answer or decline.
- Anyone else: a commission is missing (404), like one that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from xinxi.assignments.models import Commission, CommissionTarget, TargetStatus
from xinxi.items.permissions import EDIT_ROLES, can_write_items, desk_of
from xinxi.network.models import Desk

OPEN_STATUSES = (TargetStatus.PENDING, TargetStatus.MISSED)  # a unit may still answer (late, once missed)


def staff_desk(user: Any) -> Desk | None:
    return desk_of(user)


def can_issue(user: Any) -> bool:
    """Editors and the desk chief of a desk issue its commissions."""
    return staff_desk(user) is not None and user.has_role(*EDIT_ROLES)


def desk_commissions(user: Any) -> QuerySet[Commission]:
    desk = staff_desk(user)
    return Commission.objects.filter(desk=desk) if desk is not None else Commission.objects.none()


def unit_commissions(user: Any) -> QuerySet[Commission]:
    if not can_write_items(user):
        return Commission.objects.none()
    return Commission.objects.filter(pk__in=CommissionTarget.objects.filter(unit_id=user.unit_id).values("commission"))


def visible_commissions(user: Any) -> QuerySet[Commission]:
    desk = staff_desk(user)
    q = Q(pk__in=[])
    if desk is not None:
        q |= Q(desk=desk)
    if can_write_items(user):
        q |= Q(pk__in=CommissionTarget.objects.filter(unit_id=user.unit_id).values("commission"))
    return Commission.objects.filter(q)


def get_commission(user: Any, pk: Any) -> Commission:
    try:
        return visible_commissions(user).select_related("desk", "desk__unit", "created_by").get(pk=int(pk))
    except (Commission.DoesNotExist, TypeError, ValueError):
        raise Http404("约稿不存在。") from None


def is_desk_staff(user: Any, commission: Commission) -> bool:
    desk = staff_desk(user)
    return desk is not None and desk.pk == commission.desk_id


def own_target(user: Any, commission: Commission) -> CommissionTarget | None:
    """The user's unit's row of the commission, for its reporters and approvers."""
    if not can_write_items(user):
        return None
    return CommissionTarget.objects.filter(commission=commission, unit_id=user.unit_id).select_related("item").first()


def open_targets(user: Any) -> QuerySet[CommissionTarget]:
    """The commissions the user's unit may still answer (home page, the draft form's select)."""
    if not can_write_items(user):
        return CommissionTarget.objects.none()
    return (
        CommissionTarget.objects.filter(unit_id=user.unit_id, status__in=OPEN_STATUSES)
        .select_related("commission", "commission__desk")
        .order_by("commission__due_at", "pk")
    )


def is_commissioned(desk_id: int, item_id: int) -> bool:
    """Whether the item answered a commission of the desk (scoring's 约稿 multiplier asks this)."""
    rows = CommissionTarget.objects.filter(commission__desk_id=desk_id, item_id=item_id, answered_at__isnull=False)
    return rows.exists()
