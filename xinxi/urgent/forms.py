"""Forms of the urgent-information pages: input shape only; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from xinxi.lib.choices import Classification
from xinxi.network.models import Unit
from xinxi.urgent import clocks
from xinxi.urgent.models import (
    SUBTYPE_CHOICES,
    SUBTYPE_CLASS,
    Incident,
    IncidentClass,
    Severity,
    Source,
)

DT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def local_now() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


def when(label: str, **kwargs: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=DT_FORMATS,
        widget=LocalDateTimeInput(),
        error_messages={"required": f"请填写{label}。", "invalid": f"{label}格式不对，应为“2026-12-01 08:30”。"},
        **kwargs,
    )


class SubtypeSelect(forms.Select):
    """Each option carries its class (``data-class``) so urgent.js can offer only the matching ones."""

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        cls = SUBTYPE_CLASS.get(str(value))
        if cls:
            option["attrs"]["data-class"] = cls
        return option


SEVERITY_HINT_FIELDS = ("deaths", "injured", "missing", "loss")


class FactsForm(forms.Form):
    """An incident's facts (recording on its own, or with a phone report that opens it)."""

    title = forms.CharField(label="事件名称", max_length=200, error_messages={"required": "请填写事件名称。"})
    incident_class = forms.ChoiceField(
        label="事件类别",
        choices=[("", "请选择"), *IncidentClass.choices],
        widget=forms.Select(attrs={"data-urgent-class": ""}),
        error_messages={"required": "请选择事件类别。"},
    )
    subtype = forms.ChoiceField(
        label="事件类型",
        choices=[("", "请选择"), *SUBTYPE_CHOICES],
        widget=SubtypeSelect(attrs={"data-urgent-subtype": ""}),
        error_messages={"required": "请选择事件类型。"},
    )
    occurred_at = when("发生时间", help_text="各级报告时限都从这一时刻起算")
    place = forms.CharField(label="发生地点", max_length=200, error_messages={"required": "请填写发生地点。"})
    deaths = forms.IntegerField(label="死亡人数", min_value=0, max_value=1_000_000, initial=0, required=False)
    injured = forms.IntegerField(label="受伤人数", min_value=0, max_value=1_000_000, initial=0, required=False)
    missing = forms.IntegerField(label="失踪人数", min_value=0, max_value=1_000_000, initial=0, required=False)
    loss = forms.DecimalField(
        label="直接经济损失（万元）", min_value=0, max_digits=12, decimal_places=2, initial=0, required=False
    )
    severity = forms.TypedChoiceField(
        label="事件分级",
        coerce=int,
        choices=[("", "请选择"), *Severity.choices],
        error_messages={"required": "请选择事件分级。"},
        help_text="事故灾难按伤亡和损失给出建议分级，由值班人员确认",
    )
    confirm_severity = forms.BooleanField(label="确认所选分级（与建议分级不同）", required=False)
    summary = forms.CharField(
        label="基本情况", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    source = forms.ChoiceField(label="获知渠道", choices=Source.choices, initial=Source.PHONE)
    classification = forms.TypedChoiceField(
        label="密级", coerce=int, choices=Classification.choices, initial=Classification.INTERNAL
    )

    def __init__(self, *args: Any, clearance: int = Classification.INTERNAL, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("occurred_at", local_now())
        super().__init__(*args, **kwargs)
        self.fields["classification"].choices = [  # type: ignore[attr-defined]
            (v, label) for v, label in Classification.choices if v <= clearance
        ]
        self.suggestion: clocks.SeveritySuggestion | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("deaths", "injured", "missing"):
            data[name] = data.get(name) or 0
        data["loss"] = data.get("loss") or 0
        cls, subtype = data.get("incident_class"), data.get("subtype")
        if cls and subtype and SUBTYPE_CLASS.get(subtype) != cls:
            self.add_error("subtype", "事件类型与事件类别不符，请重新选择。")
        if cls == IncidentClass.ACCIDENT and not self.errors:
            self.suggestion = clocks.suggest_severity(
                deaths=data["deaths"], injured=data["injured"], missing=data["missing"], loss=data["loss"]
            )
            chosen = data.get("severity")
            if chosen and chosen != self.suggestion.severity and not data.get("confirm_severity"):
                self.add_error(
                    "severity",
                    f"按伤亡和损失建议为{Severity(self.suggestion.severity).label}（{self.suggestion.reason}）。"
                    "如确认所选分级，请勾选“确认所选分级”后再提交。",
                )
        return data

    def facts(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("confirm_severity", None)
        return {k: data[k] for k in FACT_FIELDS}


FACT_FIELDS = (
    "title",
    "incident_class",
    "subtype",
    "occurred_at",
    "place",
    "deaths",
    "injured",
    "missing",
    "loss",
    "severity",
    "summary",
    "source",
    "classification",
)


class IncidentForm(FactsForm):
    units = forms.ModelMultipleChoiceField(
        label="责任单位",
        queryset=Unit.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 6}),
        error_messages={"required": "请至少选择一个责任单位。", "invalid_choice": "所选单位不在本科室的信息网络内。"},
    )

    field_order = ["title", "incident_class", "subtype", "occurred_at", "place", "units"]

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units  # type: ignore[attr-defined]


class PhoneForm(forms.Form):
    """A call taken by the duty room; it joins an open incident or opens a new one."""

    incident = forms.TypedChoiceField(label="所报事件", coerce=int, required=False, empty_value=None)
    unit = forms.ModelChoiceField(
        label="来电单位",
        queryset=Unit.objects.none(),
        error_messages={"required": "请选择来电单位。", "invalid_choice": "所选单位不在本科室的信息网络内。"},
    )
    caller = forms.CharField(label="来电人", max_length=50, error_messages={"required": "请填写来电人。"})
    caller_phone = forms.CharField(label="来电号码", max_length=30, required=False)
    received_at = when("接报时间")
    content = forms.CharField(
        label="报告内容",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写报告内容。"},
    )

    def __init__(self, *args: Any, units: Any, incidents: list[Incident], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("received_at", local_now())
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["incident"].choices = [  # type: ignore[attr-defined]
            ("", "新事件（同时登记事件）"),
            *[(i.pk, f"{i.title}（{timezone.localtime(i.occurred_at):%m-%d %H:%M}）") for i in incidents],
        ]
        self.fields["incident"].error_messages["invalid_choice"] = "所选事件不在本科室的处置中事件内，请刷新后重选。"


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CorrectForm(VersionForm):
    severity = forms.TypedChoiceField(
        label="更正后的分级",
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", "不变"), *Severity.choices],
    )
    occurred_at = when("更正后的发生时间", required=False)
    reason = forms.CharField(label="更正理由", max_length=300, error_messages={"required": "请填写更正理由。"})


class AddUnitForm(forms.Form):
    unit = forms.ModelChoiceField(
        label="增加责任单位",
        queryset=Unit.objects.none(),
        error_messages={"required": "请选择单位。", "invalid_choice": "所选单位不能作为责任单位。"},
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class ReportForm(forms.Form):
    """预报/首报/续报/终报; ``seen`` is how many reports of the unit the page showed (a stale
    form or a second click is refused instead of filing twice)."""

    kind = forms.ChoiceField(label="报告类型", error_messages={"required": "请选择报告类型。"})
    title = forms.CharField(label="标题", max_length=200, error_messages={"required": "请填写标题。"})
    body = forms.CharField(
        label="正文",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "请填写正文。"},
    )
    seen = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, kinds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]
        self.fields["kind"].error_messages["invalid_choice"] = (
            "现在不能报送这种报告（请按 预报/首报 → 续报 → 终报 的顺序）。"
        )
