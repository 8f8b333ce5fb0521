"""The archive page (资料信息库, /archive/): full-text search over what the user may see.

Items and issued issues: each result names the issues that carried it, the 刊物 filter
keeps the items carried by a periodical's issues, and a 期刊 block lists the matching
issues (``search``). The choices of the item filters (类别, 基调, 稿件) and the
periodicals come from the apps registered with the archive (``registry``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import render

from xinxi.archive import registry, search
from xinxi.lib.db import replica_reads
from xinxi.lib.http import AuthedRequest
from xinxi.network.models import Desk
from xinxi.network.permissions import visible_units

ANY = [("", "全部")]
UNITS_PER_NAME = 50  # a unit name matching more units than this asks for a more specific name
DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class SearchForm(forms.Form):
    q = forms.CharField(
        label="检索词",
        max_length=100,
        required=False,
        error_messages={"max_length": "检索词最多 100 个字，请精简。"},
        help_text=search.QUERY_HELP,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "如：直报点 取消资格"}),
    )
    unit = forms.CharField(
        label="报送单位（含下级）",
        max_length=50,
        required=False,
        error_messages={"max_length": "单位名称最多 50 个字。"},
        widget=forms.TextInput(attrs={"placeholder": "如：东城"}),
    )
    desk = forms.TypedChoiceField(label="科室", choices=ANY, coerce=int, required=False, empty_value=None)
    category = forms.ChoiceField(label="类别", choices=ANY, required=False)
    tone = forms.ChoiceField(label="基调", choices=ANY, required=False)
    kind = forms.ChoiceField(label="稿件", choices=ANY, required=False)
    periodical = forms.TypedChoiceField(
        label="刊用刊物（已印发）",
        choices=ANY,
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "没有这个刊物，或您不在它的阅读范围内。"},
    )
    issue_year = forms.IntegerField(
        label="刊用年份",
        required=False,
        min_value=2000,
        max_value=2100,
        error_messages={
            "invalid": "请填写四位数的年份，如 2026。",
            "min_value": "年份不能早于 2000 年。",
            "max_value": "年份不能晚于 2100 年。",
        },
        widget=forms.NumberInput(attrs={"placeholder": "如：2026"}),
    )
    date_from = forms.DateField(label="日期自", required=False, widget=DATE)
    date_to = forms.DateField(label="日期至", required=False, widget=DATE)
    order = forms.ChoiceField(
        label="排序",
        choices=[(search.NEWEST, "最新在前"), (search.RELEVANCE, "相关度")],
        required=False,
    )

    def __init__(self, data: QueryDict, *, user: Any) -> None:
        super().__init__(data)
        self.user = user
        units = visible_units(user)
        desks = Desk.objects.filter(active=True, unit__in=units).select_related("unit").order_by("unit__path")
        self.fields["desk"].choices = ANY + [(d.pk, d.name) for d in desks]  # type: ignore[attr-defined]
        self.fields["category"].choices = ANY + registry.filter_choices("category")  # type: ignore[attr-defined]
        self.fields["tone"].choices = ANY + registry.filter_choices("tone")  # type: ignore[attr-defined]
        self.fields["kind"].choices = ANY + registry.kind_choices()  # type: ignore[attr-defined]
        carrier = registry.carrier()
        periodicals = carrier.readable(user) if carrier is not None else []
        self.readable = [pk for pk, _label in periodicals]
        if periodicals:
            self.fields["periodical"].choices = ANY + periodicals  # type: ignore[attr-defined]
        else:  # no issued issue to read: nothing to filter by
            del self.fields["periodical"], self.fields["issue_year"]
        self.unit_ids: tuple[int, ...] = ()

    def clean_unit(self) -> str:
        name = self.cleaned_data.get("unit", "").strip()
        if name:
            ids = list(visible_units(self.user).filter(name__icontains=name).values_list("pk", flat=True)[:51])
            if not ids:
                raise forms.ValidationError(f"没有找到名称含“{name}”的单位。")
            if len(ids) > UNITS_PER_NAME:
                raise forms.ValidationError(f"名称含“{name}”的单位超过 {UNITS_PER_NAME} 个，请写得更具体些。")
            self.unit_ids = tuple(ids)
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "截止日期不能早于起始日期。")
        return data

    def to_query(self, page: int) -> search.SearchQuery:
        data = self.cleaned_data
        return search.SearchQuery(
            text=data.get("q") or "",
            units=self.unit_ids,
            desk_id=data.get("desk"),
            category=data.get("category") or "",
            tone=data.get("tone") or "",
            kind=data.get("kind") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            periodical_id=data.get("periodical"),
            issue_year=data.get("issue_year"),
            order=data.get("order") or search.NEWEST,
            page=page,
        )


def _page_number(raw: str | None) -> int:
    try:
        return max(1, int(raw or 1))
    except ValueError:
        return 1


@login_required
@replica_reads
def archive(request: AuthedRequest) -> HttpResponse:
    form = SearchForm(request.GET, user=request.user)
    result = None
    if form.is_valid():
        query = form.to_query(_page_number(request.GET.get("page")))
        if not query.is_blank:
            result = search.search(request.user, query, readable=form.readable)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "result": result,
        "filtered": any(request.GET.get(f) for f in form.fields if f not in {"q", "order"}),
        "base_query": params.urlencode(),
        "max_results": search.MAX_RESULTS,
        "no_access": not registry.user_keys(request.user),
        "query_help": search.QUERY_HELP,
    }
    return render(request, "archive/search.html", context)
