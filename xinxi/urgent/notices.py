"""How notifications about urgent information are worded.

The object of every kind is the ``Incident``, read through ``permissions.visible_incidents``
like the pages, so a reader above whose clearance the incident is (or who no longer has it
on their desk or unit) reads nothing of it. ``detail`` holds the clock's parameters: the
channel (``phone`` / ``written`` / ``followup``), the due time (ISO), the receiving desk's
name, the minutes (left before, or past) and the owing unit's name.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from xinxi.notifications.kinds import register
from xinxi.notifications.models import NotificationKind as K
from xinxi.urgent.models import Channel, Incident
from xinxi.urgent.permissions import visible_incidents, visible_incidents_of


def when(value: str | None) -> str:
    """ISO time → "12月1日 10:00" (local)."""
    if not value:
        return ""
    moment = timezone.localtime(dt.datetime.fromisoformat(value))
    return f"{moment.month}月{moment.day}日 {moment:%H:%M}"


def channel_label(code: str | None) -> str:
    return Channel(code).label if code in Channel.values else "报告"


def _clock(d: dict[str, Any]) -> str:
    return f"{when(d.get('due'))}，报{d.get('desk', '')}"


def _incident(i: Incident, d: dict[str, Any]) -> str:
    return (
        f"紧急信息报告：“{i.title}”，请于 {when(d.get('phone_due'))} 前电话报告、"
        f"{when(d.get('written_due'))} 前书面报告{d.get('desk', '')}"
    )


def _warning(i: Incident, d: dict[str, Any]) -> str:
    return (
        f"紧急信息提醒：距“{i.title}”{channel_label(d.get('channel'))}截止（{_clock(d)}）"
        f"还有 {d.get('minutes', 0)} 分钟"
    )


def _overdue(i: Incident, d: dict[str, Any]) -> str:
    return (
        f"紧急信息超时：{d.get('unit', '')}“{i.title}”的{channel_label(d.get('channel'))}"
        f"已过时限（{_clock(d)}），尚未报告"
    )


def _escalation(i: Incident, d: dict[str, Any]) -> str:
    return (
        f"紧急信息超时升级：{d.get('unit', '')}“{i.title}”的{channel_label(d.get('channel'))}"
        f"已超时 {d.get('minutes', 0)} 分钟仍未报告（时限 {_clock(d)}）"
    )


register(K.URGENT_INCIDENT, visible=visible_incidents, visible_many=visible_incidents_of, text=_incident)
register(K.URGENT_WARNING, visible=visible_incidents, visible_many=visible_incidents_of, text=_warning)
register(K.URGENT_OVERDUE, visible=visible_incidents, visible_many=visible_incidents_of, text=_overdue)
register(K.URGENT_ESCALATION, visible=visible_incidents, visible_many=visible_incidents_of, text=_escalation)
