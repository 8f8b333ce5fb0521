"""The audit log's filters: person, action and period, shared by the page and the export."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from xinxi.audit.models import ACTION_LABELS


def action_choices() -> list[tuple[str, str]]:
    """Every action by its Chinese name, in the order of the names."""
    return [("", "全部操作"), *sorted(ACTION_LABELS.items(), key=lambda pair: pair[1])]


class AuditFilterForm(forms.Form):
    who = forms.CharField(label="操作人账号", required=False, max_length=150)
    action = forms.ChoiceField(
        label="操作", required=False, choices=action_choices, error_messages={"invalid_choice": "没有这种操作。"}
    )
    date_from = forms.DateField(label="开始日期", required=False, error_messages={"invalid": "开始日期应为 年-月-日。"})
    date_to = forms.DateField(label="结束日期", required=False, error_messages={"invalid": "结束日期应为 年-月-日。"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: dt.date | None = data.get("date_from")
        end: dt.date | None = data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("开始日期不能晚于结束日期。")
        return data
