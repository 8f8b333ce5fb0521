"""Forms of the desk's pages: they parse input; the desk services decide.

Reasons are optional here on purpose: the service knows which actions need one and
answers in Chinese ("“退回修改”须填写理由。"), so the rule lives in one place.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from xinxi.accounts.models import User
from xinxi.items.models import AdoptionKind, AdoptionLevel, DeskEntry, VerificationMethod, VerificationOutcome
from xinxi.network.models import Level, Unit

# A form without its version was not loaded from this page: treat it as stale.
MAX_ID = 2**31 - 1
STALE_FORM = {"required": "表单已过期，请刷新页面后重新操作。", "invalid": "表单已过期，请刷新页面后重新操作。"}


def _reason(label: str = "理由", rows: int = 2) -> forms.CharField:
    return forms.CharField(label=label, max_length=500, required=False, widget=forms.Textarea(attrs={"rows": rows}))


class ReasonForm(forms.Form):
    reason = _reason()


class NoteForm(forms.Form):
    note = _reason("说明（可选）")


class AssignForm(forms.Form):
    editor: forms.ModelChoiceField = forms.ModelChoiceField(
        label="责任编辑", queryset=User.objects.none(), required=False, empty_label="（不指定）"
    )

    def __init__(self, *args: Any, editors: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["editor"].queryset = editors  # type: ignore[attr-defined]


class DuplicateForm(forms.Form):
    of = forms.IntegerField(label="重复于（收稿编号）", min_value=1, max_value=MAX_ID)
    reason = _reason("说明（可选）")

    def __init__(self, *args: Any, entries: QuerySet[DeskEntry], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.entries = entries

    def clean_of(self) -> DeskEntry:
        number = self.cleaned_data["of"]
        found = self.entries.filter(pk=number).first()
        if found is None:
            raise forms.ValidationError(f"本科室没有编号为 {number} 的信息。")
        return found


class VerifyForm(forms.Form):
    method = forms.ChoiceField(label="核实方式", choices=VerificationMethod.choices)
    question = _reason("核实内容")
    related_unit = forms.CharField(
        label="相关单位（向相关单位核实时填写）",
        max_length=100,
        required=False,
        help_text="填写单位全称或单位编号。",
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = units

    def clean_related_unit(self) -> Unit | None:
        raw = self.cleaned_data["related_unit"].strip()
        if not raw:
            return None
        found = list(
            self.units.filter(pk=int(raw)) if raw.isdigit() and len(raw) < 10 else self.units.filter(name=raw)[:5]
        )
        if not found:
            raise forms.ValidationError(f"没有找到单位“{raw}”。")
        if len(found) > 1:
            choices = "、".join(f"{u.name}（编号 {u.pk}）" for u in found)
            raise forms.ValidationError(f"有多个单位名为“{raw}”：{choices}，请填写单位编号。")
        return found[0]


class VerifyCloseForm(forms.Form):
    verification = forms.IntegerField(widget=forms.HiddenInput, max_value=MAX_ID, error_messages=STALE_FORM)
    outcome = forms.ChoiceField(
        label="核实结果",
        choices=[(v, label) for v, label in VerificationOutcome.choices if v != VerificationOutcome.OPEN],
    )
    note = _reason("结果说明")


class MajorEventForm(forms.Form):
    major = forms.TypedChoiceField(
        choices=[("1", "是"), ("0", "否")], coerce=lambda v: v == "1", widget=forms.HiddenInput
    )


class AdoptionForm(forms.Form):
    publication = forms.CharField(label="刊物名称", max_length=100, required=False)
    issue_no = forms.CharField(label="期号", max_length=50, required=False, help_text="如：2026年第12期")
    adopted_on = forms.DateField(
        label="采用日期",
        initial=timezone.localdate,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    kind = forms.ChoiceField(label="采用方式", choices=AdoptionKind.choices)
    external_level = forms.ChoiceField(label="采用来源", required=False)

    def __init__(self, *args: Any, desk_level: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["external_level"].choices = external_level_choices(desk_level)  # type: ignore[attr-defined]


# Which adoption levels lie above a desk: adoption there is entered by hand (系统外采用).
_ABOVE = {
    Level.PROVINCE: [AdoptionLevel.ZHONGBAN, AdoptionLevel.GUOBAN],
    Level.CITY: [AdoptionLevel.ZHONGBAN, AdoptionLevel.GUOBAN, AdoptionLevel.PROVINCE],
    Level.COUNTY: [AdoptionLevel.ZHONGBAN, AdoptionLevel.GUOBAN, AdoptionLevel.PROVINCE, AdoptionLevel.CITY],
    Level.TOWNSHIP: [AdoptionLevel.ZHONGBAN, AdoptionLevel.GUOBAN, AdoptionLevel.PROVINCE, AdoptionLevel.CITY],
}


def external_level_choices(desk_level: int) -> list[tuple[str, str]]:
    levels = _ABOVE.get(Level(desk_level), [])
    return [("", "本科室刊物")] + [(lv.value, f"系统外采用：{lv.label}") for lv in levels]


class EditForm(forms.Form):
    title = forms.CharField(label="标题", max_length=400, required=False)
    body = forms.CharField(label="正文", required=False, widget=forms.Textarea(attrs={"rows": 14}))
    note = forms.CharField(label="修改说明（可选）", max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=MAX_ID, error_messages=STALE_FORM)


class CombineForm(forms.Form):
    ids = forms.CharField(widget=forms.HiddenInput, error_messages=STALE_FORM)
    title = forms.CharField(label="综合信息标题", max_length=400, required=False)
    body = forms.CharField(label="综合信息正文", required=False, widget=forms.Textarea(attrs={"rows": 16}))


def parse_ids(*raw: str, limit: int = 30) -> list[int]:
    """``"1,2,3"`` (or several values) → ``[1, 2, 3]``: distinct, in order, junk dropped."""
    ids: list[int] = []
    for value in raw:
        for part in value.replace("，", ",").split(","):
            part = part.strip()
            if part.isdigit() and len(part) < 10 and int(part) not in ids:
                ids.append(int(part))
    return ids[:limit]


class WithdrawAdoptionForm(forms.Form):
    """撤销采用: one of the entry's live adoptions (one choice per publication and issue) and the reason."""

    adoption = forms.ModelChoiceField(
        label="撤销的采用记录",
        queryset=DeskEntry.objects.none(),
        empty_label=None,
        error_messages={"required": "请选择要撤销的采用记录。", "invalid_choice": "该采用记录不存在或已经撤销。"},
    )
    reason = _reason("撤销理由")

    def __init__(self, *args: Any, entry: DeskEntry, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "withdraw")
        super().__init__(*args, **kwargs)
        live = entry.adoptions.filter(withdrawn_at__isnull=True).order_by("pk")
        firsts: dict[tuple[str, str], int] = {}
        for pk, publication, issue_no in live.values_list("pk", "publication", "issue_no"):
            firsts.setdefault((publication, issue_no), pk)
        field = self.fields["adoption"]
        field.queryset = live.filter(pk__in=firsts.values())  # type: ignore[attr-defined]
        field.label_from_instance = lambda a: (  # type: ignore[attr-defined]
            f"{a.publication} {a.issue_no}（{a.adopted_on:%Y-%m-%d}，{a.get_kind_display()}）".replace("  ", " ")
        )
