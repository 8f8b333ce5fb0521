"""Query filters of the instructions API: instructions and supervision tasks.

Every filter narrows a queryset that already comes from ``xinxi.instructions.permissions``;
ids are compared as plain numbers, so filtering on an entry, issue or unit the user
cannot see answers an empty list, exactly like filtering on a missing one. The ``due``
filter of tasks is ``xinxi.instructions.selectors.filter_tasks``, the one the pages use.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from django_filters import rest_framework as filters

from xinxi.instructions import selectors
from xinxi.instructions.levels import all_level_choices
from xinxi.instructions.models import Instruction, SupervisionTask, TaskState
from xinxi.network.api.filters import WholeNumberFilter

DUE_HELP = "；".join(f"{key} {label}" for key, label in selectors.DUE_FILTERS.items())


class InstructionFilter(filters.FilterSet):
    entry = WholeNumberFilter(field_name="entry", label="批示的收稿编号")
    issue = WholeNumberFilter(field_name="issue", label="批示的刊物期编号")
    level = filters.ChoiceFilter(choices=all_level_choices, label="领导层级（代码，见领导层级表）")
    instructed_from = filters.DateFilter(
        field_name="instructed_on", lookup_expr="gte", label="批示日期自（含），YYYY-MM-DD"
    )
    instructed_to = filters.DateFilter(
        field_name="instructed_on", lookup_expr="lte", label="批示日期至（含），YYYY-MM-DD"
    )

    class Meta:
        model = Instruction
        fields = ["entry", "issue", "level", "instructed_from", "instructed_to"]


class TaskFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=TaskState.choices, label="状态")
    unit = WholeNumberFilter(field_name="unit", label="承办单位编号")
    instruction = WholeNumberFilter(field_name="instruction", label="批示编号")
    due = filters.ChoiceFilter(
        choices=list(selectors.DUE_FILTERS.items()),
        method="filter_due",
        label=f"按期限筛选：{DUE_HELP}（临近期限的天数为科室设置的提前提醒天数）",
    )

    class Meta:
        model = SupervisionTask
        fields = ["state", "unit", "instruction", "due"]

    def filter_due(self, rows: QuerySet[SupervisionTask], name: str, value: str) -> QuerySet[SupervisionTask]:
        user = getattr(self.request, "user", None)
        return selectors.filter_tasks(
            rows, value, today=timezone.localdate(), window_days=selectors.due_soon_window(user)
        )
