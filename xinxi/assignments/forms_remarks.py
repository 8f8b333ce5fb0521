"""Forms of the remark and share pages."""

from __future__ import annotations

from typing import Any

from django import forms

from xinxi.assignments.models import RemarkRating, RemarkTag
from xinxi.assignments.services_remarks import TEXT_MAX
from xinxi.assignments.services_sharing import NOTE_MAX


class RemarkForm(forms.Form):
    text = forms.CharField(label="点评意见", max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5}),
                           error_messages={"required": "请填写点评意见。"},
                           help_text="这条信息好在哪里、不足在哪里，怎样写得更好。")
    rating = forms.ChoiceField(label="评价", choices=[("", "不评级"), *RemarkRating.choices], required=False)
    tags = forms.MultipleChoiceField(label="方面", choices=RemarkTag.choices, required=False,
                                     widget=forms.CheckboxSelectMultiple)


class ShareForm(forms.Form):
    units: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label="接收单位", queryset=None, widget=forms.CheckboxSelectMultiple,
                                           error_messages={"required": "请选择至少一个接收单位。",
                                                           "invalid_choice": "所选单位不在可共享范围内。"})
    note = forms.CharField(label="共享说明", max_length=NOTE_MAX, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}), help_text="为什么共享、可以怎样使用。")

    def __init__(self, *args: Any, targets: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["units"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = targets
