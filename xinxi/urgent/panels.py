"""What urgent information adds to the pages of ``items`` (registered in ``apps.py``).

- ``inbox_panel``: open entries of category 紧急 at the user's desk, in a highlighted block
  at the top of the desk inbox (one bounded query for the entries, one for their reports).
- ``item_panel``: on an item's or entry's page, the incident and report (首报, 续报二 …)
  the item belongs to, linked when the user may open the incident.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from xinxi.items import permissions as item_permissions
from xinxi.items.models import Category, EntryState
from xinxi.urgent import permissions
from xinxi.urgent.models import IncidentReport

INBOX_MAX = 20
OPEN_STATES = (EntryState.NEW, EntryState.READ, EntryState.PREADOPTED)


def inbox_panel(user: Any) -> str:
    entries = list(
        item_permissions.desk_entries(user)
        .filter(category=Category.URGENT, state__in=OPEN_STATES)
        .select_related("origin_unit")
        .only("pk", "title", "state", "received_at", "item_id", "origin_unit__name")
        .order_by("-received_at", "-id")[:INBOX_MAX]
    )
    if not entries:
        return ""
    reports = {
        r.item_id: r
        for r in IncidentReport.objects.filter(item_id__in=[e.item_id for e in entries]).select_related("incident")
    }
    rows = [(e, reports.get(e.item_id)) for e in entries]
    return render_to_string("urgent/_inbox_panel.html", {"rows": rows, "max": INBOX_MAX})


def item_panel(user: Any, item: Any) -> str:
    if item is None or item.category != Category.URGENT:
        return ""
    report = IncidentReport.objects.filter(item_id=item.pk).select_related("incident", "unit").first()
    if report is None:
        return ""
    visible = permissions.visible_incidents(user).filter(pk=report.incident_id).exists()
    return render_to_string("urgent/_item_panel.html", {"report": report, "visible": visible})
