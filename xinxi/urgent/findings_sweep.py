"""The 迟报 sweep: every passed phone or written deadline gets one proposed finding.

Pure over the state of the data (deadlines past due, unmet or met late, without a
finding), so running it again proposes nothing twice and a worker that was stopped
catches up on its next run. Bounded per run (``BATCH``); the rest waits for the next one.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from xinxi.urgent import services_findings
from xinxi.urgent.models import Deadline, Finding

BATCH = 500
LATE_BY = dt.timedelta(minutes=1)


def passed_deadlines(now: dt.datetime) -> list[Deadline]:
    """Phone and written deadlines past due (unmet, or met a minute or more late) with no finding yet."""
    return list(
        Deadline.objects.filter(
            Q(met_at__isnull=True) | Q(met_at__gte=F("due_at") + LATE_BY),
            channel__in=services_findings.LATE_CHANNELS, cancelled=False, due_at__lt=now,
        )
        .exclude(Exists(Finding.objects.filter(deadline=OuterRef("pk"))))
        .order_by("due_at", "id")[:BATCH]
    )


def sweep(now: dt.datetime | None = None) -> int:
    """Propose a 迟报 for each passed deadline; returns how many were proposed."""
    now = now or timezone.now()
    return sum(services_findings.propose_late(deadline=d, now=now) is not None for d in passed_deadlines(now))
