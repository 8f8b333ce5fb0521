"""The desk's urgent-information settings form: the limit table and the warning settings."""

from __future__ import annotations

from typing import Any

from django import forms

from xinxi.network.models import Desk
from xinxi.urgent import clocks, limits
from xinxi.urgent.models import Channel, Severity

SEVERITY_CHOICES = Severity.choices


def limit_name(severity: int, channel: str) -> str:
    return f"limit_{severity}_{channel}"


class SettingsForm(forms.Form):
    warn_before = forms.CharField(
        label="到时前提醒（分钟，逗号分隔）",
        max_length=50,
        help_text="例如 30,10：到时前 30 分钟和 10 分钟各提醒一次；最早的一次也是值班看板变黄的时刻",
        error_messages={"required": "请填写到时前提醒的分钟数。"},
    )
    escalate_after = forms.IntegerField(
        label="超时后再次升级（分钟）",
        min_value=1,
        max_value=1440,
        help_text="超时后这么多分钟仍未报告，再向单位领导和科长升级提醒",
        error_messages={"required": "请填写升级提醒的分钟数。"},
    )
    followup_times = forms.CharField(
        label="续报时点（每日，逗号分隔）",
        max_length=50,
        required=False,
        help_text="例如 08:00,17:00；留空则不设续报时点",
    )
    followup_max_severity = forms.TypedChoiceField(
        label="须按时续报的分级（含以上）", coerce=int, choices=SEVERITY_CHOICES
    )
    receive_max_severity = forms.TypedChoiceField(
        label="本科室接收的分级（含以上）", coerce=int, choices=SEVERITY_CHOICES
    )
    both_offices_max_severity = forms.TypedChoiceField(
        label="须同时报党委、政府办公室的分级（含以上）", coerce=int, choices=SEVERITY_CHOICES
    )
    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=32)

    def __init__(self, *args: Any, desk: Desk, **kwargs: Any) -> None:
        settings = clocks.settings_of(desk)
        current = limits.current_limits(desk)
        initial = {name: getattr(settings, name) for name in limits.SETTING_FIELDS}
        initial["fingerprint"] = limits.fingerprint(desk)
        for severity in Severity.values:
            for channel in limits.CHANNELS:
                initial[limit_name(severity, channel)] = current.get((severity, channel))
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.desk = desk
        defaults = {Channel.PHONE: desk.urgent_phone_limit_minutes, Channel.WRITTEN: desk.urgent_written_limit_minutes}
        for severity in Severity.values:
            for channel in limits.CHANNELS:
                self.fields[limit_name(severity, channel)] = forms.IntegerField(
                    label=f"{Severity(severity).label} {Channel(channel).label}",
                    required=False,
                    min_value=1,
                    max_value=limits.LIMIT_MAX,
                    widget=forms.NumberInput(
                        attrs={"placeholder": f"默认 {defaults[channel]}", "class": "limit-input"}
                    ),
                    error_messages={
                        "invalid": "请填写分钟数（整数）。",
                        "min_value": "时限至少 1 分钟。",
                        "max_value": f"时限不能超过 {limits.LIMIT_MAX} 分钟（一周）。",
                    },
                )

    def limit_rows(self) -> list[tuple[str, list[Any]]]:
        """(severity label, [phone field, written field]) for the table."""
        return [
            (Severity(s).label, [self[limit_name(s, c)] for c in limits.CHANNELS]) for s in Severity.values
        ]

    def limit_values(self) -> dict[tuple[int, str], int | None]:
        return {
            (s, c): self.cleaned_data.get(limit_name(s, c)) for s in Severity.values for c in limits.CHANNELS
        }

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in limits.SETTING_FIELDS}
