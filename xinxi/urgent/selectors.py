"""Reads for urgent-information pages and the API (beyond ``permissions``)."""

from __future__ import annotations

from xinxi.items.models import ItemState
from xinxi.urgent.models import IncidentReport, ReportKind


def pending_finals(unit_id: int) -> list[IncidentReport]:
    """终报 of the unit waiting for the leader's sign-off (shown on the incident page)."""
    return list(
        IncidentReport.objects.filter(
            unit_id=unit_id, kind=ReportKind.FINAL, submitted_at__isnull=True,
            item__state=ItemState.PENDING_SIGNOFF,
        ).select_related("incident", "item")
    )
