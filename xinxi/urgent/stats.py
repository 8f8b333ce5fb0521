"""紧急信息统计: per unit and period — incidents, reports on time, late (with minutes), missed, findings.

Scope: a desk's staff see the units that owe their desk reports (the desk's network); a
unit's reporters and approvers see their own unit's row, at every desk it reports to.
Incidents above the user's clearance are not counted. The period runs over the
incidents' occurred-at (local days). Three queries, whatever the number of units.

- 事件: incidents of the period on which the unit owed a report in scope.
- 按时: phone and written deadlines met no later than due (within the minute).
- 迟报: deadlines met a minute or more after due; their total and average minutes.
- 漏报（逾期未报）: deadlines past due and still unmet.
- 首报平均用时: the average minutes from occurred-at to the written report reaching the
  desk (the written deadline met).
- 问题: findings by kind (confirmed), and how many are still proposed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from xinxi.urgent import permissions
from xinxi.urgent.models import Channel, Deadline, Finding, FindingKind, FindingState

LATE_SECONDS = 60


@dataclass
class UnitStats:
    unit_id: int
    unit: str
    incidents: set[int] = field(default_factory=set)
    on_time: int = 0
    late: int = 0
    late_minutes: int = 0
    missed: int = 0
    first_minutes: list[int] = field(default_factory=list)
    findings: dict[str, int] = field(default_factory=dict)
    proposed: int = 0

    @property
    def incident_count(self) -> int:
        return len(self.incidents)

    @property
    def late_avg(self) -> int | None:
        return round(self.late_minutes / self.late) if self.late else None

    @property
    def first_avg(self) -> int | None:
        return round(sum(self.first_minutes) / len(self.first_minutes)) if self.first_minutes else None

    def finding(self, kind: str) -> int:
        return self.findings.get(kind, 0)

    def as_row(self) -> dict[str, Any]:
        return {
            "unit_id": self.unit_id, "unit": self.unit, "incidents": self.incident_count, "on_time": self.on_time,
            "late": self.late, "late_minutes": self.late_minutes, "late_avg_minutes": self.late_avg,
            "missed": self.missed, "first_report_avg_minutes": self.first_avg,
            **{f"findings_{k}": self.finding(k) for k in FindingKind.values}, "findings_proposed": self.proposed,
        }


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def scope(user: Any, *, findings: bool = False) -> Q | None:
    """What the user's statistics cover (deadlines, or with ``findings`` the findings), or None (nothing)."""
    if not permissions._active(user):
        return None
    parts = []
    desk = permissions.desk_of(user)
    if desk is not None:
        parts.append(Q(desk=desk))
    if user.unit_id is not None and user.has_role(*permissions.UNIT_ROLES):
        own = Q(unit_id=user.unit_id)
        parts.append(own & ~Q(state=FindingState.PROPOSED) if findings else own)
    if not parts:
        return None
    q = parts[0]
    for part in parts[1:]:
        q |= part
    return q


def unit_stats(user: Any, start: dt.date, end: dt.date, now: dt.datetime | None = None) -> list[UnitStats]:
    """One row per unit in scope with anything in the period, by unit name."""
    where = scope(user)
    if where is None:
        return []
    now = now or timezone.now()
    period = Q(incident__occurred_at__gte=_day_start(start),
               incident__occurred_at__lt=_day_start(end + dt.timedelta(days=1)),
               incident__classification__lte=user.clearance)
    deadlines: QuerySet[Any, Any] = Deadline.objects.filter(
        where, period, cancelled=False, channel__in=[Channel.PHONE, Channel.WRITTEN]
    ).values_list("unit_id", "unit__name", "incident_id", "channel", "due_at", "met_at", "incident__occurred_at")
    rows: dict[int, UnitStats] = {}
    for unit_id, name, incident_id, channel, due_at, met_at, occurred_at in deadlines:
        row = rows.setdefault(unit_id, UnitStats(unit_id, name))
        row.incidents.add(incident_id)
        if met_at is None:
            row.missed += due_at < now
        elif (met_at - due_at).total_seconds() >= LATE_SECONDS:
            row.late += 1
            row.late_minutes += int((met_at - due_at).total_seconds() // 60)
        else:
            row.on_time += 1
        if channel == Channel.WRITTEN and met_at is not None:
            row.first_minutes.append(max(0, int((met_at - occurred_at).total_seconds() // 60)))
    counts = (
        Finding.objects.filter(scope(user, findings=True), period,
                               state__in=[FindingState.CONFIRMED, FindingState.PROPOSED])
        .values_list("unit_id", "unit__name", "kind", "state").annotate(n=Count("id"))
    )
    for unit_id, name, kind, state, n in counts:
        row = rows.setdefault(unit_id, UnitStats(unit_id, name))
        if state == FindingState.CONFIRMED:
            row.findings[kind] = row.findings.get(kind, 0) + n
        else:
            row.proposed += n
    return sorted(rows.values(), key=lambda r: (-r.late - r.missed, r.unit))


def totals(rows: list[UnitStats]) -> UnitStats:
    total = UnitStats(0, "合计")
    kinds: dict[str, int] = defaultdict(int)
    for row in rows:
        total.incidents |= row.incidents
        total.on_time += row.on_time
        total.late += row.late
        total.late_minutes += row.late_minutes
        total.missed += row.missed
        total.first_minutes += row.first_minutes
        total.proposed += row.proposed
        for kind, n in row.findings.items():
            kinds[kind] += n
    total.findings = dict(kinds)
    return total
