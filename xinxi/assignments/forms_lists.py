"""Forms of the list pages: parsing only; the checks are the services' (one set for form, file and API)."""

from __future__ import annotations

from django import forms

from xinxi.assignments import lists_files
from xinxi.assignments.models import RowKind


class RowForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=RowKind.choices)
    source = forms.CharField(label="来源（媒体名称/渠道）", max_length=lists_files.SOURCE_MAX)
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}),
                           error_messages={"invalid": "请填写正确的日期。"})
    summary = forms.CharField(label="内容摘要", max_length=lists_files.SUMMARY_MAX,
                              widget=forms.Textarea(attrs={"rows": 3}))
    concerned = forms.CharField(label="涉及单位", max_length=lists_files.CONCERNED_MAX)
    suggestion = forms.CharField(label="意见建议", max_length=lists_files.SUGGESTION_MAX, required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))


class UploadForm(forms.Form):
    file = forms.FileField(label="清单文件（.xlsx 或 .csv）", error_messages={"required": "请选择要上传的文件。",
                                                                        "empty": "文件是空的。"})


class RouteForm(forms.Form):
    unit = forms.IntegerField(label="承办单位", min_value=1, max_value=2_147_483_647,
                              error_messages={"required": "请选择承办单位。", "invalid": "请选择承办单位。",
                                              "max_value": "承办单位不存在。", "min_value": "承办单位不存在。"})
    due_on = forms.DateField(label="反馈期限", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                             error_messages={"invalid": "请填写正确的日期。"})
    note = forms.CharField(label="交办要求", max_length=300, required=False)


class ReplyForm(forms.Form):
    result = forms.CharField(label="办理结果", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


class CompileForm(forms.Form):
    title = forms.CharField(label="标题", max_length=200)
    body = forms.CharField(label="正文", widget=forms.Textarea(attrs={"rows": 10}))
