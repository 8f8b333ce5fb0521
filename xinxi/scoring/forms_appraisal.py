"""Forms of the appraisal page: the terms (year, N, threshold, list size) and the confirmation.

Forms parse types and ranges; whether a point may be commended or revoked is decided by
``services_appraisal.appraisal_confirm``, for the page and the API alike.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from xinxi.scoring import appraisal


def _int(label: str, low: int, high: int, initial: int, help_text: str = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label, min_value=low, max_value=high, required=False, initial=initial, help_text=help_text,
        error_messages={"invalid": f"“{label}”应为整数。", "min_value": f"“{label}”应在 {low} 到 {high} 之间。",
                        "max_value": f"“{label}”应在 {low} 到 {high} 之间。"},
    )


class TermsForm(forms.Form):
    """GET parameters of the page and the exports; an omitted one takes its default."""

    year = forms.IntegerField(label="考评年度", required=False)
    top = _int("表扬名额（前 N 名）", 1, appraisal.MAX_TOP, appraisal.DEFAULT_TOP)
    threshold = forms.DecimalField(
        label="撤销门槛（年度积分低于）", required=False, min_value=Decimal(0), max_value=Decimal(10000),
        max_digits=7, decimal_places=2, initial=appraisal.DEFAULT_THRESHOLD,
        error_messages={"invalid": "“撤销门槛”应为数字。", "min_value": "“撤销门槛”应在 0 到 10000 分之间。",
                        "max_value": "“撤销门槛”应在 0 到 10000 分之间。",
                        "max_decimal_places": "“撤销门槛”最多两位小数。",
                        "max_digits": "“撤销门槛”应在 0 到 10000 分之间。"},
    )
    size = _int("两年期评选名额", 1, appraisal.MAX_SIZE, appraisal.DEFAULT_SIZE, "优秀信息单位、工作者、信息各列前几名")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["year"]
        field.initial = appraisal.default_year()
        field.error_messages["invalid"] = "“考评年度”应为整数。"

    def clean_year(self) -> int:
        year = self.cleaned_data.get("year")
        if year is None:
            return appraisal.default_year()
        if not appraisal.FIRST_YEAR <= year <= timezone.localdate().year:
            raise forms.ValidationError(f"考评年度应在 {appraisal.FIRST_YEAR} 年到今年之间。")
        return int(year)

    def clean_top(self) -> int:
        value = self.cleaned_data.get("top")
        return appraisal.DEFAULT_TOP if value is None else int(value)

    def clean_threshold(self) -> Decimal:
        value = self.cleaned_data.get("threshold")
        return appraisal.DEFAULT_THRESHOLD if value is None else Decimal(value)

    def clean_size(self) -> int:
        value = self.cleaned_data.get("size")
        return appraisal.DEFAULT_SIZE if value is None else int(value)


class ConfirmForm(forms.Form):
    year = forms.IntegerField(widget=forms.HiddenInput)
    top = forms.IntegerField(widget=forms.HiddenInput)
    threshold = forms.DecimalField(widget=forms.HiddenInput, max_digits=7, decimal_places=2)
    commend = forms.TypedMultipleChoiceField(label="表扬", coerce=int, required=False,
                                             widget=forms.CheckboxSelectMultiple)
    revoke = forms.TypedMultipleChoiceField(label="撤销直报点资格", coerce=int, required=False,
                                            widget=forms.CheckboxSelectMultiple)
    reason = forms.CharField(label="说明", max_length=200, required=False,
                             help_text="如：经科务会研究确定（写入撤销理由）")

    def __init__(self, *args: Any, points: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("commend", "revoke"):
            field = self.fields[name]
            assert isinstance(field, forms.TypedMultipleChoiceField)
            field.choices = points
            field.error_messages["invalid_choice"] = "名单中有不是本科室直报点的单位。"
