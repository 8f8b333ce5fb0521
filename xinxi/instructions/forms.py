"""Forms of the instruction and supervision pages (input shape only; rules live in the services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from xinxi.instructions.levels import active_level_choices
from xinxi.lib.choices import Classification
from xinxi.network.models import Unit

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class VersionForm(forms.Form):
    """Carries the version the page showed, so a stale form or a second click changes nothing."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class InstructionForm(forms.Form):
    leader_name = forms.CharField(label="批示领导", max_length=50)
    leader_title = forms.CharField(label="职务", max_length=100, help_text="如：市委书记、副市长")
    level = forms.ChoiceField(label="领导层级", choices=active_level_choices)  # the live table, read per form
    instructed_on = forms.DateField(label="批示日期", initial=timezone.localdate, widget=DATE)
    text = forms.CharField(label="批示内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 5}))
    classification = forms.TypedChoiceField(
        label="密级",
        coerce=int,
        choices=[("", "同所批示的信息或刊物"), *Classification.choices],
        required=False,
        empty_value=None,
    )


class TaskForm(forms.Form):
    units = forms.ModelMultipleChoiceField(
        label="承办单位", queryset=Unit.objects.none(), widget=forms.SelectMultiple(attrs={"size": 8})
    )
    due_on = forms.DateField(label="办理期限", widget=DATE)
    requirement = forms.CharField(
        label="督办要求", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units  # type: ignore[attr-defined]
        self.fields["units"].error_messages["invalid_choice"] = "所选单位不在可交办范围内：%(value)s"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> Any:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class ReportForm(VersionForm):
    text = forms.CharField(
        label="办理情况",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": "请填写办理情况。",
            "max_length": "办理情况不能超过 10000 字（现有 %(show_value)d 字）。",
        },
    )
    attachments = MultipleFileField(
        label="附件", required=False, help_text="可多选；DOCX、PDF、JPG、PNG，每个不超过 20 MB"
    )


class NoteForm(VersionForm):
    note = forms.CharField(label="意见", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(VersionForm):
    reason = forms.CharField(label="退回理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ExtendForm(VersionForm):
    due_on = forms.DateField(label="新的办理期限", widget=DATE)
    reason = forms.CharField(label="调整理由", max_length=2000)
