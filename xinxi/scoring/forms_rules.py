"""Forms of the rule set pages: the policies, the point lines and multipliers (formsets), the
preview's events, penalties and reversals.

Forms only parse types; every rule (a penalty line must not add points, one multiplier per
target, a periodical of another desk) stays in ``scoring.services`` so pages and API refuse
the same things with the same Chinese messages.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.forms import BaseFormSet, formset_factory

from xinxi.items.models import AdoptionKind, Category
from xinxi.network.models import Unit
from xinxi.scoring.models import (
    LINE_KINDS,
    MULTIPLIER_TARGETS,
    PENALTY_KINDS,
    BasePeriod,
    EventKind,
    IssueKind,
    JointPolicy,
    MultiAdoption,
    ReachedLevel,
    RuleSet,
    UpwardPolicy,
)

POLICY_NAMES = (
    "multi_adoption",
    "joint",
    "joint_fixed_points",
    "upward",
    "upward_k",
    "base_points",
    "base_period",
    "threshold_items",
    "threshold_points",
    "zeroing_misses",
    "month_floor",
    "rate_floor",
)
ANY = ("", "（不限）")
DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
MAX_ROWS = 200


def _points(label: str, *, required: bool = True, **extra: Any) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=9, decimal_places=2, required=required, **extra)


def leader_level_choices() -> list[tuple[str, str]]:
    from xinxi.instructions.models import LeaderLevel

    return [ANY, *((lv.code, f"{lv.name}（{lv.code}）") for lv in LeaderLevel.objects.order_by("order", "code"))]


class RuleSetForm(forms.Form):
    """The version's name, date and policies."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label="名称", max_length=100, help_text="如：2027年度信息工作计分办法")
    valid_from = forms.DateField(label="生效日期", widget=DATE)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    multi_adoption = forms.ChoiceField(label="一条信息被多个刊物采用", choices=MultiAdoption.choices)
    joint = forms.ChoiceField(label="联合报送或综合采用", choices=JointPolicy.choices)
    joint_fixed_points = _points("综合采用每单位固定分", initial=Decimal(0))
    upward = forms.ChoiceField(label="转报后被上级采用", choices=UpwardPolicy.choices)
    upward_k = _points("每高一级的系数 k", initial=Decimal(2))
    base_points = _points("基础分", initial=Decimal(0))
    base_period = forms.ChoiceField(label="基础分周期", choices=BasePeriod.choices)
    threshold_items = forms.IntegerField(label="年度达标：采用条数（0 为不设）", min_value=0, initial=0)
    threshold_points = _points("年度达标分", initial=Decimal(0))
    zeroing_misses = forms.IntegerField(label="全年未报约稿达到几次清零（0 为不设）", min_value=0, initial=0)
    month_floor = _points("每月达标分（0 为不设）", initial=Decimal(0))
    rate_floor = _points("季度采用率下限（%，0 为不设）", initial=Decimal(0))

    def policies(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in POLICY_NAMES}


def rule_set_initial(rule_set: RuleSet) -> dict[str, Any]:
    names = ("version", "name", "valid_from", "note", *POLICY_NAMES)
    return {name: getattr(rule_set, name) for name in names}


class LineForm(forms.Form):
    """One point line; a row with neither event kind nor points is an empty row and ignored."""

    kind = forms.ChoiceField(label="计分事项", choices=[("", "—"), *((k.value, k.label) for k in LINE_KINDS)],
                             required=False)
    label = forms.CharField(label="说明", max_length=100, required=False)
    periodical = forms.ChoiceField(label="刊物", required=False)
    column = forms.CharField(label="栏目", max_length=30, required=False)
    adoption_kind = forms.ChoiceField(label="采用方式", choices=[ANY, *AdoptionKind.choices], required=False)
    issue_kind = forms.ChoiceField(label="正刊/增刊", choices=[ANY, *IssueKind.choices], required=False)
    level = forms.ChoiceField(label="采用层级", choices=[ANY, *ReachedLevel.choices], required=False)
    leader_level = forms.ChoiceField(label="批示领导层级", required=False)
    points = _points("分值", required=False)

    def __init__(self, *args: Any, periodicals: list[tuple[str, str]] | None = None,
                 leader_levels: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["periodical"].choices = [ANY, *(periodicals or [])]  # type: ignore[attr-defined]
        self.fields["leader_level"].choices = leader_levels or [ANY]  # type: ignore[attr-defined]

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not data.get("kind") and data.get("points") is None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") and data.get("points") is None:
            self.add_error("points", "请填写分值。")
        if data.get("points") is not None and not data.get("kind"):
            self.add_error("kind", "请选择计分事项。")
        return data

    def line(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("DELETE", None)
        data["periodical"] = int(data["periodical"]) if data.get("periodical") else None
        return data


class MultiplierForm(forms.Form):
    target = forms.ChoiceField(label="适用于", choices=[("", "—"), *MULTIPLIER_TARGETS], required=False)
    factor = forms.DecimalField(label="系数", max_digits=5, decimal_places=2, required=False)

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not data.get("target") and data.get("factor") is None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("target") and data.get("factor") is None:
            self.add_error("factor", "请填写系数。")
        if data.get("factor") is not None and not data.get("target"):
            self.add_error("target", "请选择适用对象。")
        return data


class RowsFormSet(BaseFormSet):  # type: ignore[type-arg]
    """Rows kept in order; empty and deleted rows drop out of ``rows()``."""

    def rows(self) -> list[forms.Form]:
        return [
            f for f in self.forms
            if f.is_valid() and not f.is_blank() and not f.cleaned_data.get("DELETE")  # type: ignore[attr-defined]
        ]


def rows(formset: BaseFormSet) -> list[Any]:  # type: ignore[type-arg]
    """The filled-in rows of a bound, valid formset (``RowsFormSet.rows``)."""
    assert isinstance(formset, RowsFormSet)
    return formset.rows()


LineFormSet = formset_factory(LineForm, formset=RowsFormSet, extra=0, can_delete=True,
                              max_num=MAX_ROWS, validate_max=True)
MultiplierFormSet = formset_factory(MultiplierForm, formset=RowsFormSet, extra=0, can_delete=True,
                                    max_num=20, validate_max=True)


def with_added_row(data: Any, prefix: str) -> Any:
    """A copy of the POSTed data with one more (empty) row in the formset ``prefix``: the
    “增加一行” button works without JavaScript."""
    copy = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        total = int(copy.get(key, 0))
    except ValueError:
        total = 0
    copy[key] = str(min(total + 1, MAX_ROWS))
    return copy


# --- preview ---


class EventForm(forms.Form):
    """One hand-entered event of the preview."""

    unit = forms.ChoiceField(label="单位", required=False)
    kind = forms.ChoiceField(label="事项", choices=[("", "—"), *((k.value, k.label) for k in LINE_KINDS)],
                             required=False)
    periodical = forms.ChoiceField(label="刊物", required=False)
    column = forms.CharField(label="栏目", max_length=30, required=False)
    adoption_kind = forms.ChoiceField(label="采用方式", choices=[ANY, *AdoptionKind.choices], required=False)
    issue_kind = forms.ChoiceField(label="正刊/增刊", choices=[ANY, *IssueKind.choices], required=False)
    level = forms.ChoiceField(label="采用层级", choices=[ANY, *ReachedLevel.choices], required=False)
    leader_level = forms.ChoiceField(label="批示领导层级", required=False)
    category = forms.ChoiceField(label="类别", choices=[ANY, *Category.choices], required=False)
    commissioned = forms.BooleanField(label="约稿", required=False)
    sources = forms.IntegerField(label="联合单位数", min_value=1, max_value=50, required=False)
    levels_up = forms.IntegerField(label="高出几级", min_value=1, max_value=5, required=False)
    count = forms.IntegerField(label="条数", min_value=1, max_value=1000, required=False)

    def __init__(self, *args: Any, units: list[tuple[str, str]] | None = None,
                 periodicals: list[tuple[str, str]] | None = None,
                 leader_levels: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "—"), *(units or [])]  # type: ignore[attr-defined]
        self.fields["periodical"].choices = [ANY, *(periodicals or [])]  # type: ignore[attr-defined]
        self.fields["leader_level"].choices = leader_levels or [ANY]  # type: ignore[attr-defined]

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not data.get("kind") and not data.get("unit")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") and not data.get("unit"):
            self.add_error("unit", "请选择单位。")
        if data.get("unit") and not data.get("kind"):
            self.add_error("kind", "请选择事项。")
        return data


EventFormSet = formset_factory(EventForm, formset=RowsFormSet, extra=0, can_delete=True, max_num=50,
                               validate_max=True)


class PickForm(forms.Form):
    adoptions = forms.MultipleChoiceField(label="本科室近期的采用", required=False,
                                          widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, choices: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["adoptions"].choices = choices or []  # type: ignore[attr-defined]


# --- penalties and reversals ---


class PenaltyForm(forms.Form):
    unit = forms.ModelChoiceField(label="单位", queryset=Unit.objects.none(), empty_label="—")
    kind = forms.ChoiceField(label="扣分事项", choices=[(k.value, EventKind(k).label) for k in PENALTY_KINDS])
    on = forms.DateField(label="发生日期", widget=DATE)
    reason = forms.CharField(label="事实和理由", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    item = forms.IntegerField(label="涉及信息编号（可不填）", min_value=1, required=False)

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class ReverseForm(forms.Form):
    reason = forms.CharField(label="冲销理由", max_length=200, widget=forms.Textarea(attrs={"rows": 3}))


class CopyForm(forms.Form):
    valid_from = forms.DateField(label="新版本的生效日期", widget=DATE)
