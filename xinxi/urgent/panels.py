"""What urgent information adds to the pages of ``items`` (registered in ``apps.py``).

- ``inbox_panel``: open entries of category 紧急 at the user's desk, in a highlighted block
  at the top of the desk inbox (one bounded query for the entries, one for their reports).
- ``item_panel``: on an item's or entry's page, the incident and report (首报, 续报二 …)
  the item belongs to, linked when the user may open the incident.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from xinxi.items import permissions as item_permissions
from xinxi.items.inbox_rows import entry_url_template, short_time
from xinxi.items.models import Category, EntryState
from xinxi.urgent import permissions
from xinxi.urgent.models import IncidentReport

INBOX_MAX = 20
OPEN_STATES = (EntryState.NEW, EntryState.READ, EntryState.PREADOPTED)


def inbox_panel(user: Any) -> str:
    """Written in Python like the inbox's rows (``items.inbox_rows``): it sits on every inbox page."""
    entries = list(
        item_permissions.desk_entries(user)
        .filter(category=Category.URGENT, state__in=OPEN_STATES)
        .order_by("-received_at", "-id")
        .values_list("pk", "title", "state", "received_at", "item_id", "origin_unit__name")[:INBOX_MAX]
    )
    if not entries:
        return ""
    reports = {
        r.item_id: r
        for r in IncidentReport.objects.filter(item_id__in=[e[4] for e in entries]).select_related("incident")
    }
    url = entry_url_template()
    items = []
    for pk, title, state, received_at, item_id, unit_name in entries:
        report = reports.get(item_id)
        items.append(
            format_html(
                '<li>{}<a href="{}">{}</a>\n      <span class="muted">{} · {}{}</span></li>',
                mark_safe('<span class="tag new-mark">新</span>') if state == EntryState.NEW else "",
                url.format(pk),
                title,
                unit_name,
                short_time(received_at),
                format_html(" · {} {}", report.incident.title, report.label) if report else "",
            )
        )
    more = f"（仅列最新 {INBOX_MAX} 条）" if len(entries) == INBOX_MAX else ""
    return format_html(
        '<section class="card urgent-inbox" id="urgent-inbox" aria-label="紧急信息">\n'
        "  <h2>紧急信息 · {} 条待处理{}</h2>\n  <ul>\n{}\n  </ul>\n</section>",
        len(entries),
        more,
        mark_safe("\n".join(items)),  # noqa: S308 (each item made by format_html)
    )


def item_panel(user: Any, item: Any) -> str:
    if item is None or item.category != Category.URGENT:
        return ""
    report = IncidentReport.objects.filter(item_id=item.pk).select_related("incident", "unit").first()
    if report is None:
        return ""
    visible = permissions.visible_incidents(user).filter(pk=report.incident_id).exists()
    return render_to_string("urgent/_item_panel.html", {"report": report, "visible": visible})
