from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from xinxi.network.models import Desk, Level, StaffRole, Unit, UnitClass, UnitKind

# A form without its version was not loaded from this page: treat it as stale.
STALE_FORM = {"required": "表单已过期，请刷新页面后重新操作。", "invalid": "表单已过期，请刷新页面后重新操作。"}


class UnitForm(forms.Form):
    name = forms.CharField(label="单位名称", max_length=100)
    kind = forms.ChoiceField(label="单位类型", choices=UnitKind.choices)
    level = forms.TypedChoiceField(label="层级", choices=Level.choices, coerce=int)
    region_code = forms.RegexField(
        label="行政区划代码",
        regex=r"^(\d{6}|\d{9}|\d{12})$",
        max_length=12,
        error_messages={"invalid": "行政区划代码应为 6、9 或 12 位数字。"},
    )
    unit_class = forms.ModelChoiceField(label="单位类别", queryset=UnitClass.objects.all(), required=False)
    sort_order = forms.IntegerField(label="排序", min_value=0, required=False, initial=0)
    requires_signoff = forms.BooleanField(label="信息报送前须经本单位签发人签发", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, error_messages=STALE_FORM)


class MoveForm(forms.Form):
    new_parent = forms.ModelChoiceField(
        label="新的上级单位",
        queryset=Unit.objects.none(),
        required=False,
        help_text="留空表示移到顶层（仅系统管理员）。",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, error_messages=STALE_FORM)

    def __init__(self, *args: Any, parents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = parents  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=200, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, error_messages=STALE_FORM)


class StaffForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    role = forms.ChoiceField(label="身份", choices=StaffRole.choices)
    title = forms.CharField(label="职务", max_length=50, required=False)
    phone = forms.CharField(label="办公电话", max_length=30, required=False)
    mobile = forms.CharField(label="手机", max_length=20, required=False)
    active = forms.BooleanField(label="在岗", required=False, initial=True)


class PointAdmitForm(forms.Form):
    desk: forms.ModelChoiceField = forms.ModelChoiceField(label="直报至（信息科室）", queryset=Desk.objects.none())
    unit: forms.ModelChoiceField = forms.ModelChoiceField(label="单位", queryset=Unit.objects.none())
    admitted_on = forms.DateField(
        label="确定日期", initial=timezone.localdate, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    reason = forms.CharField(label="确定理由", max_length=300, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, desks: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["desk"].queryset = desks  # type: ignore[attr-defined]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        if desks.count() == 1:
            self.fields["desk"].initial = desks.first()


class PointRevokeForm(forms.Form):
    revoked_on = forms.DateField(
        label="撤销日期", initial=timezone.localdate, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    reason = forms.CharField(label="撤销理由", max_length=300, widget=forms.Textarea(attrs={"rows": 3}))


class DeskSettingsForm(forms.Form):
    name = forms.CharField(label="科室名称", max_length=100)
    urgent_phone_limit_minutes = forms.IntegerField(label="紧急信息电话报告时限（分钟）", min_value=1, max_value=10080)
    urgent_written_limit_minutes = forms.IntegerField(
        label="紧急信息书面报告时限（分钟）", min_value=1, max_value=10080
    )
    supervision_due_days = forms.IntegerField(label="督办默认办理期限（天）", min_value=1, max_value=365)
    supervision_remind_days = forms.IntegerField(
        label="督办到期前提醒（提前天数）", min_value=0, max_value=30, help_text="0 表示到期当天提醒"
    )
    supervision_repeat_days = forms.IntegerField(label="督办逾期后再次提醒间隔（天）", min_value=1, max_value=30)


class ImportForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）")
