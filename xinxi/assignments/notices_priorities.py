"""How the notification of a published 报送要点 list is worded.

The object is the list, read through ``selectors_priorities.visible_lists`` like the
pages: a unit's people see the published lists of the desks they report to. Lists are
not classified (``classification`` is 公开).
"""

from __future__ import annotations

from typing import Any

from xinxi.assignments.models.priorities import PriorityList
from xinxi.assignments.selectors_priorities import visible_lists
from xinxi.notifications.kinds import register
from xinxi.notifications.models import NotificationKind as K


def _published(plist: PriorityList, d: dict[str, Any]) -> str:
    span = f"{plist.starts_on.month}月{plist.starts_on.day}日至{plist.ends_on.month}月{plist.ends_on.day}日"
    return (f"{plist.desk.unit.name}印发报送要点{plist.doc_number}“{plist.title}”，"
            f"共 {d.get('topics', 0)} 个题目（{span}），请对照报送")


register(K.PRIORITIES_PUBLISHED, visible=visible_lists, text=_published, related=("desk__unit",),
         classification=lambda plist: 0)
