"""Who may see and act on instructions, supervision tasks and handling reports.

- A desk's editors, chiefs and leaders record instructions on the desk's entries and
  on its issued issues; editors and chiefs task units and review their reports.
- A desk's staff see every instruction and task of their desk.
- A unit's staff see the instructions on their items (wherever the items went: the
  entries they may read, the issues that carried them) and the tasks of their unit;
  reporters and approvers of the tasked unit file its handling reports.
- Everything is bounded by clearance; missing and forbidden look the same (404).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from xinxi.accounts.models import DESK_ROLES, Role
from xinxi.audit.reads import read_classified
from xinxi.instructions.models import AWAITING_UNIT, Instruction, SupervisionTask
from xinxi.items import permissions as item_permissions
from xinxi.items.models import DeskEntry
from xinxi.items.permissions import UNIT_ROLES
from xinxi.network.models import Desk, Unit
from xinxi.network.permissions import user_desk
from xinxi.publications.models import Issue, IssueState

RECORD_ROLES = (Role.EDITOR, Role.DESK_CHIEF, Role.LEADER)
SUPERVISE_ROLES = (Role.EDITOR, Role.DESK_CHIEF)
REPORT_ROLES = (Role.REPORTER, Role.APPROVER)


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _desk(user: Any, *roles: str) -> Desk | None:
    if not _active(user):
        return None
    desk = user_desk(user)
    return desk if desk is not None and user.has_role(*roles) else None


def recording_desk(user: Any) -> Desk | None:
    """The desk where the user may record instructions (editors, chiefs, leaders)."""
    return _desk(user, *RECORD_ROLES)


def can_record_on_entry(user: Any, entry: DeskEntry) -> bool:
    desk = _desk(user, *RECORD_ROLES)
    return desk is not None and entry.desk_id == desk.pk and entry.classification <= user.clearance


def can_record_on_issue(user: Any, issue: Issue) -> bool:
    desk = _desk(user, *RECORD_ROLES)
    return (
        desk is not None
        and issue.periodical.desk_id == desk.pk
        and issue.state == IssueState.ISSUED
        and issue.classification <= user.clearance
    )


def can_supervise(user: Any, instruction: Instruction) -> bool:
    desk = _desk(user, *SUPERVISE_ROLES)
    return desk is not None and instruction.desk_id == desk.pk and instruction.classification <= user.clearance


def can_report(user: Any, task: SupervisionTask) -> bool:
    return (
        _active(user)
        and user.unit_id is not None
        and user.unit_id == task.unit_id
        and user.has_role(*REPORT_ROLES)
        and task.state in AWAITING_UNIT
        and task.instruction.classification <= user.clearance
    )


def can_review(user: Any, task: SupervisionTask) -> bool:
    return can_supervise(user, task.instruction)


def taskable_units(desk: Desk) -> QuerySet[Unit]:
    """Units a desk may task: active units in its own unit's subtree (its unit's departments and below)."""
    return Unit.objects.filter(active=True, path__startswith=desk.unit.path).exclude(pk=desk.unit_id)


def visible_instructions(user: Any) -> QuerySet[Instruction]:
    if not _active(user):
        return Instruction.objects.none()
    q = Q(pk__in=[])
    desk = user_desk(user)
    if desk is not None and user.has_role(*DESK_ROLES):
        q |= Q(desk=desk)
    if user.unit_id is not None and user.has_role(*UNIT_ROLES):
        entries = item_permissions.visible_entries(user).values("pk")
        issues = Issue.objects.filter(state=IssueState.ISSUED, items__entry__in=entries).values("pk")
        tasked = SupervisionTask.objects.filter(unit_id=user.unit_id).values("instruction_id")
        q |= Q(entry__in=entries) | Q(issue__in=issues) | Q(pk__in=tasked)
    ids = Instruction.objects.filter(q).values("pk")
    return Instruction.objects.filter(pk__in=ids, classification__lte=user.clearance)


def visible_tasks(user: Any) -> QuerySet[SupervisionTask]:
    """Tasks of the user's desk (desk staff) and of the user's unit (its staff)."""
    if not _active(user):
        return SupervisionTask.objects.none()
    q = Q(pk__in=[])
    desk = user_desk(user)
    if desk is not None and user.has_role(*DESK_ROLES):
        q |= Q(instruction__desk=desk)
    if user.unit_id is not None and user.has_role(*UNIT_ROLES):
        q |= Q(unit_id=user.unit_id)
    return SupervisionTask.objects.filter(q, instruction__classification__lte=user.clearance)


def get_instruction(user: Any, pk: Any) -> Instruction:
    try:
        return visible_instructions(user).select_related("desk", "entry", "issue__periodical", "level").get(pk=int(pk))
    except (Instruction.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该批示") from None


def get_task(user: Any, pk: Any) -> SupervisionTask:
    try:
        return (
            visible_tasks(user)
            .select_related("unit", "instruction", "instruction__desk", "instruction__entry", "instruction__issue")
            .get(pk=int(pk))
        )
    except (SupervisionTask.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该督办事项") from None


def is_desk_side_of(user: Any, instruction: Instruction) -> bool:
    """Staff of the desk that recorded the instruction (they see all its tasks)."""
    desk = user_desk(user) if _active(user) else None
    return desk is not None and desk.pk == instruction.desk_id and user.has_role(*DESK_ROLES)


def is_desk_side(user: Any, task: SupervisionTask) -> bool:
    return is_desk_side_of(user, task.instruction)


# --- reading one record: the path pages and API share, with classified reads audited ---


def instruction_for_reading(
    user: Any, pk: Any, *, what: str, rows: QuerySet[Instruction] | None = None
) -> Instruction:
    """``get_instruction``, with reads of 秘密 and above audited (``instruction_read``), refusals too."""
    return read_classified(
        user,
        pk,
        rows=visible_instructions(user).select_related("desk", "entry", "issue__periodical") if rows is None else rows,
        level=lambda instruction: instruction.classification,
        action="instruction_read",
        what=what,
        missing="未找到该批示",
    )


def task_for_reading(
    user: Any, pk: Any, *, what: str, rows: QuerySet[SupervisionTask] | None = None
) -> SupervisionTask:
    """``get_task``, with reads of tasks on 秘密+ instructions audited (``supervision_read``), refusals too."""
    if rows is None:
        rows = visible_tasks(user).select_related(
            "unit", "instruction", "instruction__desk", "instruction__entry", "instruction__issue"
        )
    return read_classified(
        user,
        pk,
        rows=rows,
        level=lambda task: task.instruction.classification,
        action="supervision_read",
        what=what,
        missing="未找到该督办事项",
    )
