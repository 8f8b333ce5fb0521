"""Appraisal (考评): the yearly direct-point evaluation and the two-yearly excellence proposals.

Everything here is a read, computed from the ledger and the item tables by database
aggregates (one grouped query per figure); ranking and cutting the lists is done on the
aggregated rows.

- **Direct points** of a desk for a year: the points open at the year's end (admitted on
  or before it, not revoked by then). Per point: the year's points at the desk, adoptions
  (net of reversals), items submitted, instructions. The top N by points are proposed for
  commendation (ties at the N-th place all go in; a point with no positive points or under
  the threshold is never commended); the points under the threshold (strictly below) are
  proposed to lose point status, if still open today.
- **Two-yearly** (the year and the one before): 优秀信息单位 (the desk's scored units by
  points), 优秀信息工作者 (by the items they wrote: the item's 执笔人, else the account that
  wrote it; points the desk's ledger gave those items), 优秀信息 (the items that reached
  the desk and were adopted in the period, ordered by the highest level reached, then
  instructions, then adoptions, then points). Each list keeps the ties at its last place.

A classified item's title is shown only up to the viewer's clearance (``SECRET_TITLE``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from xinxi.instructions.models import Instruction
from xinxi.items.models import Adoption, AdoptionLevel, DeskEntry, EntrySource, Item
from xinxi.lib.errors import ServiceError
from xinxi.network.models import Desk, DirectPoint, Unit
from xinxi.publications.models import IssueItem
from xinxi.scoring.models import Appraisal, AppraisalLine, EventKind, ScoreEntry

ZERO = Decimal(0)
TENTH = Decimal("0.1")
SECRET_TITLE = "（涉密信息）"
DEFAULT_TOP = 15  # 吉林: the top 15 points are commended
DEFAULT_THRESHOLD = Decimal(12)  # 吉林: under 12 points a point loses its status
DEFAULT_SIZE = 10
MAX_TOP = 200
MAX_SIZE = 100
FIRST_YEAR = 2000

# The highest level an item reached, as a number the database can take the maximum of.
LEVEL_RANK = {
    AdoptionLevel.COUNTY: 1,
    AdoptionLevel.CITY: 2,
    AdoptionLevel.PROVINCE: 3,
    AdoptionLevel.GUOBAN: 4,
    AdoptionLevel.CENTRAL: 4,
    AdoptionLevel.ZHONGBAN: 5,
}
RANK_LABEL = {1: "县级", 2: "市级", 3: "省级", 4: "国办", 5: "中办"}


def default_year(today: dt.date | None = None) -> int:
    """The year an appraisal is usually about: this one in December, else the last one."""
    today = today or timezone.localdate()
    return today.year if today.month == 12 else today.year - 1


def year_span(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def two_years(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year - 1, 1, 1), dt.date(year, 12, 31)


def points_text(value: Decimal) -> str:
    """Points as people write them: 30, 12.5, -5 (the same on every database)."""
    text = f"{Decimal(value).quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _rate(adopted: int, submitted: int) -> Decimal | None:
    if not submitted:
        return None
    return (Decimal(adopted) * 100 / submitted).quantize(TENTH, rounding=ROUND_HALF_UP)


def check_terms(year: Any, top_n: Any, threshold: Any) -> tuple[int, int, Decimal]:
    """The year, N and threshold, or a Chinese refusal naming the one that is wrong."""
    try:
        year, top_n, threshold = int(year), int(top_n), Decimal(str(threshold))
    except (TypeError, ValueError, ArithmeticError):
        raise ServiceError("考评年度、表扬名额和撤销门槛应为数字。") from None
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise ServiceError({"year": [f"考评年度应在 {FIRST_YEAR} 年到今年之间。"]})
    if not 1 <= top_n <= MAX_TOP:
        raise ServiceError({"top": [f"表扬名额应在 1 到 {MAX_TOP} 之间。"]})
    if not threshold.is_finite() or not Decimal(0) <= threshold <= Decimal(10000):
        raise ServiceError({"threshold": ["撤销门槛应在 0 到 10000 分之间。"]})
    return year, top_n, threshold.quantize(Decimal("0.01"))


# --- per unit figures (the ledger and the desk's entries, grouped by unit) ---


@dataclass
class Figures:
    points: Decimal = ZERO
    adopted: int = 0
    submitted: int = 0
    instructions: int = 0

    @property
    def rate(self) -> Decimal | None:
        return _rate(self.adopted, self.submitted)


def unit_figures(desk: Desk, start: dt.date, end: dt.date, units: Iterable[int] | None = None) -> dict[int, Figures]:
    """Points, net adoptions and instructions (from the ledger) and items submitted, per unit."""
    live = Q(reverses__isnull=True)
    ledger = ScoreEntry.objects.filter(desk=desk, on__gte=start, on__lte=end)
    entries = DeskEntry.objects.filter(desk=desk, received_at__date__gte=start, received_at__date__lte=end).exclude(
        source=EntrySource.COMBINED
    )
    if units is not None:
        wanted = list(units)
        ledger = ledger.filter(unit_id__in=wanted)
    rows = ledger.values("unit_id").order_by().annotate(
        points=Sum("points"),
        adopted_plus=Count("pk", filter=Q(kind=EventKind.ADOPTION) & live),
        adopted_minus=Count("pk", filter=Q(kind=EventKind.ADOPTION) & ~live),
        instr_plus=Count("pk", filter=Q(kind=EventKind.INSTRUCTION) & live),
        instr_minus=Count("pk", filter=Q(kind=EventKind.INSTRUCTION) & ~live),
    )
    found: dict[int, Figures] = {}
    for r in rows:
        found[r["unit_id"]] = Figures(
            points=r["points"] or ZERO,
            adopted=r["adopted_plus"] - r["adopted_minus"],
            instructions=r["instr_plus"] - r["instr_minus"],
        )
    sent = (
        entries.annotate(sender=Coalesce(F("forwarded_from__desk__unit_id"), F("origin_unit_id")))
        .values("sender")
        .order_by()
        .annotate(n=Count("pk"))
    )
    if units is not None:
        sent = sent.filter(sender__in=wanted)
    for s in sent:
        found.setdefault(s["sender"], Figures()).submitted = s["n"]
    return found


def ranked[R](rows: Sequence[R], key: Callable[[R], Any], size: int) -> list[tuple[int, R]]:
    """Competition ranks over rows already sorted best first (ties share a rank: 1, 2, 2, 4);
    keeps every row ranked ``size`` or better, so a tie at the last place keeps all of it."""
    result: list[tuple[int, R]] = []
    for position, row in enumerate(rows, start=1):
        rank = result[-1][0] if result and key(result[-1][1]) == key(row) else position
        if rank > size:
            break
        result.append((rank, row))
    return result


# --- the yearly direct-point appraisal ---


@dataclass
class PointRow:
    point: DirectPoint
    figures: Figures
    rank: int = 0
    commend: bool = False
    revoke: bool = False

    @property
    def unit(self) -> Unit:
        return self.point.unit

    @property
    def points(self) -> Decimal:
        return self.figures.points


@dataclass
class PointProposal:
    desk: Desk
    year: int
    top_n: int
    threshold: Decimal
    rows: list[PointRow]

    @property
    def commend(self) -> list[PointRow]:
        return [r for r in self.rows if r.commend]

    @property
    def revoke(self) -> list[PointRow]:
        return [r for r in self.rows if r.revoke]


def year_points(desk: Desk, year: int) -> QuerySet[DirectPoint]:
    """The desk's direct points open at the year's end, and those this year's confirmed appraisal decided on
    (a point it revoked before the year ended, when a year is appraised in December, stays on its list)."""
    _, end = year_span(year)
    decided = AppraisalLine.objects.filter(appraisal__desk=desk, appraisal__year=year).values("point_id")
    return DirectPoint.objects.filter(desk=desk, admitted_on__lte=end).filter(
        Q(revoked_on__isnull=True) | Q(revoked_on__gt=end) | Q(pk__in=decided)
    )


def point_proposal(desk: Desk, year: int, *, top_n: int, threshold: Decimal) -> PointProposal:
    start, end = year_span(year)
    points = list(year_points(desk, year).select_related("unit").order_by("unit__sort_order", "unit__path"))
    figures = unit_figures(desk, start, end, [p.unit_id for p in points])
    rows = [PointRow(point=p, figures=figures.get(p.unit_id, Figures())) for p in points]
    rows.sort(key=lambda r: -r.points)  # stable: tree order among equals
    position = 0
    for i, row in enumerate(rows, start=1):
        position = position if i > 1 and rows[i - 2].points == row.points else i
        row.rank = position
    eligible = [r for r in rows if r.points > 0 and r.points >= threshold]
    for _rank, row in ranked(eligible, lambda r: r.points, top_n):
        row.commend = True
    for row in rows:
        row.revoke = row.points < threshold and row.point.revoked_on is None
    return PointProposal(desk=desk, year=year, top_n=top_n, threshold=threshold, rows=rows)


# --- two-yearly excellence ---


@dataclass
class UnitRow:
    unit: Unit
    figures: Figures
    rank: int = 0


@dataclass
class StaffRow:
    unit: Unit
    name: str
    items: int = 0  # items written that reached the desk in the period
    adopted: int = 0  # of them (or earlier ones) adopted in the period
    points: Decimal = ZERO
    rank: int = 0


@dataclass
class ItemRow:
    item: Item
    title: str
    unit: Unit
    writer: str
    adoptions: int
    level: str
    instructions: int
    points: Decimal
    rank: int = 0


@dataclass
class Excellence:
    start: dt.date
    end: dt.date
    size: int
    units: list[UnitRow] = field(default_factory=list)
    staff: list[StaffRow] = field(default_factory=list)
    items: list[ItemRow] = field(default_factory=list)


def _author() -> Coalesce:
    """The item's 执笔人, else the name of the account that wrote it, else its account name."""
    return Coalesce(
        NullIf("item__writer_name", Value("")),
        NullIf("item__created_by__full_name", Value("")),
        "item__created_by__username",
        output_field=CharField(),
    )


def excellent_units(desk: Desk, start: dt.date, end: dt.date, size: int) -> list[UnitRow]:
    figures = {pk: f for pk, f in unit_figures(desk, start, end).items() if f.points > 0}
    units = Unit.objects.in_bulk(list(figures))
    rows = sorted(
        (UnitRow(unit=units[pk], figures=f) for pk, f in figures.items() if pk in units),
        key=lambda r: (-r.figures.points, -r.figures.adopted, r.unit.path),
    )
    out = []
    for rank, row in ranked(rows, lambda r: r.figures.points, size):
        row.rank = rank
        out.append(row)
    return out


def excellent_staff(desk: Desk, start: dt.date, end: dt.date, size: int) -> list[StaffRow]:
    ledger = (
        ScoreEntry.objects.filter(desk=desk, on__gte=start, on__lte=end, item__isnull=False)
        .annotate(author=_author())
        .values("item__unit_id", "author")
        .order_by()
        .annotate(points=Sum("points"))
    )
    written = (
        DeskEntry.objects.filter(desk=desk, received_at__date__gte=start, received_at__date__lte=end)
        .exclude(source=EntrySource.COMBINED)
        .annotate(author=_author())
        .values("item__unit_id", "author")
        .order_by()
        .annotate(n=Count("item", distinct=True))
    )
    adopted = (
        Adoption.objects.filter(
            withdrawn_at__isnull=True,
            adopted_on__gte=start,
            adopted_on__lte=end,
            item__entries__desk=desk,
        )
        .annotate(author=_author())
        .values("item__unit_id", "author")
        .order_by()
        .annotate(n=Count("item", distinct=True))
    )
    rows: dict[tuple[int, str], dict[str, Any]] = {}
    for r in ledger:
        rows.setdefault((r["item__unit_id"], r["author"]), {})["points"] = r["points"] or ZERO
    for w in written:
        rows.setdefault((w["item__unit_id"], w["author"]), {})["items"] = w["n"]
    for a in adopted:
        rows.setdefault((a["item__unit_id"], a["author"]), {})["adopted"] = a["n"]
    units = Unit.objects.in_bulk({unit_id for unit_id, _ in rows})
    staff = [
        StaffRow(unit=units[unit_id], name=name, items=v.get("items", 0), adopted=v.get("adopted", 0),
                 points=v.get("points", ZERO))
        for (unit_id, name), v in rows.items()
        if v.get("points", ZERO) > 0 or v.get("adopted", 0) > 0
    ]
    staff.sort(key=lambda r: (-r.points, -r.adopted, r.unit.path, r.name))
    out = []
    for rank, row in ranked(staff, lambda r: (r.points, r.adopted), size):
        row.rank = rank
        out.append(row)
    return out


def _item_candidates(desk: Desk, start: dt.date, end: dt.date) -> Any:
    """The items that reached the desk and were adopted in the period, with their figures annotated."""
    live = Adoption.objects.filter(
        item=OuterRef("pk"), withdrawn_at__isnull=True, adopted_on__gte=start, adopted_on__lte=end
    )
    level = Case(
        *[When(level=code, then=Value(rank)) for code, rank in LEVEL_RANK.items()],
        default=Value(0),
        output_field=IntegerField(),
    )
    on_entry = Instruction.objects.filter(entry__item=OuterRef("pk"))
    on_issue = Instruction.objects.filter(
        issue__in=IssueItem.objects.filter(entry__item=OuterRef(OuterRef("pk"))).values("issue_id")
    )
    period = Q(instructed_on__gte=start, instructed_on__lte=end)

    def counted(rows: QuerySet[Any]) -> Subquery:
        return Subquery(
            rows.order_by().annotate(one=Value(1)).values("one").annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        )

    points = (
        ScoreEntry.objects.filter(desk=desk, item=OuterRef("pk"), on__gte=start, on__lte=end)
        .order_by()
        .values("item")
        .annotate(s=Sum("points"))
        .values("s")[:1]
    )
    return (
        Item.objects.filter(Exists(DeskEntry.objects.filter(item=OuterRef("pk"), desk=desk)), Exists(live))
        .annotate(
            n_adoptions=Coalesce(counted(live), 0),
            top_level=Coalesce(Subquery(live.annotate(r=level).order_by("-r").values("r")[:1]), 0),
            n_instructions=Coalesce(counted(on_entry.filter(period)), 0)
            + Coalesce(counted(on_issue.filter(period)), 0),
            item_points=Coalesce(Subquery(points), Value(ZERO)),
        )
        .select_related("unit", "created_by")
    )


ITEM_ORDER = ("-top_level", "-n_instructions", "-n_adoptions", "-item_points", "pk")


def _item_key(item: Any) -> tuple[int, int, int, Decimal]:
    return (item.top_level, item.n_instructions, item.n_adoptions, item.item_points)


def excellent_items(desk: Desk, start: dt.date, end: dt.date, size: int, user: Any) -> list[ItemRow]:
    candidates = _item_candidates(desk, start, end)
    first: list[Any] = list(candidates.order_by(*ITEM_ORDER)[:size])
    if len(first) == size:  # the ties at the last place come too
        last = first[-1]
        tied = candidates.filter(
            top_level=last.top_level,
            n_instructions=last.n_instructions,
            n_adoptions=last.n_adoptions,
            item_points=last.item_points,
        ).exclude(pk__in=[i.pk for i in first])
        first += list(tied.order_by("pk"))
    clearance = getattr(user, "clearance", 0)
    out = []
    for rank, item in ranked(first, _item_key, size):
        out.append(
            ItemRow(
                item=item,
                title=item.title if item.classification <= clearance else SECRET_TITLE,
                unit=item.unit,
                writer=item.writer_name or str(item.created_by),
                adoptions=item.n_adoptions,
                level=RANK_LABEL.get(item.top_level, ""),
                instructions=item.n_instructions,
                points=item.item_points,
                rank=rank,
            )
        )
    return out


def excellence(desk: Desk, year: int, *, size: int, user: Any) -> Excellence:
    start, end = two_years(year)
    return Excellence(
        start=start,
        end=end,
        size=size,
        units=excellent_units(desk, start, end, size),
        staff=excellent_staff(desk, start, end, size),
        items=excellent_items(desk, start, end, size, user),
    )


# --- the whole page ---


@dataclass
class AppraisalView:
    """What the page, the API and the exports show for one desk and year."""

    desk: Desk
    year: int
    points: PointProposal
    excellence: Excellence
    confirmed: Appraisal | None


def confirmed_appraisal(desk: Desk, year: int) -> Appraisal | None:
    return (
        Appraisal.objects.filter(desk=desk, year=year)
        .select_related("confirmed_by")
        .prefetch_related("lines__unit", "lines__point")
        .first()
    )


def appraisal_view(
    desk: Desk, year: int, *, top_n: int, threshold: Decimal, size: int, user: Any
) -> AppraisalView:
    confirmed = confirmed_appraisal(desk, year)
    if confirmed is not None:  # what was confirmed is what the page shows
        top_n, threshold = confirmed.top_n, confirmed.threshold
    return AppraisalView(
        desk=desk,
        year=year,
        points=point_proposal(desk, year, top_n=top_n, threshold=threshold),
        excellence=excellence(desk, year, size=size, user=user),
        confirmed=confirmed,
    )
