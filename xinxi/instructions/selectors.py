"""Reads shared by the pages and the API: task lists by due status, instructions for a page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from xinxi.instructions.models import AWAITING_UNIT, UNFINISHED, Instruction, SupervisionTask, TaskState
from xinxi.instructions.permissions import visible_instructions
from xinxi.network.permissions import user_desk
from xinxi.network.services import parent_desk
from xinxi.publications.models import IssueItem, IssueState

DUE_FILTERS = {
    "open": "未办结",
    "due_soon": "临近期限",
    "overdue": "已逾期",
    "review": "待审核",
    "closed": "已办结",
}
DEFAULT_WINDOW = 2


def due_soon_window(user: Any) -> int:
    """Days before the due date that count as "due soon": the user's desk's reminder lead time
    (for a unit's staff, that of the desk their unit reports to)."""
    desk = user_desk(user) if getattr(user, "is_authenticated", False) else None
    if desk is None and getattr(user, "unit", None) is not None:
        desk = parent_desk(user.unit)
    return desk.supervision_remind_days if desk is not None else DEFAULT_WINDOW


def filter_tasks(
    tasks: QuerySet[SupervisionTask], due: str, *, today: dt.date, window_days: int
) -> QuerySet[SupervisionTask]:
    """Narrow tasks to one of ``DUE_FILTERS`` (unknown values leave them as they are)."""
    if due == "open":
        return tasks.filter(state__in=UNFINISHED)
    if due == "due_soon":
        return tasks.filter(
            state__in=AWAITING_UNIT, due_on__gte=today, due_on__lte=today + dt.timedelta(days=window_days)
        )
    if due == "overdue":
        return tasks.filter(state__in=AWAITING_UNIT, due_on__lt=today)
    if due == "review":
        return tasks.filter(state=TaskState.REPORTED)
    if due == "closed":
        return tasks.filter(state=TaskState.CLOSED)
    return tasks


def task_counts(tasks: QuerySet[SupervisionTask], *, today: dt.date, window_days: int) -> dict[str, int]:
    """How many tasks each filter would show (one query per filter; five in all)."""
    return {key: filter_tasks(tasks, key, today=today, window_days=window_days).count() for key in DUE_FILTERS}


def unit_tally(tasks: QuerySet[SupervisionTask], *, today: dt.date) -> list[dict[str, Any]]:
    """Per tasked unit: tasks given, closed, unfinished, overdue now, and reported after the due date.

    One grouped query; the late count compares the local (Asia/Shanghai) date of the
    first report with the due date, in the database.
    """
    local_day = TruncDate("first_reported_at", tzinfo=timezone.get_current_timezone())
    rows = (
        tasks.order_by()
        .values("unit_id", "unit__name")
        .annotate(
            total=Count("id"),
            closed=Count("id", filter=Q(state=TaskState.CLOSED)),
            unfinished=Count("id", filter=Q(state__in=UNFINISHED)),
            overdue=Count("id", filter=Q(state__in=AWAITING_UNIT, due_on__lt=today)),
            late=Count("id", filter=Q(first_reported_at__isnull=False) & Q(due_on__lt=local_day)),
        )
        .order_by("-overdue", "-late", "unit__name")
    )
    return [dict(row) for row in rows]


def instructions_for_entries(user: Any, entry_ids: list[int]) -> list[Instruction]:
    """Instructions the user may see on these entries or on issued issues that carried them."""
    if not entry_ids:
        return []
    issues = IssueItem.objects.filter(entry_id__in=entry_ids, issue__state=IssueState.ISSUED).values("issue_id")
    # Most entries carry no instruction: ask that first, by the indexes on entry and issue.
    # The visibility filter (every entry a unit may see) costs 0.3 s on SQLite at 10⁵
    # entries, and is only needed for the instructions found.
    on_them = Instruction.objects.filter(Q(entry_id__in=entry_ids) | Q(issue_id__in=issues))
    found = list(on_them.values_list("pk", flat=True))
    if not found:
        return []
    return list(
        visible_instructions(user)
        .filter(pk__in=found)
        .select_related("desk", "entry", "issue__periodical", "recorded_by", "level")
        .prefetch_related("tasks__unit")
    )


def instructions_on_issue(user: Any, issue_id: int) -> list[Instruction]:
    return list(
        visible_instructions(user)
        .filter(issue_id=issue_id)
        .select_related("desk", "issue__periodical", "recorded_by", "level")
        .prefetch_related("tasks__unit")
    )
