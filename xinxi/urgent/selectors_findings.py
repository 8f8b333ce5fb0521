"""Reads for the findings: the two-offices flag and a unit's record.

**Both offices required (党委、政府办公室都须报告).** A unit's written report on an
incident *reached* a desk when the report's item has a ``DeskEntry`` there as the unit's
own submission (本级报送 or 直报, not a desk's forwarding). For every desk ``D`` reached
whose unit is a party office (``UnitKind.PARTY_OFFICE``) or a government office
(``UnitKind.GOV_OFFICE``), the *counterpart* is the active desk of the other kind of
office at the same level over the same territory (``Unit.level`` equal and
``Unit.region_prefix`` equal). Both were required when the incident's severity is at or
above ``D``'s ``UrgentSettings.both_offices_max_severity`` (a severity number ≤ the
setting; Ⅰ is 1). The unit is flagged when such a counterpart exists and none of the
unit's reports on the incident reached it. The flag is computed, not stored: it shows on
the incident's findings and the findings list, and the desk records a 漏报 if it judges
it one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from xinxi.items.models import DeskEntry, EntrySource
from xinxi.network.models import Desk, Unit, UnitKind
from xinxi.urgent import clocks
from xinxi.urgent.models import Finding, FindingState, Incident, IncidentReport

OFFICE_KINDS = (UnitKind.PARTY_OFFICE, UnitKind.GOV_OFFICE)
OWN_SOURCES = (EntrySource.DIRECT, EntrySource.POINT)


@dataclass(frozen=True)
class OfficeFlag:
    incident_id: int
    unit: Unit
    reached: Desk
    missing: Desk

    @property
    def text(self) -> str:
        return f"{self.unit.name}只报送了{self.reached.unit.name}，未报送{self.missing.unit.name}"


def _counterparts(desks: list[Desk]) -> dict[int, Desk]:
    """For each office desk, the active desk of the other office at the same level and territory."""
    offices = [d for d in desks if d.unit.kind in OFFICE_KINDS]
    if not offices:
        return {}
    levels = {d.unit.level for d in offices}
    candidates = list(
        Desk.objects.filter(active=True, unit__kind__in=OFFICE_KINDS, unit__level__in=levels, unit__active=True)
        .select_related("unit")
    )
    out: dict[int, Desk] = {}
    for desk in offices:
        for other in candidates:
            if (other.unit.kind != desk.unit.kind and other.unit.level == desk.unit.level
                    and other.unit.region_prefix == desk.unit.region_prefix):
                out[desk.pk] = other
                break
    return out


def office_flags(incidents: list[Incident]) -> list[OfficeFlag]:
    """Units that reported an incident to only one of the two offices when both were required (three queries)."""
    if not incidents:
        return []
    by_id = {i.pk: i for i in incidents}
    reports = IncidentReport.objects.filter(incident_id__in=by_id).values_list("item_id", "incident_id", "unit_id")
    item_of = {item: (incident, unit) for item, incident, unit in reports}
    if not item_of:
        return []
    entries = (
        DeskEntry.objects.filter(item_id__in=item_of, source__in=OWN_SOURCES)
        .select_related("desk", "desk__unit", "origin_unit")
    )
    reached: dict[tuple[int, int], dict[int, Desk]] = defaultdict(dict)
    units: dict[int, Unit] = {}
    for entry in entries:
        incident_id, unit_id = item_of[entry.item_id]
        reached[(incident_id, unit_id)][entry.desk_id] = entry.desk
        units[unit_id] = entry.origin_unit
    counterpart = _counterparts([d for desks in reached.values() for d in desks.values()])
    limits: dict[int, int] = {}
    flags = []
    for (incident_id, unit_id), desks in reached.items():
        severity = by_id[incident_id].severity
        for desk in desks.values():
            other = counterpart.get(desk.pk)
            if other is None or other.pk in desks:
                continue
            if desk.pk not in limits:
                limits[desk.pk] = clocks.settings_of(desk).both_offices_max_severity
            if severity <= limits[desk.pk]:
                flags.append(OfficeFlag(incident_id, units[unit_id], desk, other))
    return flags


def unit_record(findings: QuerySet[Finding], unit: Unit) -> QuerySet[Finding]:
    """A unit's confirmed findings (its record), newest first."""
    return (
        findings.filter(unit=unit, state=FindingState.CONFIRMED)
        .select_related("incident", "desk", "penalty")
        .order_by("-decided_at", "-id")
    )


def counts_by_state(findings: QuerySet[Finding]) -> dict[str, Any]:
    return dict(findings.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
