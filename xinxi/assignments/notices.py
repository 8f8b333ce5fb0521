"""How notifications about commissions (约稿) are worded (autodiscovered by ``notifications``).

The object is the ``Commission``, read through ``permissions_commissions.visible_commissions``
like the pages. ``detail``: the due time (ISO), the desk's name, a declining unit and its reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from xinxi.assignments.models import Commission
from xinxi.assignments.permissions_commissions import visible_commissions
from xinxi.notifications.kinds import register
from xinxi.notifications.models import NotificationKind as K


def when(value: str | None) -> str:
    if not value:
        return ""
    moment = timezone.localtime(dt.datetime.fromisoformat(value))
    return f"{moment.month}月{moment.day}日 {moment:%H:%M}"


def _issued(c: Commission, d: dict[str, Any]) -> str:
    return f"{d.get('desk', '')}约稿：“{c.topic}”，请于 {when(d.get('due'))} 前报送"


def _reminder(c: Commission, d: dict[str, Any]) -> str:
    return f"约稿提醒：“{c.topic}”将于 {when(d.get('due'))} 截止，本单位尚未报送"


def _declined(c: Commission, d: dict[str, Any]) -> str:
    return f"{d.get('unit', '')}说明不能报送约稿“{c.topic}”：{d.get('reason', '')}"


def _public(c: Commission) -> int:
    return 0


register(K.COMMISSION_ISSUED, visible=visible_commissions, text=_issued, classification=_public)
register(K.COMMISSION_REMINDER, visible=visible_commissions, text=_reminder, classification=_public)
register(K.COMMISSION_DECLINED, visible=visible_commissions, text=_declined, classification=_public)
