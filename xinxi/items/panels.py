"""Blocks that apps above ``items`` add to its pages (registered in their ``AppConfig.ready``).

``items`` imports no app above it (core/tests/test_layers.py), yet some of them have
something to say on its pages: urgent information lists open 紧急 entries at the top of the
desk inbox and names, on an item's page, the incident and report the item belongs to. Such
an app appends a function here; the page joins what they return (rendered, escaped HTML).

- ``INBOX``: ``fn(user) -> str``, shown above the desk inbox's list;
- ``ITEM``: ``fn(user, item) -> str``, shown under the title of the item and entry pages;
- ``ROW``: ``fn(user, items) -> {item id: str}``, a short mark on each row of 我的信息 (the
  unit's item list), for one page of items at once: one query per page, never per row;
- ``FORM``: a :class:`FormPart`, whose fields appear in the draft form (after the item's own
  fields) and whose ``save`` runs after the draft is saved (a ``ServiceError`` it raises is
  shown on the saved draft, with what was typed kept). ``data`` is the posted form, or on
  a first display the query string (e.g. ``?commission=3`` from a link that opens the form).
- ``ENTRY_BADGES``: ``fn(user, entries) -> {entry_id: label}``, a short tag on the desk
  inbox's rows (e.g. 约稿); called once per page with the page's entries (one query each).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from django.utils.html import format_html_join
from django.utils.safestring import SafeString

INBOX: list[Callable[[Any], str]] = []
ITEM: list[Callable[[Any, Any], str]] = []
ENTRY_BADGES: list[Callable[[Any, list[Any]], dict[int, str]]] = []
ROW: list[Callable[[Any, list[Any]], dict[int, str]]] = []


class FormPart(Protocol):
    def render(self, user: Any, item: Any, data: Any) -> str: ...

    def save(self, user: Any, item: Any, data: Any) -> None: ...


FORM: list[FormPart] = []


def inbox(user: Any) -> SafeString:
    return format_html_join("", "{}", ((fn(user),) for fn in INBOX))


def item(user: Any, obj: Any) -> SafeString:
    return format_html_join("", "{}", ((fn(user, obj),) for fn in ITEM))


def row_marks(user: Any, items: list[Any]) -> dict[int, SafeString]:
    """Each item's marks from every ``ROW`` function, joined (rendered, escaped HTML)."""
    found: dict[int, list[str]] = {}
    for fn in ROW:
        for pk, html in fn(user, items).items():
            found.setdefault(pk, []).append(html)
    return {pk: format_html_join("", "{}", ((h,) for h in parts)) for pk, parts in found.items()}


def form_fields(user: Any, obj: Any, data: Any) -> SafeString:
    return format_html_join("", "{}", ((part.render(user, obj, data),) for part in FORM))


def form_save(user: Any, obj: Any, data: Any) -> None:
    for part in FORM:
        part.save(user, obj, data)


def entry_badges(user: Any, entries: list[Any]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for fn in ENTRY_BADGES:
        for pk, label in fn(user, entries).items():
            found.setdefault(pk, []).append(label)
    return found
