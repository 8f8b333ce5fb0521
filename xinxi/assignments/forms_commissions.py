"""Forms of the commission pages: issuing (the desk) and declining (a target unit)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from xinxi.assignments import services_commissions as services
from xinxi.network.models import Desk, Unit, UnitClass
from xinxi.scoring.figures import network_units


class CommissionForm(forms.Form):
    topic = forms.CharField(label="约稿主题", max_length=services.TOPIC_MAX)
    requirements = forms.CharField(
        label="约稿要求", required=False, max_length=services.REQUIREMENTS_MAX,
        widget=forms.Textarea(attrs={"rows": 5}), help_text="角度、篇幅、素材要求等。",
    )
    due_at = forms.DateTimeField(
        label="报送截止时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": "请输入有效的日期和时间。", "required": "请填写报送截止时间。"},
    )
    remind_hours = forms.IntegerField(
        label="提前提醒（小时）", min_value=0, max_value=services.REMIND_MAX, initial=24,
        help_text="截止前多少小时提醒尚未报送的单位；0 为不提醒。",
    )
    scored = forms.BooleanField(label="计分（按本科室计分办法记入计分台账）", required=False, initial=True)
    unit_classes = forms.ModelMultipleChoiceField(
        label="按单位类别（本科室信息网络中该类别的全部单位）", queryset=UnitClass.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    units = forms.ModelMultipleChoiceField(
        label="或选择具体单位", queryset=Unit.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, desk: Desk, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units_field = self.fields["units"]
        assert isinstance(units_field, forms.ModelMultipleChoiceField)
        units_field.queryset = network_units(desk, timezone.localdate()).order_by("path")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not data.get("unit_classes") and not data.get("units"):
            raise forms.ValidationError("请选择约稿对象：单位类别或具体单位。")
        return data


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="不能报送的理由", max_length=services.REASON_MAX, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写不能报送的理由。"},
    )
