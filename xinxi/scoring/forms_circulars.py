"""Forms of the circular pages: the period to generate, the editor's text, the return reason."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from xinxi.scoring.models import PeriodKind


class GenerateForm(forms.Form):
    kind = forms.ChoiceField(label="周期", choices=PeriodKind.choices, initial=PeriodKind.MONTH)
    year = forms.IntegerField(label="年份", min_value=2000, max_value=2100)
    index = forms.IntegerField(
        label="月份或季度", min_value=1, max_value=12, required=False,
        help_text="月度填 1–12 月，季度填 1–4 季度，年度不填。",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["index"].initial = today.month

    def start(self) -> dt.date:
        """The first day of the chosen period (a ValidationError names what is wrong)."""
        kind, year, index = self.cleaned_data["kind"], self.cleaned_data["year"], self.cleaned_data.get("index")
        if kind == PeriodKind.YEAR:
            return dt.date(year, 1, 1)
        if index is None:
            raise forms.ValidationError({"index": "请填写月份或季度。"})
        if kind == PeriodKind.QUARTER:
            if index > 4:
                raise forms.ValidationError({"index": "季度应为 1–4。"})
            return dt.date(year, 3 * index - 2, 1)
        return dt.date(year, index, 1)


class EditForm(forms.Form):
    title = forms.CharField(label="标题", max_length=200)
    body = forms.CharField(
        label="正文",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text="每段一行；表格和图由统计数据生成。",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ReturnForm(forms.Form):
    reason = forms.CharField(label="退回理由", max_length=300, widget=forms.Textarea(attrs={"rows": 3}))
