"""How notifications about findings are worded; read with ``permissions_findings``.

Loaded by ``apps.UrgentConfig.ready`` (the notifications app autodiscovers ``notices``
modules only).
"""

from __future__ import annotations

from typing import Any

from xinxi.notifications.kinds import register
from xinxi.notifications.models import NotificationKind as K
from xinxi.urgent.models import Finding, FindingState
from xinxi.urgent.permissions_findings import visible_findings


def _proposed(f: Finding, d: dict[str, Any]) -> str:
    return f"{f.get_kind_display()}待认定：{f.unit.name}，{f.incident.title}"


def _decided(f: Finding, d: dict[str, Any]) -> str:
    verdict = "已认定" if d.get("state", f.state) == FindingState.CONFIRMED else "不予认定"
    return f"{f.get_kind_display()}{verdict}：{f.unit.name}，{f.incident.title}"


def _level(f: Finding) -> int:
    return int(f.incident.classification)


register(K.URGENT_FINDING_PROPOSED, visible=visible_findings, text=_proposed, related=("incident", "unit"),
         classification=_level)
register(K.URGENT_FINDING_DECIDED, visible=visible_findings, text=_decided, related=("incident", "unit"),
         classification=_level)
