"""Query filters of the items API: a unit's items, a desk's inbox, adoption records.

Every filter narrows a queryset that already comes from ``xinxi.items.permissions``;
ids are compared as plain numbers, so filtering on something the user cannot see
answers an empty list, exactly like filtering on something missing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django_filters import rest_framework as filters

from xinxi.items.models import (
    Adoption,
    AdoptionKind,
    AdoptionLevel,
    Category,
    DeskEntry,
    EntryRead,
    EntrySource,
    EntryState,
    Item,
    ItemState,
    Tone,
)
from xinxi.lib.choices import Classification
from xinxi.network.api.filters import StrictBooleanFilter, WholeNumberFilter


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class OrderingFilter(filters.OrderingFilter):
    descending_fmt = "%s（倒序）"


class ItemFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=ItemState.choices, label="状态")
    category = filters.ChoiceFilter(choices=Category.choices, label="类别")
    tag = filters.CharFilter(field_name="tags__name", max_length=30, label="标签")

    class Meta:
        model = Item
        fields = ["state", "category", "tag"]


class EntryFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=EntryState.choices, label="状态")
    category = filters.ChoiceFilter(choices=Category.choices, label="类别")
    tone = filters.ChoiceFilter(choices=Tone.choices, label="基调")
    classification = filters.TypedChoiceFilter(choices=Classification.choices, coerce=int, label="密级")
    source = filters.ChoiceFilter(choices=EntrySource.choices, label="来源")
    origin_unit = WholeNumberFilter(field_name="origin_unit", label="原报单位编号")
    unit_class = WholeNumberFilter(field_name="origin_unit__unit_class", label="原报单位的单位类别编号")
    received_from = filters.DateFilter(method="filter_received_from", label="收到日期自（含），YYYY-MM-DD")
    received_to = filters.DateFilter(method="filter_received_to", label="收到日期至（含），YYYY-MM-DD")
    tag = filters.CharFilter(field_name="item__tags__name", max_length=30, label="标签")
    assignee = WholeNumberFilter(field_name="assignee", label="责任编辑（用户编号）")
    unassigned = StrictBooleanFilter(field_name="assignee", lookup_expr="isnull", label="是否尚未分配编辑")
    unread = StrictBooleanFilter(method="filter_unread", label="true 只看我未读的；false 只看我已读的")
    major_event = StrictBooleanFilter(label="是否涉及重大事件")
    ordering = OrderingFilter(
        fields=(("received_at", "received_at"), ("urgency", "urgency"), ("classification", "classification"),
                ("state", "state"), ("origin_unit__name", "origin_unit")),
        field_labels={"received_at": "收到时间", "urgency": "紧急程度", "classification": "密级", "state": "状态",
                      "origin_unit__name": "报送单位"},
        label="排序：received_at、urgency、classification、state、origin_unit，前加 - 为倒序；默认 -received_at",
    )

    class Meta:
        model = DeskEntry
        fields = ["state", "category", "tone", "classification", "source", "origin_unit", "unit_class",
                  "received_from", "received_to", "tag", "assignee", "unassigned", "unread", "major_event"]

    def filter_received_from(self, rows: QuerySet[DeskEntry], name: str, value: dt.date) -> QuerySet[DeskEntry]:
        return rows.filter(received_at__gte=_day_start(value))

    def filter_received_to(self, rows: QuerySet[DeskEntry], name: str, value: dt.date) -> QuerySet[DeskEntry]:
        return rows.filter(received_at__lt=_day_start(value + dt.timedelta(days=1)))

    def filter_unread(self, rows: QuerySet[DeskEntry], name: str, value: bool | None) -> QuerySet[DeskEntry]:
        if value is None:
            return rows
        user = getattr(self.request, "user", None)
        if not getattr(user, "is_authenticated", False):
            return rows.none()
        read = Exists(EntryRead.objects.filter(entry=OuterRef("pk"), user=user))
        return rows.filter(~read if value else read)

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        rows = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("ordering"):
            rows = rows.order_by("-received_at", "-id")
        return rows


class AdoptionFilter(filters.FilterSet):
    unit = WholeNumberFilter(field_name="unit", label="计分单位编号")
    desk = WholeNumberFilter(field_name="desk", label="采用科室编号")
    item = WholeNumberFilter(field_name="item", label="信息编号")
    entry = WholeNumberFilter(field_name="entry", label="收稿编号")
    level = filters.ChoiceFilter(choices=AdoptionLevel.choices, label="采用层级")
    kind = filters.ChoiceFilter(choices=AdoptionKind.choices, label="采用方式")
    external = StrictBooleanFilter(label="是否系统外采用（手工录入）")
    adopted_from = filters.DateFilter(field_name="adopted_on", lookup_expr="gte", label="采用日期自（含）")
    adopted_to = filters.DateFilter(field_name="adopted_on", lookup_expr="lte", label="采用日期至（含）")
    publication = filters.CharFilter(field_name="publication", lookup_expr="icontains", max_length=100,
                                     label="刊物名称包含")

    class Meta:
        model = Adoption
        fields = ["unit", "desk", "item", "entry", "level", "kind", "external", "adopted_from", "adopted_to",
                  "publication"]
