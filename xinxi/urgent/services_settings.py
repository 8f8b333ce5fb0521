"""Urgent-information settings of a desk: the limit table and the warning settings.

Edited by the desk chief (or an administrator) on /urgent/settings/. The limits apply to
incidents recorded afterwards (and to clocks recomputed by a correction); stored deadlines
keep the limit they were given. ``fingerprint`` is what the page showed, so a form left
open while someone else saved is refused instead of overwriting.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction

from xinxi.audit.services import audit_record
from xinxi.lib.errors import ConflictError, ServiceError
from xinxi.network.models import Desk
from xinxi.urgent import clocks, permissions
from xinxi.urgent.limits import CHANNELS, LIMIT_MAX, SETTING_FIELDS, current_limits, fingerprint
from xinxi.urgent.models import Channel, ClockLimit, Severity, UrgentSettings

if TYPE_CHECKING:
    from xinxi.accounts.models import User

def _check_limits(limits: dict[tuple[int, str], int | None]) -> dict[tuple[int, str], int | None]:
    out: dict[tuple[int, str], int | None] = {}
    for severity in Severity.values:
        for channel in CHANNELS:
            value = limits.get((severity, channel))
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= LIMIT_MAX
            ):
                raise ServiceError(
                    f"{Severity(severity).label}{Channel(channel).label}时限应为 1 至 {LIMIT_MAX} 之间的分钟数。"
                )
            out[(severity, channel)] = value
        phone, written = out[(severity, Channel.PHONE)], out[(severity, Channel.WRITTEN)]
        if phone is not None and written is not None and phone > written:
            raise ServiceError(f"{Severity(severity).label}的电话报告时限不能长于书面报告时限。")
    return out


def _check_settings(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    warn = clocks.parse_minutes(str(values.get("warn_before") or ""))
    if not warn:
        raise ServiceError("请至少填写一个到时前提醒的分钟数，例如“30,10”。")
    out["warn_before"] = ",".join(str(m) for m in warn)
    escalate = values.get("escalate_after")
    if isinstance(escalate, bool) or not isinstance(escalate, int) or not 1 <= escalate <= 1440:
        raise ServiceError("超时后再次升级的分钟数应为 1 至 1440 之间的整数。")
    out["escalate_after"] = escalate
    times = clocks.parse_times(str(values.get("followup_times") or ""))
    out["followup_times"] = ",".join(t.strftime("%H:%M") for t in times)
    for name, label in (
        ("followup_max_severity", "须按时续报的分级"),
        ("receive_max_severity", "本科室接收的分级"),
        ("both_offices_max_severity", "须同时报党委、政府办公室的分级"),
    ):
        if values.get(name) not in Severity.values:
            raise ServiceError(f"请选择{label}。")
        out[name] = int(values[name])
    if len(out["warn_before"]) > 50 or len(out["followup_times"]) > 50:
        raise ServiceError("提醒时间或续报时点太多。")
    return out


@transaction.atomic
def urgent_settings_update(
    *,
    actor: User,
    desk: Desk,
    limits: dict[tuple[int, str], int | None],
    expected: str | None = None,
    **values: Any,
) -> UrgentSettings:
    """Save the desk's limit table (an empty cell: the desk's default) and warning settings."""
    if not permissions.can_edit_settings(actor, desk):
        raise ServiceError("您没有权限进行此操作。", code="forbidden")
    Desk.objects.select_for_update().filter(pk=desk.pk).first()  # one editor at a time
    if expected is not None and expected != fingerprint(desk):
        raise ConflictError("本科室的紧急信息设置已被他人修改，请刷新页面后重新填写。")
    checked_limits = _check_limits(limits)
    checked = _check_settings(values)
    before = {
        "settings": {n: getattr(clocks.settings_of(desk), n) for n in SETTING_FIELDS},
        "limits": {f"{s}:{c}": m for (s, c), m in current_limits(desk).items()},
    }
    settings, _created = UrgentSettings.objects.update_or_create(desk=desk, defaults=checked)
    for (severity, channel), minutes in checked_limits.items():
        if minutes is None:
            ClockLimit.objects.filter(desk=desk, severity=severity, channel=channel).delete()
        else:
            ClockLimit.objects.update_or_create(
                desk=desk, severity=severity, channel=channel, defaults={"minutes": minutes}
            )
    after = {"settings": checked, "limits": {f"{s}:{c}": m for (s, c), m in checked_limits.items() if m is not None}}
    audit_record(actor=actor, action="urgent_settings_update", obj=desk, detail={"before": before, "after": after})
    return settings


# --- the API's form of the same write: rows of the table, and any of the settings ---

ROW_CHANNELS = (Channel.PHONE, Channel.WRITTEN)


def _rows(rows: Iterable[Mapping[str, Any]]) -> dict[tuple[int, str], int | None]:
    """The API's rows (severity, channel, minutes) as the full table; a missing cell is the default."""
    table: dict[tuple[int, str], int | None] = {}
    for row in rows:
        severity, channel, minutes = row.get("severity"), row.get("channel"), row.get("minutes")
        if severity not in Severity.values:
            raise ServiceError("时限表中的事件分级无效。")
        if channel not in ROW_CHANNELS:
            raise ServiceError("时限表中的报告方式无效（电话报告或书面报告）。")
        key = (int(severity), str(channel))
        if key in table:
            raise ServiceError(f"时限表中{Severity(severity).label}{Channel(channel).label}重复了。")
        table[key] = minutes
    return {(s, c): table.get((s, c)) for s in Severity.values for c in CHANNELS}


def settings_update(
    *, actor: User, desk: Desk, limits: Iterable[Mapping[str, Any]], **fields: Any
) -> UrgentSettings:
    """保存紧急信息设置 through the API: the rows replace the limit table, and the settings
    named in ``fields`` change (the others keep their values). The same write as the page's
    ``urgent_settings_update``, with its checks and audit row."""
    if not permissions.can_edit_settings(actor, desk):
        raise ServiceError("只有本科室科长或系统管理员可以修改紧急信息设置。", code="forbidden")
    unknown = set(fields) - set(SETTING_FIELDS)
    if unknown:
        raise ServiceError(f"未知的设置项：{'、'.join(sorted(unknown))}。")
    current = clocks.settings_of(desk)
    values = {name: fields.get(name, getattr(current, name)) for name in SETTING_FIELDS}
    return urgent_settings_update(actor=actor, desk=desk, limits=_rows(limits), **values)
