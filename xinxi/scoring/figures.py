"""Rankings and figures (统计排名) of a desk for a period, computed by the database.

``ranking(desk, start, end)`` answers, per reporting unit of the desk: items submitted (and
of them 忧 items), adoptions at the desk and higher up, adoption rate, instructions,
penalties, points, rank (ties shared), share of its group and of the desk, and the change
against the previous period of the same length. Each figure is one aggregate query over
the ledger or the desk's entries (grouped by unit), never a loop over rows.

Who is ranked: the desk's network — the units whose nearest desk above them is this one
(``network.services.parent_desk``) and its direct points — plus any unit that has points
at the desk in the period. Units roll up into groups: the desk's child unit whose subtree
holds them (a city's office and the province's direct points in that city form the city),
so that the members' shares of a group add up to 100 %.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from xinxi.items.models import DeskEntry, EntrySource, Tone
from xinxi.network.models import Desk, DirectPoint, Unit
from xinxi.scoring.models import PENALTY_KINDS, EventKind, ScoreEntry

ZERO = Decimal(0)
TENTH = Decimal("0.1")


@dataclass
class Row:
    """One unit's figures for the period."""

    unit: Unit
    group: Unit
    submitted: int = 0
    problems: int = 0  # 忧 items submitted
    adopted: int = 0  # adoptions at the desk
    adopted_upper: int = 0  # adoptions higher up or outside the system, for items this desk sent on
    instructions: int = 0
    penalties: int = 0
    points: Decimal = ZERO
    previous_points: Decimal = ZERO
    previous_submitted: int = 0
    rank: int = 0
    share: Decimal = ZERO  # of its group's points, %
    desk_share: Decimal = ZERO  # of the desk's points, %

    @property
    def rate(self) -> Decimal | None:
        """采用率 (%): adoptions at the desk per item submitted; None with nothing submitted."""
        if not self.submitted:
            return None
        return (Decimal(self.adopted) * 100 / self.submitted).quantize(TENTH, rounding=ROUND_HALF_UP)

    @property
    def change(self) -> Decimal:
        return self.points - self.previous_points

    @property
    def change_pct(self) -> Decimal | None:
        if not self.previous_points:
            return None
        return (self.change * 100 / abs(self.previous_points)).quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass
class Group:
    unit: Unit
    rows: list[Row] = field(default_factory=list)
    points: Decimal = ZERO
    share: Decimal = ZERO  # of the desk's total, %
    rank: int = 0


@dataclass
class Ranking:
    desk: Desk
    start: dt.date
    end: dt.date
    previous: tuple[dt.date, dt.date]
    rows: list[Row]
    groups: list[Group]
    total: Decimal

    @property
    def submitted(self) -> int:
        return sum(r.submitted for r in self.rows)

    @property
    def adopted(self) -> int:
        return sum(r.adopted for r in self.rows)

    @property
    def previous_total(self) -> Decimal:
        return sum((r.previous_points for r in self.rows), ZERO)

    def zero(self) -> list[Row]:
        """Units at zero: no points and nothing adopted in the period."""
        return [r for r in self.rows if r.points == 0 and r.adopted == 0]

    def declining(self, *, drop_pct: int = 50, floor: int = 3) -> list[Row]:
        """Units whose output fell sharply: submissions down by ``drop_pct`` % or more from at least ``floor``."""
        return [
            r
            for r in self.rows
            if r.previous_submitted >= floor and r.submitted * 100 <= r.previous_submitted * (100 - drop_pct)
        ]

    def no_problems(self) -> list[Row]:
        """报喜不报忧: units that submitted in the period but no 忧 item."""
        return [r for r in self.rows if r.submitted and not r.problems]


def previous_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The period of the same shape just before: the previous month, quarter or year, else the same length."""
    if start.day == 1 and (end + dt.timedelta(days=1)).day == 1:
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        month = start.month - months
        year = start.year + (month - 1) // 12
        month = (month - 1) % 12 + 1
        prev_start = dt.date(year, month, 1)
        return prev_start, start - dt.timedelta(days=1)
    length = (end - start).days + 1
    return start - dt.timedelta(days=length), start - dt.timedelta(days=1)


def network_units(desk: Desk, on: dt.date) -> QuerySet[Unit]:
    """The units that report to the desk: those whose nearest desk above is it, and its direct points."""
    root = desk.unit
    lower_desks = list(
        Desk.objects.filter(active=True, unit__path__startswith=root.path)
        .exclude(pk=desk.pk)
        .values_list("unit__path", flat=True)
    )
    below = Q(path__startswith=root.path) & ~Q(pk=root.pk)
    for path in lower_desks:  # a unit under a lower desk reports there (the desk's own unit reports here)
        below &= ~(Q(path__startswith=path) & ~Q(path=path))
    points = DirectPoint.objects.filter(desk=desk, admitted_on__lte=on).filter(
        Q(revoked_on__isnull=True) | Q(revoked_on__gt=on)
    )
    return Unit.objects.filter(below | Q(pk__in=points.values("unit_id")), active=True)


def _group_of(unit: Unit, root: Unit, groups: dict[int, Unit]) -> Unit:
    """The desk's child unit above ``unit`` (or the unit itself when it is outside the subtree)."""
    ids = [int(p) for p in unit.path.strip("/").split("/") if p]
    if root.pk in ids:
        below = ids[ids.index(root.pk) + 1 :]
        if below and below[0] in groups:
            return groups[below[0]]
    return unit


def _sender() -> Coalesce:
    return Coalesce(F("forwarded_from__desk__unit_id"), F("origin_unit_id"))


def _entry_counts(desk: Desk, start: dt.date, end: dt.date) -> dict[int, tuple[int, int]]:
    """(submitted, of them 忧) per sending unit: entries received at the desk in the period."""
    rows = (
        DeskEntry.objects.filter(desk=desk, received_at__date__gte=start, received_at__date__lte=end)
        .exclude(source=EntrySource.COMBINED)
        .annotate(sender=_sender())
        .values("sender")
        .annotate(n=Count("pk"), problems=Count("pk", filter=Q(tone=Tone.PROBLEM)))
    )
    return {r["sender"]: (r["n"], r["problems"]) for r in rows}


def _ledger(desk: Desk, start: dt.date, end: dt.date) -> dict[int, dict[str, Decimal | int]]:
    """Points and net counts of events per unit: a reversal counts −1."""
    sign = Q(reverses__isnull=True)
    counted = {
        "adopted": [EventKind.ADOPTION],
        "adopted_upper": [EventKind.ADOPTION_LEVEL],
        "instructions": [EventKind.INSTRUCTION],
        "penalties": list(PENALTY_KINDS),
    }
    aggregates: dict[str, Count | Sum] = {"points": Sum("points")}
    for name, kinds in counted.items():
        aggregates[f"{name}_plus"] = Count("pk", filter=Q(kind__in=kinds) & sign)
        aggregates[f"{name}_minus"] = Count("pk", filter=Q(kind__in=kinds) & ~sign)
    rows = (
        ScoreEntry.objects.filter(desk=desk, on__gte=start, on__lte=end)
        .values("unit_id")
        .annotate(**aggregates)
        .order_by()
    )
    found: dict[int, dict[str, Decimal | int]] = {}
    for values in rows:
        r: dict[str, Any] = dict(values)
        found[r["unit_id"]] = {"points": r["points"] or ZERO}
        for name in counted:
            found[r["unit_id"]][name] = r[f"{name}_plus"] - r[f"{name}_minus"]
    return found


def shares(values: Sequence[Decimal]) -> list[Decimal]:
    """Percentages to one decimal that add up to exactly 100.0 (largest remainder); zeros when the total is 0.

    Negative values (a unit with more penalties than points) take no share.
    """
    positive = [max(v, ZERO) for v in values]
    total = sum(positive, ZERO)
    if total <= 0:
        return [ZERO for _ in values]
    raw = [v * 1000 / total for v in positive]  # in tenths of a percent
    floors = [int(r) for r in raw]
    left = 1000 - sum(floors)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [Decimal(f) / 10 for f in floors]


def _rank(rows: Iterable[Row]) -> None:
    """Competition ranking by points: ties share a rank, the next rank skips (1, 2, 2, 4)."""
    ordered = sorted(rows, key=lambda r: -r.points)
    for position, row in enumerate(ordered, start=1):
        previous = ordered[position - 2] if position > 1 else None
        row.rank = previous.rank if previous is not None and previous.points == row.points else position


def ranking(
    desk: Desk,
    start: dt.date,
    end: dt.date,
    *,
    unit_class: int | None = None,
) -> Ranking:
    """The desk's figures for [start, end], optionally only units of one class."""
    previous = previous_period(start, end)
    population = network_units(desk, end)
    ledger = _ledger(desk, start, end)
    before = _ledger(desk, *previous)
    counts = _entry_counts(desk, start, end)
    counts_before = _entry_counts(desk, *previous)
    ids = set(population.values_list("pk", flat=True)) | set(ledger)
    units = Unit.objects.filter(pk__in=ids).select_related("unit_class").order_by("sort_order", "path")
    if unit_class is not None:
        units = units.filter(unit_class_id=unit_class)
    children = {u.pk: u for u in Unit.objects.filter(parent=desk.unit)}
    rows: list[Row] = []
    for unit in units:
        figures = ledger.get(unit.pk, {})
        row = Row(
            unit=unit,
            group=_group_of(unit, desk.unit, children),
            submitted=counts.get(unit.pk, (0, 0))[0],
            problems=counts.get(unit.pk, (0, 0))[1],
            adopted=int(figures.get("adopted", 0)),
            adopted_upper=int(figures.get("adopted_upper", 0)),
            instructions=int(figures.get("instructions", 0)),
            penalties=int(figures.get("penalties", 0)),
            points=Decimal(figures.get("points", ZERO)),
            previous_points=Decimal(before.get(unit.pk, {}).get("points", ZERO)),
            previous_submitted=counts_before.get(unit.pk, (0, 0))[0],
        )
        rows.append(row)
    _rank(rows)
    for row, share in zip(rows, shares([r.points for r in rows]), strict=True):
        row.desk_share = share
    groups: dict[int, Group] = {}
    for row in rows:
        groups.setdefault(row.group.pk, Group(unit=row.group)).rows.append(row)
    for group in groups.values():
        group.points = sum((r.points for r in group.rows), ZERO)
        for row, share in zip(group.rows, shares([r.points for r in group.rows]), strict=True):
            row.share = share
    ordered_groups = sorted(groups.values(), key=lambda g: -g.points)
    for group, share in zip(ordered_groups, shares([g.points for g in ordered_groups]), strict=True):
        group.share = share
    for position, group in enumerate(ordered_groups, start=1):
        earlier = ordered_groups[position - 2] if position > 1 else None
        group.rank = earlier.rank if earlier is not None and earlier.points == group.points else position
    rows.sort(key=lambda r: (r.rank, r.unit.sort_order, r.unit.path))
    total = sum((r.points for r in rows), ZERO)
    return Ranking(desk=desk, start=start, end=end, previous=previous, rows=rows, groups=ordered_groups, total=total)


def monthly_points(desk: Desk, start: dt.date, end: dt.date) -> list[tuple[dt.date, Decimal]]:
    """The desk's total points per month in [start, end] (for the trend chart)."""
    from django.db.models.functions import TruncMonth

    rows = (
        ScoreEntry.objects.filter(desk=desk, on__gte=start, on__lte=end)
        .annotate(month=TruncMonth("on"))
        .values("month")
        .annotate(total=Sum("points"))
        .order_by("month")
    )
    return [(r["month"], r["total"] or ZERO) for r in rows]
