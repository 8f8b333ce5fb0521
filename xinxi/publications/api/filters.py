"""Query filters of the issues API.

Every filter narrows a queryset that already comes from ``xinxi.publications.permissions``;
ids are compared as plain numbers, so filtering on a periodical the user cannot see
answers an empty list, exactly like filtering on a missing one.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django_filters import rest_framework as filters

from xinxi.network.api.filters import StrictBooleanFilter, WholeNumberFilter
from xinxi.publications.models import Issue, IssueItem, IssueState


class IssueFilter(filters.FilterSet):
    periodical = WholeNumberFilter(field_name="periodical", label="刊物编号")
    year = WholeNumberFilter(field_name="year", max_value=9999, label="年份（签发的年份；未签发的期没有年份）")
    state = filters.ChoiceFilter(choices=IssueState.choices, label="状态")
    supplement = StrictBooleanFilter(label="是否增刊")
    corrects = WholeNumberFilter(field_name="corrects", label="被更正的期的编号（列出它的更正期）")
    q = filters.CharFilter(method="filter_q", max_length=50, label="本期信息的标题包含")

    class Meta:
        model = Issue
        fields = ["periodical", "year", "state", "supplement", "corrects", "q"]

    def filter_q(self, rows: QuerySet[Issue], name: str, value: str) -> QuerySet[Issue]:
        text = value.strip()
        if not text:
            return rows
        return rows.filter(Exists(IssueItem.objects.filter(issue=OuterRef("pk"), title__contains=text)))
