"""How notifications about 舆论监督与群众意见建议 lists are worded.

The objects are the list (sent) and its row (routed, replied), read through
``permissions_lists.visible_lists`` / ``visible_rows`` like the pages. Lists are not
classified (``classification`` is 公开).
"""

from __future__ import annotations

from typing import Any

from xinxi.assignments.models import SupervisionList, SupervisionRow
from xinxi.assignments.permissions_lists import visible_lists, visible_rows
from xinxi.notifications.kinds import register
from xinxi.notifications.models import NotificationKind as K


def _sent(lst: SupervisionList, d: dict[str, Any]) -> str:
    return f"{lst.unit.name}报送了{lst.month_label}舆论监督与群众意见建议清单（{d.get('rows', 0)} 条）"


def _routed(row: SupervisionRow, d: dict[str, Any]) -> str:
    return f"交办：{row.list.unit.name}反映“{row.title}”，请于 {d.get('due_on', '')} 前反馈办理结果"


def _replied(row: SupervisionRow, d: dict[str, Any]) -> str:
    return f"办理结果：{d.get('unit', '')}已反馈“{row.title}”的办理情况"


def _overdue(row: SupervisionRow, d: dict[str, Any]) -> str:
    return f"逾期提醒：交办{d.get('unit', '')}的“{row.title}”已过反馈期限（{d.get('due_on', '')}），尚未反馈办理结果"


register(K.SUPERVISION_ROW_OVERDUE, visible=visible_rows, text=_overdue, related=("list__unit",))
register(K.SUPERVISION_LIST_SENT, visible=visible_lists, text=_sent, related=("unit",))
register(K.SUPERVISION_ROW_ROUTED, visible=visible_rows, text=_routed, related=("list__unit",))
register(K.SUPERVISION_ROW_REPLIED, visible=visible_rows, text=_replied, related=("list__unit",))
