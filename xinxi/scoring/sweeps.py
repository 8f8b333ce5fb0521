"""Period sweeps (周期结算): the points no single event posts, settled once per finished period.

For each desk with a rule set and each finished period (a month, a quarter, a year)
the version valid on the period's last day says what to post, through ``ledger.post``
(so a closed period's postings land after it, saying so):

- **month**: base points (基础分, when the rule set pays them monthly), the quota
  shortfall (报送数量不足: the network's quota on the working-day calendar, minus the
  entries the desk received from the unit, × the line's points per missing item), and
  the qualified but unadopted submissions (合格未采用: entries received in the month
  that the desk marked 不采用);
- **quarter**: base points (when paid quarterly) and the adoption-rate floor
  (采用率低于下限: the desk's adoptions per item received, under ``rate_floor`` %);
- **year**: the threshold (≥ N items adopted in the year earn B points, else nothing)
  and then zeroing (N or more 约稿未报送 entries in the year post the opposite of the
  year's positive total).

Every posting's key names the period and the unit (``base:2026-01:unit:7``), and a key
that was ever posted is not posted again — not even after the desk chief reversed it —
so running a sweep twice posts once. ``PeriodSweep`` records a settled period; the
daily run (``run``) sweeps every finished period since the desk's first rule set that
is not settled yet, which is the catch-up after a worker was down. A month scoring
under ``month_floor`` is 不达标: computed with the ranking (``figures.Ranking.below_floor``), not stored.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F, Min, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from xinxi.items.models import DeskEntry, EntrySource, EntryState
from xinxi.lib.errors import ServiceError
from xinxi.network import selectors
from xinxi.network.calendar import CalendarYearMissing
from xinxi.network.models import Desk
from xinxi.scoring import ledger
from xinxi.scoring.figures import network_units
from xinxi.scoring.models import (
    ADOPTION_KINDS,
    BasePeriod,
    EventKind,
    PeriodKind,
    PeriodSweep,
    RuleSet,
    RuleSetState,
    ScoreEntry,
)
from xinxi.scoring.rules import Facts, best_line, score

ZERO = Decimal(0)
QUARTERS = "一二三四"


@dataclass(frozen=True)
class Period:
    kind: str  # PeriodKind
    start: dt.date
    end: dt.date

    @property
    def code(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return f"{self.start.year}年{self.start.month}月"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.start.year}年第{QUARTERS[(self.start.month - 1) // 3]}季度"
        return f"{self.start.year}年"


def month(year: int, number: int) -> Period:
    start = dt.date(year, number, 1)
    return Period(PeriodKind.MONTH, start, selectors.month_bounds(start)[1])


def quarter(year: int, number: int) -> Period:
    start = dt.date(year, 3 * number - 2, 1)
    return Period(PeriodKind.QUARTER, start, selectors.month_bounds(dt.date(year, 3 * number, 1))[1])


def year(number: int) -> Period:
    return Period(PeriodKind.YEAR, dt.date(number, 1, 1), dt.date(number, 12, 31))


def parse_period(code: str) -> Period:
    """``2026-01`` (a month), ``2026-Q1`` (a quarter) or ``2026`` (a year)."""
    text = code.strip().upper()
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
            return month(int(m[1]), int(m[2]))
        if m := re.fullmatch(r"(\d{4})-Q([1-4])", text):
            return quarter(int(m[1]), int(m[2]))
        if re.fullmatch(r"\d{4}", text):
            return year(int(text))
    except ValueError:
        pass
    raise ServiceError(f"周期“{code}”无效：应为 2026-01（月）、2026-Q1（季度）或 2026（年度）。")


def periods_between(first: dt.date, until: dt.date) -> list[Period]:
    """The finished periods from the month of ``first`` to ``until``: each month, then its quarter and year."""
    found: list[Period] = []
    y, m = first.year, first.month
    while dt.date(y, m, 1) <= until:
        candidates = [month(y, m)]
        if m % 3 == 0:
            candidates.append(quarter(y, m // 3))
        if m == 12:
            candidates.append(year(y))
        found += [p for p in candidates if p.end <= until]
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return found


def default_until() -> dt.date:
    """Sweeps settle finished periods: up to yesterday."""
    return timezone.localdate() - dt.timedelta(days=1)


def swept_desks() -> list[Desk]:
    """Desks that have (or had) a published rule set."""
    ids = RuleSet.objects.exclude(state=RuleSetState.DRAFT).values("desk_id")
    return list(Desk.objects.filter(pk__in=ids).select_related("unit").order_by("unit__path"))


def plan(*, desk: Desk | None = None, until: dt.date | None = None, period: Period | None = None) -> list[
    tuple[Desk, Period]
]:
    """What to sweep: the given period, or every finished period not settled yet since each desk's first rules."""
    until = until or default_until()
    desks = [desk] if desk is not None else swept_desks()
    if period is not None:
        if period.end > until:
            raise ServiceError(f"{period.label}尚未结束，不能结算。")
        return [(d, period) for d in desks]
    work: list[tuple[Desk, Period]] = []
    for d in desks:
        first = RuleSet.objects.filter(desk=d).exclude(state=RuleSetState.DRAFT).aggregate(m=Min("valid_from"))["m"]
        if first is None:
            continue
        settled = set(PeriodSweep.objects.filter(desk=d).values_list("kind", "start"))
        work += [(d, p) for p in periods_between(first, until) if (p.kind, p.start) not in settled]
    return work


@dataclass
class Result:
    posted: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.posted.values())

    def add(self, kind: str) -> None:
        self.posted[kind] = self.posted.get(kind, 0) + 1


def _sender() -> Coalesce:
    """The unit a desk credits for an entry: the desk below's unit for a forwarded one, else the origin."""
    return Coalesce(F("forwarded_from__desk__unit_id"), F("origin_unit_id"))


def received(desk: Desk, start: dt.date, end: dt.date) -> dict[int, int]:
    """Entries the desk received in the period, per sending unit (a combined entry is not a submission)."""
    rows = (
        DeskEntry.objects.filter(desk=desk, received_at__date__gte=start, received_at__date__lte=end)
        .exclude(source=EntrySource.COMBINED)
        .annotate(sender=_sender())
        .values("sender")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {r["sender"]: r["n"] for r in rows}


def adopted(desk: Desk, start: dt.date, end: dt.date) -> dict[int, int]:
    """Adoptions at the desk in the period per unit, from the ledger (a reversal counts −1)."""
    rows = (
        ScoreEntry.objects.filter(desk=desk, on__gte=start, on__lte=end, kind=EventKind.ADOPTION)
        .values("unit_id")
        .annotate(
            plus=Count("pk", filter=Q(reverses__isnull=True)),
            minus=Count("pk", filter=Q(reverses__isnull=False)),
        )
        .order_by()
    )
    return {r["unit_id"]: r["plus"] - r["minus"] for r in rows}


class _Sweep:
    """One desk, one period, one rule set version: the postings, each at most once."""

    def __init__(self, desk: Desk, period: Period, rule_set: RuleSet, result: Result) -> None:
        self.desk, self.period, self.rule_set, self.result = desk, period, rule_set, result
        self.lines = list(rule_set.lines.all())
        self.multipliers = list(rule_set.multipliers.all())
        self._units: list[int] | None = None

    @property
    def units(self) -> list[int]:
        if self._units is None:
            self._units = list(network_units(self.desk, self.period.end).order_by("path").values_list("pk", flat=True))
        return self._units

    def has_line(self, kind: str) -> bool:
        return best_line(self.lines, Facts(kind=kind)) is not None

    def done(self, prefix: str) -> set[str]:
        """Keys under the prefix ever posted at the desk (a reversed one stays done)."""
        return set(
            ScoreEntry.objects.filter(desk=self.desk, key__startswith=prefix).values_list("key", flat=True).distinct()
        )

    def post(self, *, unit: int, kind: str, key: str, points: Decimal, reason: str, **extra: Any) -> None:
        posted = ledger.post(
            desk=self.desk.pk,
            unit=unit,
            on=self.period.end,
            points=points,
            kind=kind,
            key=key,
            reason=reason,
            rule_set=self.rule_set,
            **extra,
        )
        if posted is not None:
            self.result.add(kind)

    def scored(self, facts: Facts) -> Any:
        return score(self.rule_set, facts, lines=self.lines, multipliers=self.multipliers)

    # --- the sweeps ---

    def base(self) -> None:
        rs, kind = self.rule_set, self.period.kind
        if not rs.base_points or rs.base_period == BasePeriod.NONE or rs.base_period != kind:
            return
        prefix = f"base:{self.period.code}:"
        done = self.done(prefix)
        for unit in self.units:
            key = f"{prefix}unit:{unit}"
            if key not in done:
                self.post(
                    unit=unit, kind=EventKind.BASE, key=key, points=rs.base_points,
                    reason=f"{self.period.label}基础分", facts={"kind": EventKind.BASE, "period": self.period.code},
                )

    def quota(self) -> None:
        if not self.has_line(EventKind.QUOTA_SHORTFALL):
            return
        prefix = f"quota:{self.period.code}:"
        done = self.done(prefix)
        sent_by = received(self.desk, self.period.start, self.period.end)
        from xinxi.network.models import Unit

        for unit in Unit.objects.filter(pk__in=self.units).order_by("path"):
            key = f"{prefix}unit:{unit.pk}"
            quota = selectors.quota_for(unit, self.desk, self.period.end)
            if key in done or quota is None:
                continue
            try:
                expected = selectors.expected_items(quota, self.period.start, self.period.end)
            except CalendarYearMissing as missing:
                self.result.warnings.append(str(missing))
                return
            sent = sent_by.get(unit.pk, 0)
            if sent >= expected:
                continue
            facts = Facts(kind=EventKind.QUOTA_SHORTFALL, count=expected - sent)
            result = self.scored(facts)
            self.post(
                unit=unit.pk, kind=EventKind.QUOTA_SHORTFALL, key=key, points=result.points, line=result.line,
                facts={**facts.as_json(), "expected": expected, "sent": sent},
                reason=f"{self.period.label}应报 {expected} 条（{quota.describe()}），实报 {sent} 条。{result.explain}",
            )

    def unadopted(self) -> None:
        if not self.has_line(EventKind.UNADOPTED):
            return
        done = self.done("unadopted:")
        entries = (
            DeskEntry.objects.filter(
                desk=self.desk,
                state=EntryState.NOT_ADOPTED,
                received_at__date__gte=self.period.start,
                received_at__date__lte=self.period.end,
            )
            .exclude(source=EntrySource.COMBINED)
            .annotate(sender=_sender())
            .order_by("pk")
        )
        for entry in entries:
            key = f"unadopted:{entry.pk}:unit:{entry.sender}"
            if key in done:
                continue
            facts = Facts(kind=EventKind.UNADOPTED, category=entry.category)
            result = self.scored(facts)
            self.post(
                unit=entry.sender, kind=EventKind.UNADOPTED, key=key, points=result.points, line=result.line,
                facts=facts, reason=f"{self.period.label}报送、经审核未采用。{result.explain}",
                item_id=entry.item_id, entry_id=entry.pk, classification=entry.classification,
            )

    def rate_floor(self) -> None:
        floor = self.rule_set.rate_floor
        if self.period.kind != PeriodKind.QUARTER or not floor or not self.has_line(EventKind.RATE_FLOOR):
            return
        prefix = f"rate:{self.period.code}:"
        done = self.done(prefix)
        sent_by = received(self.desk, self.period.start, self.period.end)
        taken_by = adopted(self.desk, self.period.start, self.period.end)
        for unit in self.units:
            key = f"{prefix}unit:{unit}"
            sent = sent_by.get(unit, 0)
            if key in done or not sent:
                continue
            taken = taken_by.get(unit, 0)
            rate = (Decimal(taken) * 100 / sent).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            if rate >= floor:
                continue
            facts = Facts(kind=EventKind.RATE_FLOOR)
            result = self.scored(facts)
            self.post(
                unit=unit, kind=EventKind.RATE_FLOOR, key=key, points=result.points, line=result.line,
                facts={**facts.as_json(), "rate": str(rate), "sent": sent, "adopted": taken},
                reason=f"{self.period.label}报送 {sent} 条、采用 {taken} 条，采用率 {rate}%，"
                f"低于 {floor.normalize():f}%。{result.explain}",
            )

    def threshold(self) -> None:
        rs = self.rule_set
        if self.period.kind != PeriodKind.YEAR or not rs.threshold_items or not rs.threshold_points:
            return
        prefix = f"threshold:{self.period.code}:"
        done = self.done(prefix)
        counts = (
            ScoreEntry.objects.filter(
                desk=self.desk, on__gte=self.period.start, on__lte=self.period.end, kind__in=ADOPTION_KINDS,
                reverses__isnull=True, reversal__isnull=True,
            )
            .values("unit_id")
            .annotate(n=Count("item", distinct=True))
            .order_by("unit_id")
        )
        for row in counts:
            key = f"{prefix}unit:{row['unit_id']}"
            if key in done or row["n"] < rs.threshold_items:
                continue
            self.post(
                unit=row["unit_id"], kind=EventKind.THRESHOLD, key=key, points=rs.threshold_points,
                facts={"kind": EventKind.THRESHOLD, "period": self.period.code, "adopted": row["n"]},
                reason=f"{self.period.label}被采用信息 {row['n']} 条，达到 {rs.threshold_items} 条，得年度达标分",
            )

    def zeroing(self) -> None:
        needed = self.rule_set.zeroing_misses
        if self.period.kind != PeriodKind.YEAR or not needed:
            return
        prefix = f"zeroing:{self.period.code}:"
        done = self.done(prefix)
        in_year = ScoreEntry.objects.filter(desk=self.desk, on__gte=self.period.start, on__lte=self.period.end)
        misses = (
            in_year.filter(kind=EventKind.COMMISSION_MISSED, reverses__isnull=True, reversal__isnull=True)
            .values("unit_id")
            .annotate(n=Count("pk"))
            .order_by("unit_id")
        )
        for row in misses:
            key = f"{prefix}unit:{row['unit_id']}"
            if key in done or row["n"] < needed:
                continue
            total = in_year.filter(unit_id=row["unit_id"]).aggregate(s=Sum("points"))["s"] or ZERO
            if total <= 0:
                continue
            self.post(
                unit=row["unit_id"], kind=EventKind.ZEROING, key=key, points=-total,
                facts={"kind": EventKind.ZEROING, "period": self.period.code, "missed": row["n"], "total": str(total)},
                reason=f"{self.period.label}约稿未报送 {row['n']} 次（达到 {needed} 次），全年得分 {total} 分清零",
            )

    def run(self) -> None:
        if self.period.kind == PeriodKind.MONTH:
            self.base()
            self.quota()
            self.unadopted()
        elif self.period.kind == PeriodKind.QUARTER:
            self.base()
            self.rate_floor()
        else:
            self.threshold()
            self.zeroing()


POLICY_KINDS = (EventKind.BASE, EventKind.THRESHOLD)


def _policy_points(entry: ScoreEntry, rule_set: RuleSet) -> Decimal:
    """What a base or threshold entry is worth under ``rule_set`` (its period and facts kept)."""
    period = parse_period(str(entry.facts.get("period", "")))
    if entry.kind == EventKind.BASE:
        if rule_set.base_points and rule_set.base_period == period.kind:
            return Decimal(rule_set.base_points)
        return ZERO
    adopted_n = int(entry.facts.get("adopted", 0))
    if rule_set.threshold_items and rule_set.threshold_points and adopted_n >= rule_set.threshold_items:
        return Decimal(rule_set.threshold_points)
    return ZERO


def resettle(*, desk: Desk, old_id: int, new: RuleSet, actor: Any) -> int:
    """A corrected version replaces ``old_id``: settle its settled periods again under ``new``.

    Base and threshold entries posted under the old version are worth what the new one
    says (a reversal, then the new points under the same key, unless they are now 0);
    every settled period the new version governs gets what the new version adds (keys
    never posted: a new quota line, a lower threshold); zeroing is recomputed last, from
    the year's points as they now stand. Returns the number of entries reversed or posted.
    """
    reason = f"计分办法更正：{new.name}"
    changed = 0
    live = ScoreEntry.objects.filter(
        desk=desk, rule_set_id=old_id, kind__in=POLICY_KINDS, reverses__isnull=True, reversal__isnull=True
    ).order_by("pk")
    for entry in live:
        worth = _policy_points(entry, new)
        if worth == entry.points:
            continue
        ledger.reverse(entry, actor=actor, reason=reason)
        changed += 1
        if worth:
            ledger.post(
                desk=desk.pk, unit=entry.unit_id, on=entry.on, points=worth, kind=entry.kind, key=entry.key,
                actor=actor, rule_set=new, facts=entry.facts,
                reason=f"按更正后的计分办法重新结算：{entry.reason}",
            )
            changed += 1
    settled = [
        Period(row.kind, row.start, row.end)
        for row in PeriodSweep.objects.filter(desk=desk).order_by("end", "kind")
    ]
    governed = [p for p in settled if getattr(ledger.rule_set_on(desk, p.end), "pk", None) == new.pk]
    for period in governed:
        result = Result()
        sweeper = _Sweep(desk, period, new, result)
        if period.kind == PeriodKind.MONTH:
            sweeper.base()
            sweeper.quota()
            sweeper.unadopted()
        elif period.kind == PeriodKind.QUARTER:
            sweeper.base()
            sweeper.rate_floor()
        else:
            sweeper.threshold()
        changed += result.total
    for period in governed:
        if period.kind == PeriodKind.YEAR:
            changed += _rezero(desk, period, new, actor, reason)
    return changed


def _rezero(desk: Desk, period: Period, new: RuleSet, actor: Any, reason: str) -> int:
    """Zeroing under ``new`` from the year's points now: fix the live entries, then post new ones."""
    changed = 0
    in_year = ScoreEntry.objects.filter(desk=desk, on__gte=period.start, on__lte=period.end)
    needed = new.zeroing_misses
    key_prefix = f"zeroing:{period.code}:"
    live = ScoreEntry.objects.filter(
        desk=desk, key__startswith=key_prefix, reverses__isnull=True, reversal__isnull=True
    ).order_by("pk")
    for entry in live:
        misses = in_year.filter(
            unit_id=entry.unit_id, kind=EventKind.COMMISSION_MISSED, reverses__isnull=True, reversal__isnull=True
        ).count()
        total = in_year.filter(unit_id=entry.unit_id).exclude(kind=EventKind.ZEROING).aggregate(s=Sum("points"))["s"]
        total = Decimal(total or 0).quantize(Decimal("0.01"))
        worth = -total if needed and misses >= needed and total > 0 else ZERO
        if worth == entry.points:
            continue
        ledger.reverse(entry, actor=actor, reason=reason)
        changed += 1
        if worth:
            ledger.post(
                desk=desk.pk, unit=entry.unit_id, on=entry.on, points=worth, kind=EventKind.ZEROING,
                key=entry.key, actor=actor, rule_set=new,
                facts={**entry.facts, "missed": misses, "total": str(total)},
                reason=f"按更正后的计分办法重新清零：{period.label}约稿未报送 {misses} 次，全年得分 {total} 分清零",
            )
            changed += 1
    result = Result()
    _Sweep(desk, period, new, result).zeroing()
    return changed + result.total


def sweep(desk: Desk, period: Period) -> Result:
    """Post what the desk's rules say for one finished period (callers hold the transaction)."""
    result = Result()
    rule_set = ledger.rule_set_on(desk, period.end)
    if rule_set is None:  # no rules yet: nothing settled, so rules published later for the period still apply
        return result
    _Sweep(desk, period, rule_set, result).run()
    if not result.warnings:
        PeriodSweep.objects.get_or_create(
            desk=desk, kind=period.kind, start=period.start, defaults={"end": period.end, "posted": result.total}
        )
    return result


def run(*, desk: Desk | None = None, until: dt.date | None = None, period: Period | None = None) -> Result:
    """The worker's daily run: every due (desk, period), oldest first; returns the totals."""
    from xinxi.scoring.services import period_sweep

    total = Result()
    for d, p in plan(desk=desk, until=until, period=period):
        done = period_sweep(actor=None, desk=d, period=p)
        for kind, n in done.posted.items():
            total.posted[kind] = total.posted.get(kind, 0) + n
        total.warnings += [w for w in done.warnings if w not in total.warnings]
    return total
