"""Forms of the findings pages: recording a 漏报/瞒报/谎报, confirming, dismissing."""

from __future__ import annotations

from typing import Any

from django import forms

from xinxi.network.models import Unit
from xinxi.urgent.models import FindingKind
from xinxi.urgent.services_findings import EVIDENCE_MAX, REASON_MAX

RECORD_CHOICES = [(k.value, k.label) for k in (FindingKind.MISSED, FindingKind.CONCEALED, FindingKind.FALSE)]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by content in the service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class RecordForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label="责任单位", empty_label="请选择")
    kind = forms.ChoiceField(choices=RECORD_CHOICES, label="问题类型",
                             help_text="漏报：从媒体、其他部门或上级先获知，或漏报关键情况；瞒报：经调查确认隐瞒不报；谎报：报告内容不实")
    person = forms.CharField(max_length=100, required=False, label="责任人")
    evidence = forms.CharField(max_length=EVIDENCE_MAX, label="事实和证据",
                               widget=forms.Textarea(attrs={"rows": 6}),
                               help_text="写明时间、获知渠道、链接等；可附证据文件")
    evidence_files = MultipleFileField(required=False, label="证据文件（DOCX、PDF、JPG、PNG，可多选）",
                            help_text="每个文件不超过 20 MB，按内容检查类型；最多 10 个")

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class DecideForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(max_length=REASON_MAX, label="认定意见", widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "请填写认定意见。"})


class DismissForm(DecideForm):
    reason = forms.CharField(max_length=REASON_MAX, label="不予认定的理由", widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "请填写认定意见。"})
