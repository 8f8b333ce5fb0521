"""What urgent information does when items' business events happen (connected in ``apps.py``)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from xinxi.lib.compiled import Compiled
from xinxi.urgent import chain
from xinxi.urgent.models import IncidentReport

# Compiled once per process (``lib.compiled``): every submission of a saved draft asks it.
_report_of = Compiled(
    IncidentReport,
    lambda item_id: IncidentReport.objects.filter(item_id=item_id)
    .select_related("incident", "unit").order_by("pk")[:1],
    warm=[(0,)],
)


def on_item_submitted(*, actor: Any, item: Any, submission: Any, fresh: bool = False, **_: Any) -> None:
    """A report's item went out (submitted, or signed and submitted): its clocks stop.

    ``fresh``: the item was created in the same transaction, so no report refers to it.
    """
    if fresh:
        return
    for report in _report_of(item.pk):
        chain.report_submitted(report, submission)


def on_entry_forwarded(*, actor: Any, entry: Any, upper: Any, **_: Any) -> None:
    """A desk forwarded a report upward: the incident reaches the desk above."""
    report = IncidentReport.objects.filter(item_id=entry.item_id).select_related("incident", "unit").first()
    if report is not None:
        chain.report_forwarded(report, entry.desk, upper.desk, timezone.now())
