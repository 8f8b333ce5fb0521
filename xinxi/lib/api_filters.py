"""The one filter backend of the API: django-filter, strict.

django-filter already answers 400 naming the parameter for a value it cannot read (an
unknown choice, a date that is not a date, a number out of range: see
``network.api.filters.WholeNumberFilter`` and ``StrictBooleanFilter``), but it reads a
parameter given with an empty value (``?kind=&adopted_from=``) as "no filter" and answers
everything. Here an empty value is refused like any other invalid one, except for free
text filters, where an empty text is a valid text that filters nothing out, and ``ordering``
(an empty list: the default order).
"""

from __future__ import annotations

from typing import Any

from django_filters import filters
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

FREE_TEXT = (filters.CharFilter,)


def _free_text(filter_field: Any) -> bool:
    if isinstance(filter_field, filters.OrderingFilter):
        return True  # an empty list of orderings: the default order
    return isinstance(filter_field, FREE_TEXT) and not isinstance(filter_field, filters.ChoiceFilter)


class StrictFilterBackend(DjangoFilterBackend):
    def get_filterset(self, request: Any, queryset: Any, view: Any) -> Any:
        filterset = super().get_filterset(request, queryset, view)
        if filterset is None:
            return None
        errors = {
            name: ["不能为空：请给出一个值，或不带此参数。"]
            for name, filter_field in filterset.filters.items()
            if not _free_text(filter_field)
            and name in request.query_params
            and any(value.strip() == "" for value in request.query_params.getlist(name))
        }
        if errors:
            raise ValidationError(errors)
        return filterset
