"""How notifications about periodical issues are worded; read with ``permissions.visible_issues``."""

from __future__ import annotations

from xinxi.notifications.kinds import register
from xinxi.notifications.models import NotificationKind as K
from xinxi.publications.permissions import visible_issues

register(
    K.ISSUE_PENDING,
    visible=visible_issues,
    related=("periodical",),
    text=lambda issue, d: f"待签发：{issue.periodical}（{d.get('count', 0)} 条）",
)
register(
    K.ISSUE_RETURNED,
    visible=visible_issues,
    related=("periodical",),
    text=lambda issue, d: f"签发退回：{issue.periodical}（{d.get('reason', '')}）",
)
register(K.ISSUE_SIGNED, visible=visible_issues, related=("periodical",), text=lambda issue, d: f"已签发：{issue}")
