"""Forms of the periodical pages: they parse input; ``publications.services`` decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from xinxi.items.models import AdoptionKind, DeskEntry
from xinxi.lib.choices import Classification, Urgency
from xinxi.network.models import Unit
from xinxi.publications.models import PERIODICAL_FIELDS, Column, Periodical

# A form without its version was not loaded from this page: treat it as stale.
STALE_FORM = {"required": "表单已过期，请刷新页面后重新操作。", "invalid": "表单已过期，请刷新页面后重新操作。"}
MAX_COPIES = 100_000


def _text(label: str, rows: int = 2, max_length: int = 2000) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=max_length, required=False, widget=forms.Textarea(attrs={"rows": rows})
    )


class IssueForm(forms.Form):
    """The issue's own fields; ``version`` guards against overwriting someone else's save."""

    classification = forms.TypedChoiceField(label="密级", choices=Classification.choices, coerce=int)
    urgency = forms.TypedChoiceField(label="紧急程度", choices=Urgency.choices, coerce=int)
    editor_note = _text("编者按（本期，可选）", 3)
    to_leaders = _text("报")
    to_units = _text("送")
    distribute = _text("发")
    copies = forms.IntegerField(label="印数（份）", min_value=1, max_value=MAX_COPIES)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, error_messages=STALE_FORM)


class IssueItemForm(forms.Form):
    title = forms.CharField(label="刊用标题", max_length=200)
    body = forms.CharField(label="刊用正文", widget=forms.Textarea(attrs={"rows": 6}))
    column: forms.ModelChoiceField = forms.ModelChoiceField(
        label="栏目", queryset=Column.objects.none(), required=False, empty_label="（不设栏目）"
    )
    editor_note = _text("编者按（本条，可选）")
    kind = forms.ChoiceField(label="采用方式", choices=AdoptionKind.choices)

    def __init__(self, *args: Any, periodical: Periodical, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["column"].queryset = periodical.columns.all()  # type: ignore[attr-defined]


class AddEntriesForm(forms.Form):
    entries: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label="可编入的信息",
        queryset=DeskEntry.objects.none(),
        error_messages={
            "required": "请勾选要编入本期的信息。",
            "invalid_choice": "所选信息不存在或不能编入本期，请刷新页面。",
            "invalid_pk_value": "所选信息不存在或不能编入本期，请刷新页面。",
        },
    )
    kind = forms.ChoiceField(label="采用方式", choices=AdoptionKind.choices)

    def __init__(self, *args: Any, candidates: QuerySet[DeskEntry], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["entries"].queryset = candidates  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(label="退回理由", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PeriodicalForm(forms.Form):
    """A periodical's settings; columns one per line, reading units as checkboxes."""

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(forms.fields_for_model(Periodical, fields=PERIODICAL_FIELDS))
        for name in ("default_to_leaders", "default_to_units", "default_distribute"):
            self.fields[name].widget.attrs["rows"] = 2
        self.fields["columns"] = forms.CharField(
            label="栏目",
            required=False,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text="每行一个栏目，按刊出顺序排列；已用于已印发期的栏目不能删除。",
        )
        self.fields["readers"] = forms.ModelMultipleChoiceField(
            label="可在线阅读的单位",
            queryset=units,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text="这些单位的用户可在系统中阅读已印发的期（仍受密级限制）。",
        )

    def column_names(self) -> list[str]:
        return [line for line in self.cleaned_data.get("columns", "").splitlines() if line.strip()]

    def model_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in PERIODICAL_FIELDS}


def periodical_initial(periodical: Periodical) -> dict[str, Any]:
    initial = forms.model_to_dict(periodical, fields=PERIODICAL_FIELDS)
    initial["columns"] = "\n".join(c.name for c in periodical.columns.all())
    initial["readers"] = list(periodical.readers.values_list("pk", flat=True))
    return initial
