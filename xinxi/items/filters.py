"""The inbox's filters, sorting and state tabs: one form, one queryset, bounded queries.

The inbox must stay fast at 10⁵ entries per desk. Everything here filters the
user's ``permissions.desk_entries`` (clearance applies) and orders along the
``(desk, -received_at)`` / ``(desk, state, -received_at)`` indexes. The counts per
state are one ``GROUP BY`` over the filtered entries, and the page's total is
taken from them, so a page costs no extra ``COUNT(*)``. Every shape reads an index
holding the desk, the filtered column, the state and the classification (see
``DeskEntry.Meta.indexes``), so the counts come from the index alone (``COUNT(*)``,
not ``COUNT(id)``: PostgreSQL's index-only scan needs no column outside the index).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone

from xinxi.items.models import Category, DeskEntry, EntryRead, EntryState, Tone
from xinxi.lib.choices import Classification
from xinxi.network.models import Unit, UnitClass

SORTS = {
    "received": ("-received_at", "-id"),
    "urgency": ("-urgency", "-received_at", "-id"),
    "unit": ("origin_unit__name", "-received_at", "-id"),
}
SORT_CHOICES = [("received", "收到时间（新→旧）"), ("urgency", "紧急程度"), ("unit", "报送单位")]
ANY = [("", "全部")]


class InboxFilterForm(forms.Form):
    q = forms.CharField(label="标题含", max_length=50, required=False)
    unit = forms.CharField(label="报送单位", max_length=50, required=False)
    unit_class = forms.ModelChoiceField(
        label="单位类别", queryset=UnitClass.objects.all(), required=False, empty_label="全部"
    )
    category = forms.ChoiceField(label="类别", choices=ANY + Category.choices, required=False)
    tone = forms.ChoiceField(label="基调", choices=ANY + Tone.choices, required=False)
    classification = forms.TypedChoiceField(label="密级", choices=ANY, coerce=int, required=False, empty_value=None)
    state = forms.ChoiceField(label="状态", choices=ANY + EntryState.choices, required=False)
    received_from = forms.DateField(
        label="收到自", required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    received_to = forms.DateField(
        label="收到至", required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    tag = forms.CharField(label="标签", max_length=30, required=False)
    mine = forms.BooleanField(label="只看分配给我的", required=False)
    unread = forms.BooleanField(label="只看未读", required=False)
    sort = forms.ChoiceField(label="排序", choices=SORT_CHOICES, required=False)

    def __init__(self, *args: Any, clearance: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Levels above the user's clearance are not even offered.
        levels = [(str(v), label) for v, label in Classification.choices if v <= clearance]
        self.fields["classification"].choices = ANY + levels  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", "结束日期不能早于开始日期。")
        return data


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def with_read_mark(entries: QuerySet[DeskEntry], user: Any) -> QuerySet[DeskEntry]:
    """Annotate ``is_read``: whether this user has opened the entry (an EntryRead row)."""
    return entries.annotate(is_read=Exists(EntryRead.objects.filter(entry=OuterRef("pk"), user=user)))


@dataclass
class InboxResult:
    rows: QuerySet[DeskEntry]
    state_counts: dict[str, int]
    total: int
    state: str
    sort: str


def apply(entries: QuerySet[DeskEntry], data: dict[str, Any], user: Any) -> InboxResult:
    """Filter ``entries`` (already the user's desk, within clearance) by the cleaned form data."""
    if data.get("q"):
        entries = entries.filter(title__icontains=data["q"])
    if data.get("unit"):
        entries = entries.filter(origin_unit__name__icontains=data["unit"])
    for name in ("category", "tone"):
        if data.get(name):
            entries = entries.filter(**{name: data[name]})
    if data.get("classification") is not None:
        entries = entries.filter(classification=data["classification"])
    if data.get("received_from"):
        entries = entries.filter(received_at__gte=_day_start(data["received_from"]))
    if data.get("received_to"):
        entries = entries.filter(received_at__lt=_day_start(data["received_to"] + dt.timedelta(days=1)))
    if data.get("tag"):
        entries = entries.filter(item__tags__name=data["tag"].strip())
    if data.get("mine"):
        entries = entries.filter(assignee=user)
    if data.get("unread"):
        entries = entries.filter(~Exists(EntryRead.objects.filter(entry=OuterRef("pk"), user=user)))
    if data.get("unit_class"):
        counts = _counts_for_class(entries, data["unit_class"])
        entries = entries.filter(
            Exists(Unit.objects.filter(pk=OuterRef("origin_unit_id"), unit_class=data["unit_class"]))
        )
    else:
        counts = {
            row["state"]: row["n"]
            for row in entries.order_by().values("state").annotate(n=Count("*")).values("state", "n")
        }
    state = data.get("state") or ""
    if state:
        entries = entries.filter(state=state)
    total = counts.get(state, 0) if state else sum(counts.values())
    sort = data.get("sort") or "received"
    rows = with_read_mark(entries, user).order_by(*SORTS.get(sort, SORTS["received"]))
    return InboxResult(rows=rows, state_counts=counts, total=total, state=state, sort=sort)


def _counts_for_class(entries: QuerySet[DeskEntry], unit_class: UnitClass) -> dict[str, int]:
    """Counts per state of the entries from units of one class.

    Counted per (unit, state) from the index (desk, origin_unit, state, classification)
    alone and summed here for the class's units: filtering by the class in SQL made the
    planners read every entry's row (SQLite) or join the desk's entries to their units.
    """
    units = set(Unit.objects.filter(unit_class=unit_class).values_list("pk", flat=True))
    counts: dict[str, int] = defaultdict(int)
    for row in entries.order_by().values("origin_unit_id", "state").annotate(n=Count("*")):
        if row["origin_unit_id"] in units:
            counts[row["state"]] += row["n"]
    return dict(counts)


def state_tabs(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    """(code, label, count) for "全部" and each state, in the workflow's order."""
    tabs = [("", "全部", sum(counts.values()))]
    tabs += [(code, str(label), counts.get(code, 0)) for code, label in EntryState.choices]
    return tabs
