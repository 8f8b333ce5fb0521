"""List pages: one way to read filter parameters and to cut a list into pages.

Filter values come from the query string; a value that is not one of the choices (or
not a number) is ignored, as if the filter were not set, so a hand-edited link shows
the unfiltered list rather than an error page. The API validates its filters instead
(``django-filter`` in each app's ``api/filters.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

SEARCH_MAX = 50  # characters of a free-text filter


def text_param(request: HttpRequest, name: str = "q", max_length: int = SEARCH_MAX) -> str:
    """A free-text filter, trimmed and cut to ``max_length``."""
    return request.GET.get(name, "").strip()[:max_length]


def choice_param(request: HttpRequest, name: str, choices: Iterable[str], default: str = "") -> str:
    """The parameter if it is one of ``choices``, else ``default``."""
    value = request.GET.get(name, "")
    return value if value in set(choices) else default


def int_param(request: HttpRequest, name: str) -> int | None:
    """A whole-number filter (an id, a year), or ``None`` when absent or not a number."""
    value = request.GET.get(name, "").strip()
    return int(value) if value.isdigit() else None


def paginate(request: HttpRequest, rows: Sequence[Any] | Any, per_page: int, *, count: int | None = None) -> Page:
    """The page ``?page=`` asks for: the first for nonsense, the last for a number past the end.

    ``count``, when the caller already knows it (e.g. from state tabs), saves the ``COUNT(*)``.
    """
    paginator = Paginator(rows, per_page)
    if count is not None:
        paginator.__dict__["count"] = count  # a cached_property: set, it is not queried
    return paginator.get_page(request.GET.get("page"))


def query_without(request: HttpRequest, *names: str) -> str:
    """The current query string without ``names``: the base of tab and pager links."""
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()
