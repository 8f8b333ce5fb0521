"""The one filter backend of the API: django-filter, strict.

django-filter already answers 400 naming the parameter for a value it cannot read (an
unknown choice, a date that is not a date, a number out of range: see
``network.api.filters.WholeNumberFilter`` and ``StrictBooleanFilter``), but it reads a
parameter given with an empty value (``?kind=&adopted_from=``) as "no filter" and answers
everything. Here an empty value is refused like any other invalid one, except for free
text filters, where an empty text is a valid text that filters nothing out, and ``ordering``
(an empty list: the default order). ``QuerySerializer`` holds the views that read their query
parameters with a serializer to the same rule.
"""

from __future__ import annotations

from typing import Any

from django_filters import filters
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

FREE_TEXT = (filters.CharFilter,)
EMPTY_VALUE = "不能为空：请给出一个值，或不带此参数。"


def free_text(filter_field: Any) -> bool:
    if isinstance(filter_field, filters.OrderingFilter):
        return True  # an empty list of orderings: the default order
    return isinstance(filter_field, FREE_TEXT) and not isinstance(filter_field, filters.ChoiceFilter)


class StrictFilterBackend(DjangoFilterBackend):
    def get_filterset(self, request: Any, queryset: Any, view: Any) -> Any:
        filterset = super().get_filterset(request, queryset, view)
        if filterset is None:
            return None
        errors = {
            name: [EMPTY_VALUE]
            for name, filter_field in filterset.filters.items()
            if not free_text(filter_field)
            and name in request.query_params
            and any(value.strip() == "" for value in request.query_params.getlist(name))
        }
        if errors:
            raise ValidationError(errors)
        return filterset


class QuerySerializer(serializers.Serializer[Any]):
    """The query parameters of a view that reads them with a serializer (search, working days).

    DRF reads an optional parameter given with an empty value (``?tone=``) as absent, so the
    request would be answered as if unfiltered; here it is a 400 naming the parameter, like
    ``StrictFilterBackend`` does for filters. Free text (a ``CharField`` with ``allow_blank``)
    may be empty.
    """

    def to_internal_value(self, data: Any) -> Any:
        if hasattr(data, "getlist"):
            errors = {
                name: [EMPTY_VALUE]
                for name, field in self.fields.items()
                if not getattr(field, "allow_blank", False)
                and name in data
                and any(str(value).strip() == "" for value in data.getlist(name))
            }
            if errors:
                raise ValidationError(errors)
        return super().to_internal_value(data)
