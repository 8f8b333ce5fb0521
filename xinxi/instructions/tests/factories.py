"""Builders for instruction and supervision tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from xinxi.instructions import services
from xinxi.instructions.models import Instruction, SupervisionTask
from xinxi.items.tests.factories import entry_at, submitted


def instruction_on_item(net: Any, **extra: Any) -> Instruction:
    entry = entry_at(submitted(net.reporter), net.city.desk)
    fields = {
        "leader_name": "王市长",
        "leader_title": "市长",
        "level": "city",
        "text": "请应急管理局牵头抓好隐患整改，确保安全过冬。",
        "instructed_on": timezone.localdate(),
    }
    return services.instruction_record(actor=net.editor, entry=entry, **{**fields, **extra})


def task_for(net: Any, unit: Any = None, days: int = 5, **extra: Any) -> SupervisionTask:
    instruction = instruction_on_item(net, **extra)
    due = timezone.localdate() + dt.timedelta(days=days)
    [task] = services.tasks_create(
        actor=net.editor, instruction=instruction, units=[unit or net.county], due_on=due, requirement="按期报送"
    )
    return task
