"""How notifications about instructions and supervision tasks are worded.

Read with ``permissions.visible_instructions`` / ``visible_tasks``, like the supervision pages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from xinxi.instructions.permissions import visible_instructions, visible_tasks
from xinxi.notifications.kinds import register
from xinxi.notifications.models import NotificationKind as K

TASK = ("instruction", "unit")
INSTRUCTION = ("entry", "issue__periodical")


def _task_level(task: Any) -> int:
    return int(task.instruction.classification)


def _due(detail: dict[str, Any]) -> str:
    return f"{dt.date.fromisoformat(detail['due']):%Y年%m月%d日}" if detail.get("due") else ""


register(
    K.INSTRUCTION_RECORDED,
    visible=visible_instructions,
    related=INSTRUCTION,
    text=lambda i, d: f"领导批示：{i.leader_title}{i.leader_name}对{i.target_label}作出批示",
)
register(
    K.TASK_CLOSED,
    visible=visible_instructions,
    related=INSTRUCTION,
    text=lambda i, d: f"督办事项已办结：{d.get('unit', '')}办理{i}",
)
register(
    K.TASK_ASSIGNED,
    visible=visible_tasks,
    related=TASK,
    classification=_task_level,
    text=lambda t, d: f"督办：请于 {_due(d)} 前报送对{t.instruction}的办理情况",
)
register(
    K.TASK_REPORTED,
    visible=visible_tasks,
    related=TASK,
    classification=_task_level,
    text=lambda t, d: f"{t.unit.name}报送了办理情况：{t.instruction}",
)
register(
    K.TASK_ACCEPTED,
    visible=visible_tasks,
    related=TASK,
    classification=_task_level,
    text=lambda t, d: f"办理情况已认可：{t.instruction}",
)
register(
    K.TASK_RETURNED,
    visible=visible_tasks,
    related=TASK,
    classification=_task_level,
    text=lambda t, d: f"办理情况被退回补充：{d.get('reason', '')}",
)
register(
    K.TASK_EXTENDED,
    visible=visible_tasks,
    related=TASK,
    classification=_task_level,
    text=lambda t, d: f"督办事项办理期限调整为 {_due(d)}",
)
register(
    K.TASK_REMINDER,
    visible=visible_tasks,
    related=TASK,
    classification=_task_level,
    text=lambda t, d: str(d.get("text", "")),
)
