"""Who may see and change scoring: one place for pages and the API.

- A desk's rule sets and its penalties and corrections: its desk chief, or an admin
  (``network.permissions.managed_desks``).
- A desk's ledger, rankings and circulars in draft: the people who work at the desk
  (editor, desk chief, duty officer, leader), and admins.
- A unit's own points (我的得分): the unit's reporters and approvers, each entry's trace
  shown only as far as the user may read the item it names.
Another desk's ledger is missing, not forbidden: lookups return 404 for it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from xinxi.accounts.models import Role
from xinxi.network.models import Desk
from xinxi.network.permissions import managed_desks, user_desk


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def scoring_desks(user: Any) -> QuerySet[Desk]:
    """Desks whose ledger and figures the user may read."""
    if not _active(user):
        return Desk.objects.none()
    if user.is_admin:
        return Desk.objects.filter(active=True)
    desk = user_desk(user)
    return Desk.objects.filter(pk=desk.pk) if desk is not None else Desk.objects.none()


def rule_desks(user: Any) -> QuerySet[Desk]:
    """Desks whose rule sets, penalties and corrections the user may change."""
    return managed_desks(user)


def can_manage_rules(user: Any, desk: Desk) -> bool:
    return rule_desks(user).filter(pk=desk.pk).exists()


def can_see_desk(user: Any, desk: Desk) -> bool:
    return scoring_desks(user).filter(pk=desk.pk).exists()


def get_scoring_desk(user: Any, pk: Any) -> Desk:
    try:
        return scoring_desks(user).select_related("unit").get(pk=int(pk))
    except (Desk.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def own_unit_scores(user: Any) -> bool:
    """Whether the user sees a unit's 我的得分 (reporters and approvers of a unit)."""
    return _active(user) and user.unit_id is not None and user.has_role(Role.REPORTER, Role.APPROVER)
