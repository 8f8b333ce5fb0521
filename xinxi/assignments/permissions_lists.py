"""Who sees which supervision lists, rows and sentiment reports: pages, API and notifications.

- A unit's reporters and approvers see their unit's lists (drafts included) and the rows
  routed to their unit as tasks (承办), with the rest of that row's list hidden.
- Desk staff (editor, desk chief, duty officer, leader) see the lists sent to their desk
  (never a draft) and all their rows; editors and the desk chief route rows.
- An admin sees every sent list.
- Missing and forbidden look the same (404).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from xinxi.accounts.models import Role
from xinxi.assignments.models import ListState, RowState, SentimentReport, SupervisionList, SupervisionRow
from xinxi.network.models import Desk
from xinxi.network.permissions import user_desk

UNIT_ROLES = (Role.REPORTER, Role.APPROVER)
EDIT_ROLES = (Role.EDITOR, Role.DESK_CHIEF)


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_unit_user(user: Any) -> bool:
    return _active(user) and user.unit_id is not None and user.has_role(*UNIT_ROLES)


def desk_of(user: Any) -> Desk | None:
    return user_desk(user) if _active(user) else None


def visible_lists(user: Any) -> QuerySet[SupervisionList]:
    if not _active(user):
        return SupervisionList.objects.none()
    if user.is_admin:
        return SupervisionList.objects.filter(state=ListState.SENT)
    q = Q(pk__in=[])
    if is_unit_user(user):
        q |= Q(unit_id=user.unit_id)
    desk = desk_of(user)
    if desk is not None:
        q |= Q(desk=desk, state=ListState.SENT)
    return SupervisionList.objects.filter(q)


def visible_rows(user: Any) -> QuerySet[SupervisionRow]:
    """Rows of the lists the user sees, and the rows routed to the user's unit."""
    if not _active(user):
        return SupervisionRow.objects.none()
    q = Q(list__in=visible_lists(user).values("pk"))
    if is_unit_user(user):
        q |= Q(routed_to_id=user.unit_id)
    return SupervisionRow.objects.filter(q)


def task_rows(user: Any) -> QuerySet[SupervisionRow]:
    """The rows routed to the user's unit (承办任务)."""
    if not is_unit_user(user):
        return SupervisionRow.objects.none()
    return SupervisionRow.objects.filter(routed_to_id=user.unit_id)


def can_edit_list(user: Any, lst: SupervisionList) -> bool:
    return is_unit_user(user) and lst.unit_id == user.unit_id and lst.state == ListState.DRAFT


def can_route(user: Any, row: SupervisionRow) -> bool:
    desk = desk_of(user)
    return (desk is not None and desk.pk == row.list.desk_id and user.has_role(*EDIT_ROLES)
            and row.list.state == ListState.SENT and row.state != RowState.REPLIED)


def can_reply(user: Any, row: SupervisionRow) -> bool:
    return is_unit_user(user) and row.routed_to_id == user.unit_id and row.state == RowState.ROUTED


def can_compile(user: Any) -> bool:
    return desk_of(user) is not None and user.has_role(*EDIT_ROLES)


def visible_reports(user: Any) -> QuerySet[SentimentReport]:
    """The desk's own compiled reports, within the reader's clearance."""
    desk = desk_of(user)
    if desk is None:
        return SentimentReport.objects.none()
    return SentimentReport.objects.filter(desk=desk, entry__classification__lte=user.clearance)


def get_list(user: Any, pk: Any) -> SupervisionList:
    try:
        return visible_lists(user).select_related("unit", "desk", "desk__unit").get(pk=int(pk))
    except (SupervisionList.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("未找到该清单") from None


def get_row(user: Any, pk: Any) -> SupervisionRow:
    try:
        return visible_rows(user).select_related("list", "list__unit", "list__desk", "routed_to").get(pk=int(pk))
    except (SupervisionRow.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("未找到该条目") from None


def sees_whole_list(user: Any, row: SupervisionRow) -> bool:
    """A concerned unit sees its task row, not the sender's whole list."""
    return visible_lists(user).filter(pk=row.list_id).exists()
