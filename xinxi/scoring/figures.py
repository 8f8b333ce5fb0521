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

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from xinxi.items.models import AdoptionKind, DeskEntry, EntrySource, Tone
from xinxi.network import calendar, selectors
from xinxi.network.models import Desk, DirectPoint, Quota, Unit
from xinxi.scoring.models import PENALTY_KINDS, EventKind, ReachedLevel, RuleSet, RuleSetState, ScoreEntry

ZERO = Decimal(0)
TENTH = Decimal("0.1")


ADOPTION_KIND_FIELDS = {
    AdoptionKind.FULL: "adopted_full",
    AdoptionKind.COMBINED: "adopted_combined",
    AdoptionKind.BRIEF: "adopted_brief",
}
# The reached level an upward adoption is counted under: the entry's ``reached_level`` (the
# first of its ``facts["levels"]``).
LEVEL_FIELDS = {
    ReachedLevel.UPPER: "adopted_upper_level",
    ReachedLevel.PROVINCE: "adopted_province",
    ReachedLevel.GUOBAN: "adopted_guoban",
    ReachedLevel.ZHONGBAN: "adopted_zhongban",
}
# (kind, adoption kind) of a 本级 adoption and (kind, reached level) of an upward one → the split it counts in.
SPLIT_FIELDS: dict[tuple[str, str], str] = {
    **{(EventKind.ADOPTION.value, k.value): v for k, v in ADOPTION_KIND_FIELDS.items()},
    **{(EventKind.ADOPTION_LEVEL.value, k.value): v for k, v in LEVEL_FIELDS.items()},
}
LATE_KINDS = [EventKind.COMMISSION_LATE, EventKind.LATE_REPORT]
MISSED_KINDS = [EventKind.COMMISSION_MISSED, EventKind.MISSED_REPORT]
# The figures a ledger kind counts in (an urgent-information 迟报 is a penalty and lateness).
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    EventKind.ADOPTION: ("adopted",),
    EventKind.ADOPTION_LEVEL: ("adopted_upper",),
    EventKind.INSTRUCTION: ("instructions",),
}
for _kind in [*PENALTY_KINDS, *LATE_KINDS, *MISSED_KINDS]:
    KIND_FIELDS[_kind] = tuple(
        name
        for name, kinds in (("penalties", PENALTY_KINDS), ("late", LATE_KINDS), ("missed", MISSED_KINDS))
        if _kind in kinds
    )
COUNTED_FIELDS = (
    "adopted",
    "adopted_upper",
    "instructions",
    "penalties",
    "late",
    "missed",
    *ADOPTION_KIND_FIELDS.values(),
    *LEVEL_FIELDS.values(),
)


@dataclass
class Row:
    """One unit's figures for the period."""

    unit: Unit
    group: Unit
    submitted: int = 0
    problems: int = 0  # 忧 items submitted
    adopted: int = 0  # adoptions at the desk (本级)
    adopted_upper: int = 0  # adoptions higher up or outside the system, for items this desk sent on
    adopted_full: int = 0  # 本级 adoptions by kind: 单独/全文
    adopted_combined: int = 0  # 综合
    adopted_brief: int = 0  # 摘编/简讯
    adopted_upper_level: int = 0  # upward adoptions by reached level: 上级 (a city or county desk above)
    adopted_province: int = 0  # 省办
    adopted_guoban: int = 0  # 国办
    adopted_zhongban: int = 0  # 中办
    instructions: int = 0
    penalties: int = 0
    late: int = 0  # 约稿逾期报送 and 紧急信息迟报 (net entries)
    missed: int = 0  # 约稿未报送 and 紧急信息漏报
    points: Decimal = ZERO
    previous_points: Decimal = ZERO
    previous_submitted: int = 0
    expected: int | None = None  # items the quota asks for in the period (None: no quota)
    below_floor: bool = False  # 不达标: points under the rule set's floor for the period
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

    @property
    def quota_met(self) -> bool | None:
        """报送频次: submitted at least what the quota asks for; None without a quota."""
        if self.expected is None:
            return None
        return self.submitted >= self.expected

    @property
    def shortfall(self) -> int:
        return max((self.expected or 0) - self.submitted, 0)


@dataclass
class Group:
    unit: Unit
    rows: list[Row] = field(default_factory=list)
    points: Decimal = ZERO
    previous_points: Decimal = ZERO
    share: Decimal = ZERO  # of the desk's total, %
    rank: int = 0

    @property
    def change(self) -> Decimal:
        return self.points - self.previous_points


@dataclass
class Ranking:
    desk: Desk
    start: dt.date
    end: dt.date
    previous: tuple[dt.date, dt.date]
    rows: list[Row]
    groups: list[Group]
    total: Decimal
    floor: Decimal | None = None  # the 不达标 floor for the period (None: not set, or a custom range)
    quota_note: str = ""  # why quota compliance could not be counted (a year without calendar data)

    @property
    def submitted(self) -> int:
        return sum(r.submitted for r in self.rows)

    @property
    def adopted(self) -> int:
        return sum(r.adopted for r in self.rows)

    @property
    def previous_total(self) -> Decimal:
        return sum((r.previous_points for r in self.rows), ZERO)

    @property
    def change(self) -> Decimal:
        return self.total - self.previous_total

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

    def below_floor(self) -> list[Row]:
        """不达标: units whose points are under the rule set's floor for the period."""
        return [r for r in self.rows if r.below_floor]

    def quota_short(self) -> list[Row]:
        """Units that submitted fewer items than their quota asks for."""
        return [r for r in self.rows if r.quota_met is False]


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


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _entry_counts(desk: Desk, start: dt.date, end: dt.date, since: dt.date) -> dict[int, dict[str, int]]:
    """Submitted, of them 忧, and submitted in [since, start) per sending unit: entries received at the desk.

    One query over both periods (the previous one ends the day before ``start``); the
    bounds are instants, so the index on (desk, received_at) serves it.
    """
    rows = entry_rows(desk, start, end, since)
    return {r["sender"]: {"n": r["n"], "problems": r["problems"], "before": r["before"]} for r in rows}


def entry_rows(desk: Desk, start: dt.date, end: dt.date, since: dt.date) -> QuerySet[Any, Any]:
    """The query of ``_entry_counts`` (the benchmark runs its SQL bare)."""
    now = Q(received_at__gte=_day_start(start))
    return (
        DeskEntry.objects.filter(
            desk=desk, received_at__gte=_day_start(since), received_at__lt=_day_start(end + dt.timedelta(days=1))
        )
        .exclude(source=EntrySource.COMBINED)
        .annotate(sender=_sender())
        .values("sender")
        .annotate(
            n=Count("pk", filter=now),
            problems=Count("pk", filter=now & Q(tone=Tone.PROBLEM)),
            before=Count("pk", filter=~now),
        )
        .order_by()
    )


def _ledger(desk: Desk, start: dt.date, end: dt.date, since: dt.date) -> dict[int, dict[str, Decimal | int]]:
    """Points (the period's and the previous one's, from ``since``) and net counts of events per unit.

    Two aggregate queries, both served by the covering index ``score_rank_cover``: the
    period per unit, kind, reversal or not, adoption kind and reached level
    (``ledger_rows``), and the previous period's points per unit (``previous_rows``). A
    reversal counts −1. Python adds up their rows (a few dozen per unit), never the ledger's.
    """
    found: dict[int, dict[str, Decimal | int]] = {}

    def figures_of(unit_id: int) -> dict[str, Decimal | int]:
        if unit_id not in found:
            found[unit_id] = {"points": ZERO, "previous_points": ZERO, **dict.fromkeys(COUNTED_FIELDS, 0)}
        return found[unit_id]

    for r in _hashed(ledger_rows(desk, start, end)):
        figures = figures_of(r["unit_id"])
        figures["points"] += r["total"] or ZERO
        net = -r["n"] if r["undone"] else r["n"]
        for name in KIND_FIELDS.get(r["kind"], ()):
            figures[name] += net
        how = r["adoption_kind"] if r["kind"] == EventKind.ADOPTION else r["reached_level"]
        split = SPLIT_FIELDS.get((r["kind"], how))
        if split is not None:
            figures[split] += net
    for r in previous_rows(desk, since, start - dt.timedelta(days=1)):
        figures_of(r["unit_id"])["previous_points"] += r["total"] or ZERO
    return found


def _hashed(rows: QuerySet[Any, Any]) -> list[dict[str, Any]]:
    """The rows of a grouping query; on PostgreSQL with ``work_mem`` raised for it (``SET LOCAL``).

    PostgreSQL estimates the groups of ``ledger_rows`` from the units of the whole ledger
    (tens of thousands) rather than the desk's hundred, so with the default 4 MB it sorts a
    year's entries on disk (67,000 entries: ≈ 140 ms); with 16 MB it hashes them in memory
    (≈ 30 ms). ``SET LOCAL`` lasts until the end of the outermost transaction.
    """
    if connection.vendor != "postgresql":
        return list(rows)
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '16MB'")
        return list(rows)


def ledger_rows(desk: Desk, start: dt.date, end: dt.date) -> QuerySet[Any, Any]:
    """Per unit, kind, reversal or not (``undone``), adoption kind and reached level: points and entries.

    Plain ``SUM``/``COUNT(*)`` over groups, read from the covering index ``score_rank_cover``
    (desk, on, unit, kind, reverses, points, adoption_kind, reached_level) without touching
    the table.
    """
    return (
        ScoreEntry.objects.filter(desk=desk, on__gte=start, on__lte=end)
        .annotate(undone=ExpressionWrapper(Q(reverses__isnull=False), output_field=BooleanField()))
        .values("unit_id", "kind", "undone", "adoption_kind", "reached_level")
        .annotate(total=Sum("points"), n=Count("*"))
        .order_by()
    )


def previous_rows(desk: Desk, start: dt.date, end: dt.date) -> QuerySet[Any, Any]:
    """Points per unit in the previous period (from the covering index)."""
    return (
        ScoreEntry.objects.filter(desk=desk, on__gte=start, on__lte=end)
        .values("unit_id")
        .annotate(total=Sum("points"))
        .order_by()
    )


def _expected(desk: Desk, start: dt.date, end: dt.date) -> tuple[dict[int, int], dict[int, int], str]:
    """Items asked for by the desk's quotas in the period: per unit (own rows) and per class.

    A quota row counts over the part of the period it is valid in; of several rows for one
    target the latest applies (as ``network.selectors.quota_for`` does on a day). Working-day
    quotas count official working days with 调休 (``network.calendar``). A year without
    calendar data gives no figures and the reason.
    """
    quotas = (
        Quota.objects.filter(desk=desk, valid_from__lte=end)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
        .order_by("valid_from", "pk")
    )
    own: dict[int, int] = {}
    by_class: dict[int, int] = {}
    try:
        for quota in quotas:
            first = max(start, quota.valid_from)
            last = min(end, quota.valid_to) if quota.valid_to else end
            expected = selectors.expected_items(quota, first, last)
            if quota.unit_id is not None:
                own[quota.unit_id] = expected
            elif quota.unit_class_id is not None:
                by_class[quota.unit_class_id] = expected
    except calendar.CalendarYearMissing as exc:
        return {}, {}, str(exc.message)
    return own, by_class, ""


def whole_months(start: dt.date, end: dt.date) -> int:
    """How many whole calendar months [start, end] is (0 for a range that is not whole months)."""
    if start.day != 1 or (end + dt.timedelta(days=1)).day != 1:
        return 0
    return (end.year - start.year) * 12 + end.month - start.month + 1


def period_floor(desk: Desk, start: dt.date, end: dt.date) -> Decimal | None:
    """不达标 floor: the month floor of the rule set valid at the end, times the months (whole months only)."""
    months = whole_months(start, end)
    floor = (
        RuleSet.objects.filter(desk=desk, state=RuleSetState.ACTIVE, valid_from__lte=end)
        .order_by("-valid_from", "-id")
        .values_list("month_floor", flat=True)
        .first()
    )
    if not months or not floor:
        return None
    return Decimal(floor) * months


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
    """The desk's figures for [start, end], optionally only units of one class.

    Queries: the lower desks, the population with the units (one query with a subquery),
    the desk's child units, the ledger (both periods), the entries (both periods), the
    quotas (plus the calendar for working-day quotas), the floor.
    """
    previous = previous_period(start, end)
    since = previous[0]
    ledger = _ledger(desk, start, end, since)
    counts = _entry_counts(desk, start, end, since)
    population = network_units(desk, end)
    units = (
        Unit.objects.filter(Q(pk__in=population.values("pk")) | Q(pk__in=list(ledger)))
        .select_related("unit_class")
        .order_by("sort_order", "path")
    )
    if unit_class is not None:
        units = units.filter(unit_class_id=unit_class)
    children = {u.pk: u for u in Unit.objects.filter(parent=desk.unit)}
    own_quota, class_quota, quota_note = _expected(desk, start, end)
    floor = period_floor(desk, start, end)
    rows: list[Row] = []
    nothing: dict[str, int] = {}
    for unit in units:
        figures = ledger.get(unit.pk, {})
        sent = counts.get(unit.pk, nothing)
        row = Row(
            unit=unit,
            group=_group_of(unit, desk.unit, children),
            submitted=sent.get("n", 0),
            problems=sent.get("problems", 0),
            previous_submitted=sent.get("before", 0),
            points=Decimal(figures.get("points", ZERO)),
            previous_points=Decimal(figures.get("previous_points", ZERO)),
            expected=own_quota.get(unit.pk, class_quota.get(unit.unit_class_id or 0)),
        )
        for name in COUNTED_FIELDS:
            setattr(row, name, int(figures.get(name, 0)))
        row.below_floor = floor is not None and row.points < floor
        rows.append(row)
    _rank(rows)
    for row, share in zip(rows, shares([r.points for r in rows]), strict=True):
        row.desk_share = share
    groups: dict[int, Group] = {}
    for row in rows:
        groups.setdefault(row.group.pk, Group(unit=row.group)).rows.append(row)
    for group in groups.values():
        group.points = sum((r.points for r in group.rows), ZERO)
        group.previous_points = sum((r.previous_points for r in group.rows), ZERO)
        for row, share in zip(group.rows, shares([r.points for r in group.rows]), strict=True):
            row.share = share
        group.rows.sort(key=lambda r: (r.rank, r.unit.sort_order, r.unit.path))
    ordered_groups = sorted(groups.values(), key=lambda g: (-g.points, g.unit.sort_order, g.unit.path))
    for group, share in zip(ordered_groups, shares([g.points for g in ordered_groups]), strict=True):
        group.share = share
    for position, group in enumerate(ordered_groups, start=1):
        earlier = ordered_groups[position - 2] if position > 1 else None
        group.rank = earlier.rank if earlier is not None and earlier.points == group.points else position
    rows.sort(key=lambda r: (r.rank, r.unit.sort_order, r.unit.path))
    total = sum((r.points for r in rows), ZERO)
    return Ranking(
        desk=desk,
        start=start,
        end=end,
        previous=previous,
        rows=rows,
        groups=ordered_groups,
        total=total,
        floor=floor,
        quota_note=quota_note,
    )


def monthly_points(
    desk: Desk, start: dt.date, end: dt.date, *, unit_class: int | None = None
) -> list[tuple[dt.date, Decimal]]:
    """The desk's total points per month in [start, end] (for the trend chart), optionally one class's.

    Summed per day by the database (in the order of the index on (desk, on), no sort),
    then the days' sums (at most 366 a year) are added up per month.
    """
    entries = ScoreEntry.objects.filter(desk=desk, on__gte=start, on__lte=end)
    if unit_class is not None:
        entries = entries.filter(unit__unit_class_id=unit_class)
    months: dict[dt.date, Decimal] = {}
    for day, total in entries.values_list("on").annotate(total=Sum("points")).order_by("on"):
        month = day.replace(day=1)
        months[month] = months.get(month, ZERO) + (total or ZERO)
    return sorted(months.items())


# --- periods ---

QUARTER_NAMES = {1: "一", 2: "二", 3: "三", 4: "四"}
PERIOD_KINDS = {"month": "月度", "quarter": "季度", "year": "年度", "custom": "自定义"}


@dataclass(frozen=True)
class Period:
    kind: str  # month, quarter, year, custom
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.start.year}年{self.start.month}月"
        if self.kind == "quarter":
            return f"{self.start.year}年第{QUARTER_NAMES[(self.start.month - 1) // 3 + 1]}季度"
        if self.kind == "year":
            return f"{self.start.year}年"
        return f"{self.start:%Y-%m-%d}至{self.end:%Y-%m-%d}"

    @property
    def value(self) -> str:
        """The ``period`` parameter that names it (empty for a custom range)."""
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "year":
            return str(self.start.year)
        return ""


class PeriodError(ValueError):
    """A period that cannot be read; the message is Chinese and names the parameter."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(message)
        self.param = param
        self.message = message


def _month_end(year: int, month: int) -> dt.date:
    return (dt.date(year, month, 1) + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def parse_period(value: str) -> Period:
    """``2026-11`` (a month), ``2026-Q4`` (a quarter) or ``2026`` (a year)."""
    text = value.strip().upper()
    try:
        if "-Q" in text:
            year, quarter = (int(x) for x in text.split("-Q"))
            if not 1 <= quarter <= 4:
                raise ValueError
            first = dt.date(year, quarter * 3 - 2, 1)
            return Period("quarter", first, _month_end(year, quarter * 3))
        if "-" in text:
            year, month = (int(x) for x in text.split("-"))
            return Period("month", dt.date(year, month, 1), _month_end(year, month))
        year = int(text)
        return Period("year", dt.date(year, 1, 1), dt.date(year, 12, 31))
    except (TypeError, ValueError, OverflowError):
        raise PeriodError("period", "统计周期格式不正确：月份如 2026-11，季度如 2026-Q4，年度如 2026。") from None


def parse_date(param: str, value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise PeriodError(param, "日期格式不正确，应为 YYYY-MM-DD，如 2026-11-01。") from None


MAX_DAYS = 3 * 366 + 1


def custom_period(start: dt.date, end: dt.date) -> Period:
    """A custom range; a whole month, quarter or year given by dates is named as such."""
    if end < start:
        raise PeriodError("end", "截止日期不能早于起始日期。")
    if (end - start).days + 1 > MAX_DAYS:
        raise PeriodError("end", "自定义统计期最长三年，请缩短时间范围。")
    months = whole_months(start, end)
    if months == 1:
        return Period("month", start, end)
    if months == 3 and start.month % 3 == 1:
        return Period("quarter", start, end)
    if months == 12 and start.month == 1:
        return Period("year", start, end)
    return Period("custom", start, end)


def period_of(*, period: str = "", start: str = "", end: str = "", today: dt.date | None = None) -> Period:
    """The period named by request parameters: ``period``, or ``start`` and ``end``, else the last whole month."""
    if period and (start or end):
        raise PeriodError("period", "统计周期和起止日期只能给出一种。")
    if period:
        return parse_period(period)
    if start or end:
        if not (start and end):
            raise PeriodError("start" if not start else "end", "自定义统计期须同时给出起始日期和截止日期。")
        return custom_period(parse_date("start", start), parse_date("end", end))
    day = (today or timezone.localdate()).replace(day=1) - dt.timedelta(days=1)
    return Period("month", day.replace(day=1), day)


def trend(
    desk: Desk, end: dt.date, months: int = 12, *, unit_class: int | None = None
) -> list[tuple[dt.date, Decimal]]:
    """The desk's points per month for the ``months`` months ending with ``end``'s month, zeros filled in."""
    first_month = dt.date(end.year, end.month, 1)
    for _ in range(months - 1):
        first_month = (first_month - dt.timedelta(days=1)).replace(day=1)
    found = dict(monthly_points(desk, first_month, _month_end(end.year, end.month), unit_class=unit_class))
    series = []
    month = first_month
    for _ in range(months):
        series.append((month, found.get(month, ZERO)))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return series
