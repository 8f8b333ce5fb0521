"""Reads behind the urgent-information pages: the duty board, the incident page's clocks.

Every function takes what ``permissions`` already allowed (a queryset of visible incidents,
one incident) and adds bounded queries: a fixed number per page, never one per row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from xinxi.items import permissions as item_permissions
from xinxi.lib.errors import ServiceError
from xinxi.network.models import Desk
from xinxi.urgent import clocks
from xinxi.urgent.models import (
    Channel,
    Deadline,
    Incident,
    IncidentReport,
    IncidentState,
    ReportKind,
)

BOARD_MAX = 200  # open incidents on one board; a duty room with more has other problems
AMBER_DEFAULT = 30


def amber_minutes(desk: Desk | None) -> int:
    """Minutes before due at which a clock turns amber: the desk's earliest warning."""
    if desk is None:
        return AMBER_DEFAULT
    try:
        values = clocks.parse_minutes(clocks.settings_of(desk).warn_before)
    except ServiceError:
        values = []
    return values[0] if values else AMBER_DEFAULT


@dataclass
class Clock:
    deadline: Deadline
    colour: str
    late_minutes: int | None

    @property
    def open(self) -> bool:
        return self.deadline.met_at is None


@dataclass
class UnitStatus:
    """One unit owing one desk: its clocks there and whether it has reported."""

    unit: Any
    desk: Any
    phone: Clock | None = None
    written: Clock | None = None
    followup: Clock | None = None  # the next open 续报 slot
    followups_met: int = 0
    reports: list[IncidentReport] = field(default_factory=list)

    @property
    def reported(self) -> bool:
        return self.written is not None and self.written.deadline.met_at is not None


@dataclass
class BoardIncident:
    incident: Incident
    statuses: list[UnitStatus] = field(default_factory=list)
    next_followup: Deadline | None = None
    reports: list[IncidentReport] = field(default_factory=list)

    @property
    def worst(self) -> str:
        colours = {c.colour for s in self.statuses for c in (s.phone, s.written, s.followup) if c and c.open}
        for colour in ("red", "amber", "green"):
            if colour in colours:
                return colour
        return "done"


def clock(deadline: Deadline, now: dt.datetime, amber: int) -> Clock:
    return Clock(
        deadline=deadline,
        colour=clocks.colour(deadline.due_at, deadline.met_at, now, amber_minutes=amber),
        late_minutes=deadline.late_minutes,
    )


def statuses(deadlines: list[Deadline], now: dt.datetime, amber: int) -> list[UnitStatus]:
    """Group an incident's clocks by (owing unit, receiving desk), in chain order."""
    found: dict[tuple[int, int], UnitStatus] = {}
    for d in sorted(deadlines, key=lambda d: (d.desk.unit.path, d.unit.path, d.due_at)):
        if d.cancelled:
            continue
        key = (d.unit_id, d.desk_id)
        status = found.get(key)
        if status is None:
            status = found[key] = UnitStatus(unit=d.unit, desk=d.desk)
        c = clock(d, now, amber)
        if d.channel == Channel.PHONE:
            status.phone = c
        elif d.channel == Channel.WRITTEN:
            status.written = c
        elif d.met_at is not None:
            status.followups_met += 1
        elif status.followup is None or d.due_at < status.followup.deadline.due_at:
            status.followup = c
    return list(found.values())


def attach_reports(found: list[UnitStatus], reports: list[IncidentReport]) -> None:
    """Each unit's own reports on its rows (a unit owing several desks shows them on each)."""
    by_unit: dict[int, list[IncidentReport]] = defaultdict(list)
    for r in reports:
        by_unit[r.unit_id].append(r)
    for status in found:
        status.reports = by_unit.get(status.unit.pk, [])


def _deadlines() -> Prefetch[Any]:
    return Prefetch(
        "deadlines",
        queryset=Deadline.objects.filter(cancelled=False).select_related("unit", "desk", "desk__unit"),
    )


def board(visible: QuerySet[Incident], desk: Desk, now: dt.datetime | None = None) -> list[BoardIncident]:
    """The desk's open incidents, nearest open deadline first (three queries)."""
    now = now or timezone.now()
    amber = amber_minutes(desk)
    incidents = list(
        visible.filter(state=IncidentState.OPEN, desk_rows__desk=desk)
        .select_related("desk")
        .prefetch_related(
            _deadlines(),
            Prefetch("reports", queryset=IncidentReport.objects.select_related("unit").order_by("filed_at", "id")),
        )
        .distinct()
        .order_by("-occurred_at", "-id")[:BOARD_MAX]
    )
    rows = []
    for incident in incidents:
        deadlines = list(incident.deadlines.all())
        row = BoardIncident(incident=incident, statuses=statuses(deadlines, now, amber))
        open_followups = [d for d in deadlines if d.channel == Channel.FOLLOWUP and d.met_at is None]
        row.next_followup = min(open_followups, key=lambda d: d.due_at, default=None)
        row.reports = list(incident.reports.all())
        attach_reports(row.statuses, row.reports)
        rows.append(row)
    far = dt.datetime.max.replace(tzinfo=dt.UTC)

    def nearest(row: BoardIncident) -> dt.datetime:
        dues = [d.due_at for d in row.incident.deadlines.all() if d.met_at is None]
        return min(dues, default=far)

    rows.sort(key=nearest)
    return rows


def nearest_deadlines(visible: QuerySet[Incident], desk: Desk, limit: int = 5) -> list[Deadline]:
    """The open clocks owed to (or by) the desk on its open incidents, soonest first."""
    return list(
        Deadline.objects.filter(
            incident__in=visible.filter(state=IncidentState.OPEN, desk_rows__desk=desk).values("pk"),
            met_at__isnull=True,
            cancelled=False,
        )
        .select_related("incident", "unit", "desk")
        .order_by("due_at", "id")[:limit]
    )


def report_links(user: Any, reports: list[IncidentReport]) -> dict[int, str]:
    """Where each report's item opens for this user: the entry at the user's desk, or the
    unit's own item page; no link when neither is visible (one or two queries)."""
    item_ids = [r.item_id for r in reports]
    links: dict[int, str] = {}
    for entry_pk, item_id in (
        item_permissions.desk_entries(user).filter(item_id__in=item_ids).values_list("pk", "item_id")
    ):
        links[item_id] = f"/desk/entries/{entry_pk}/"
    rest = [i for i in item_ids if i not in links]
    if rest:
        for item_id in item_permissions.visible_items(user).filter(pk__in=rest).values_list("pk", flat=True):
            links[item_id] = f"/items/{item_id}/"
    return {r.pk: links[r.item_id] for r in reports if r.item_id in links}


def allowed_kinds(incident: Incident, unit_id: int | None) -> list[tuple[str, str]]:
    """The report kinds the unit may file now (the order 预报 → 首报 → 续报 … → 终报)."""
    if unit_id is None or incident.state != IncidentState.OPEN:
        return []
    existing = set(IncidentReport.objects.filter(incident=incident, unit_id=unit_id).values_list("kind", flat=True))
    if ReportKind.FINAL in existing:
        return []
    if ReportKind.FIRST in existing:
        kinds = [ReportKind.FOLLOWUP, ReportKind.FINAL]
    elif ReportKind.PRE in existing:
        kinds = [ReportKind.FIRST]
    else:
        kinds = [ReportKind.PRE, ReportKind.FIRST]
    return [(k.value, k.label) for k in kinds]


def reports_in_order(reports: list[IncidentReport]) -> dict[Any, list[IncidentReport]]:
    """Reports grouped by unit, each unit's in filing order."""
    grouped: dict[Any, list[IncidentReport]] = defaultdict(list)
    for r in reports:
        grouped[r.unit].append(r)
    return dict(grouped)
