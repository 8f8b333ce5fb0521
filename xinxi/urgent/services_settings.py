"""Urgent information: the desk's rule table (limits by severity and channel) and its settings.

``settings_update`` replaces the desk's ``ClockLimit`` rows with the given table and saves its
``UrgentSettings`` (warnings, escalation, follow-up cadence, which severities it receives),
in one transaction with one audit row naming what changed. Existing deadlines keep their
due times (the limits in force when the incident was recorded); new incidents and
corrections use the new table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction

from xinxi.audit.services import audit_record
from xinxi.lib.errors import ServiceError
from xinxi.network.models import Desk
from xinxi.urgent import clocks, permissions
from xinxi.urgent.models import Channel, ClockLimit, Severity, UrgentSettings

if TYPE_CHECKING:
    from xinxi.accounts.models import User

MAX_LIMIT_MINUTES = 7 * 24 * 60
SETTINGS_FIELDS = (
    "warn_before",
    "escalate_after",
    "followup_times",
    "followup_max_severity",
    "receive_max_severity",
    "both_offices_max_severity",
)
SEVERITY_FIELDS = {
    "followup_max_severity": "须按时续报的分级",
    "receive_max_severity": "本科室接收的分级",
    "both_offices_max_severity": "须同时报党委、政府办公室的分级",
}


def _limits(rows: Iterable[Mapping[str, Any]]) -> dict[tuple[int, str], int]:
    table: dict[tuple[int, str], int] = {}
    for row in rows:
        severity, channel, minutes = row.get("severity"), row.get("channel"), row.get("minutes")
        if severity not in Severity.values:
            raise ServiceError("时限表中的事件分级无效。")
        if channel not in (Channel.PHONE, Channel.WRITTEN):
            raise ServiceError("时限表中的报告方式无效（电话报告或书面报告）。")
        label = f"{Severity(severity).label}{Channel(channel).label}"
        if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= MAX_LIMIT_MINUTES:
            raise ServiceError(f"{label}的时限应为 1 至 {MAX_LIMIT_MINUTES} 分钟。")
        if (severity, channel) in table:
            raise ServiceError(f"时限表中{label}重复了。")
        table[(int(severity), str(channel))] = minutes
    for severity in Severity.values:
        phone, written = table.get((severity, Channel.PHONE)), table.get((severity, Channel.WRITTEN))
        if phone is not None and written is not None and written < phone:
            raise ServiceError(f"{Severity(severity).label}的书面报告时限不能短于电话报告时限。")
    return table


def _fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise ServiceError(f"未知的设置项：{'、'.join(sorted(unknown))}。")
    out: dict[str, Any] = {}
    if "warn_before" in fields:
        minutes = clocks.parse_minutes(str(fields["warn_before"] or ""))
        out["warn_before"] = ",".join(str(m) for m in minutes)
    if "escalate_after" in fields:
        value = fields["escalate_after"]
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 1440:
            raise ServiceError("超时后再次升级的时间应为 1 至 1440 分钟。")
        out["escalate_after"] = value
    if "followup_times" in fields:
        times = clocks.parse_times(str(fields["followup_times"] or ""))
        out["followup_times"] = ",".join(t.strftime("%H:%M") for t in times)
    for name, label in SEVERITY_FIELDS.items():
        if name in fields:
            if fields[name] not in Severity.values:
                raise ServiceError(f"{label}无效。")
            out[name] = int(fields[name])
    return out


@transaction.atomic
def settings_update(
    *, actor: User, desk: Desk, limits: Iterable[Mapping[str, Any]], **fields: Any
) -> UrgentSettings:
    """保存紧急信息设置: the desk's chief (or an administrator) replaces the limit table and
    saves the settings given in ``fields`` (any of ``SETTINGS_FIELDS``)."""
    if not permissions.can_edit_settings(actor, desk):
        raise ServiceError("只有本科室科长或系统管理员可以修改紧急信息设置。", code="forbidden")
    table = _limits(limits)
    values = _fields(fields)
    before = {(row.severity, row.channel): row.minutes for row in ClockLimit.objects.filter(desk=desk)}
    for (severity, channel), minutes in table.items():
        ClockLimit.objects.update_or_create(
            desk=desk, severity=severity, channel=channel, defaults={"minutes": minutes}
        )
    removed = [key for key in before if key not in table]
    for severity, channel in removed:
        ClockLimit.objects.filter(desk=desk, severity=severity, channel=channel).delete()
    row, _created = UrgentSettings.objects.get_or_create(desk=desk)
    changed = {name: [getattr(row, name), value] for name, value in values.items() if getattr(row, name) != value}
    for name, value in values.items():
        setattr(row, name, value)
    if values:
        row.save(update_fields=list(values))
    limit_changes = {
        f"{severity}:{channel}": [before.get((severity, channel)), table.get((severity, channel))]
        for severity, channel in sorted(set(before) | set(table))
        if before.get((severity, channel)) != table.get((severity, channel))
    }
    audit_record(
        actor=actor, action="urgent_settings_update", obj=desk,
        detail={"limits": limit_changes, "settings": changed},
    )
    return row
