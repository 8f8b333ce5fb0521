"""Blocks that apps above ``items`` add to its pages (registered in their ``AppConfig.ready``).

``items`` imports no app above it (core/tests/test_layers.py), yet some of them have
something to say on its pages: urgent information lists open 紧急 entries at the top of the
desk inbox and names, on an item's page, the incident and report the item belongs to. Such
an app appends a function here; the page joins what they return (rendered, escaped HTML).

- ``INBOX``: ``fn(user) -> str``, shown above the desk inbox's list;
- ``ITEM``: ``fn(user, item) -> str``, shown under the title of the item and entry pages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.html import format_html_join
from django.utils.safestring import SafeString

INBOX: list[Callable[[Any], str]] = []
ITEM: list[Callable[[Any, Any], str]] = []


def inbox(user: Any) -> SafeString:
    return format_html_join("", "{}", ((fn(user),) for fn in INBOX))


def item(user: Any, obj: Any) -> SafeString:
    return format_html_join("", "{}", ((fn(user, obj),) for fn in ITEM))
