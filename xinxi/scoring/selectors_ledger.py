"""Reading the ledger: a desk's entries for its staff, a unit's own entries (我的得分), one trace.

- ``desk_ledger(user, desk)``: the entries of a desk the user may read (its staff, admins);
  another desk's entries are simply absent (pages and API answer 404 for them).
- ``filtered(rows, LedgerFilter)``: the page's and the API's filters — a date range
  (计入日期), unit, event kind, live / reversed / reversal, rule-set version.
- ``totals(rows)``: the sum and count of the filtered rows (one aggregate query).
- ``unit_entries(user)`` and ``monthly(unit, year)``: 我的得分 — a unit's own entries at
  every desk it reports to, and per desk the month totals of a year (one grouped query).
- ``trace_entry(user, pk)``: one entry with what a trace shows, as a desk (``full``) or as
  the credited unit (titles of its own items only, no rule internals); else 404.
Titles are shown only within the viewer's clearance (``item_label``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth
from django.http import Http404

from xinxi.network.models import Desk, Unit
from xinxi.scoring import permissions
from xinxi.scoring.models import EventKind, RuleSet, ScoreEntry
from xinxi.scoring.preview_rules import SECRET_TITLE

CENT = Decimal("0.01")
OTHER_UNIT_TITLE = "（综合或转报的信息）"
TRACE_RELATED = (
    "desk__unit", "unit", "rule_set", "rule_line", "item", "entry", "adoption__issue", "instruction", "penalty",
    "posted_by", "reverses", "reversal",
)
LIST_RELATED = ("desk", "unit", "rule_set", "rule_line", "item", "posted_by", "reversal")


class Status:
    """The 记录状态 filter: live entries, reversed ones, the reversals themselves."""

    LIVE = "live"
    REVERSED = "reversed"
    REVERSAL = "reversal"
    CHOICES = [(LIVE, "有效"), (REVERSED, "已被冲销"), (REVERSAL, "冲销记录")]


KIND_CHOICES = [(k.value, k.label) for k in EventKind]


@dataclass(frozen=True)
class LedgerFilter:
    start: dt.date | None = None
    end: dt.date | None = None
    unit: int | None = None
    kind: str = ""
    status: str = ""
    rule_set: int | None = None

    def active(self) -> bool:
        return any(v not in (None, "") for v in (self.start, self.end, self.unit, self.kind, self.status,
                                                  self.rule_set))


def desk_ledger(user: Any, desk: Desk) -> QuerySet[ScoreEntry]:
    """The desk's entries, if the user may read its ledger (else none)."""
    if not permissions.can_see_desk(user, desk):
        return ScoreEntry.objects.none()
    return ScoreEntry.objects.filter(desk=desk)


def visible_entries(user: Any) -> QuerySet[ScoreEntry]:
    """Every entry of every desk whose ledger the user reads."""
    return ScoreEntry.objects.filter(desk__in=permissions.scoring_desks(user))


def filtered(rows: QuerySet[ScoreEntry], f: LedgerFilter) -> QuerySet[ScoreEntry]:
    if f.start is not None:
        rows = rows.filter(on__gte=f.start)
    if f.end is not None:
        rows = rows.filter(on__lte=f.end)
    if f.unit is not None:
        rows = rows.filter(unit_id=f.unit)
    if f.kind:
        rows = rows.filter(kind=f.kind)
    if f.rule_set is not None:
        rows = rows.filter(rule_set_id=f.rule_set)
    if f.status == Status.LIVE:
        rows = rows.filter(reverses__isnull=True, reversal__isnull=True)
    elif f.status == Status.REVERSED:
        rows = rows.filter(reversal__isnull=False)
    elif f.status == Status.REVERSAL:
        rows = rows.filter(reverses__isnull=False)
    return rows


def for_listing(rows: QuerySet[ScoreEntry]) -> QuerySet[ScoreEntry]:
    """One query per page: the names a row shows, newest first."""
    return rows.select_related(*LIST_RELATED).order_by("-on", "-id")


def totals(rows: QuerySet[ScoreEntry]) -> dict[str, Any]:
    """Sum and number of the rows, and the positive and negative parts (one query)."""
    found = rows.order_by().aggregate(
        total=Sum("points"), n=Count("pk"),
        plus=Sum("points", filter=Q(points__gt=0)), minus=Sum("points", filter=Q(points__lt=0)),
    )
    return {"points": cents(found["total"]), "count": found["n"], "plus": cents(found["plus"]),
            "minus": cents(found["minus"])}


def cents(value: Any) -> Decimal:
    """A sum as the database gives it (SQLite: sometimes an int or a float), to the cent."""
    return Decimal(str(value or 0)).quantize(CENT)


def desk_units(desk: Desk) -> QuerySet[Unit]:
    """The units that have entries at the desk (for the unit filter), in tree order."""
    return Unit.objects.filter(pk__in=ScoreEntry.objects.filter(desk=desk).values("unit_id")).order_by("path")


def desk_rule_sets(desk: Desk) -> QuerySet[RuleSet]:
    return RuleSet.objects.filter(desk=desk).order_by("-valid_from", "-id")


# --- 我的得分 ---


def scored_unit(user: Any) -> Unit | None:
    """The unit whose 我的得分 the user reads (its reporters and approvers), or None."""
    return user.unit if permissions.own_unit_scores(user) else None


def unit_entries(user: Any) -> QuerySet[ScoreEntry]:
    unit = scored_unit(user)
    if unit is None:
        return ScoreEntry.objects.none()
    return ScoreEntry.objects.filter(unit=unit)


def unit_desks(unit: Unit) -> QuerySet[Desk]:
    """The desks that have scored the unit (the desks it reports to)."""
    return (
        Desk.objects.filter(pk__in=ScoreEntry.objects.filter(unit=unit).values("desk_id"))
        .select_related("unit")
        .order_by("unit__path", "pk")
    )


@dataclass
class DeskYear:
    desk: Desk
    months: list[Decimal]  # 12 totals, January first
    total: Decimal


def monthly(unit: Unit, year: int, desks: list[Desk]) -> list[DeskYear]:
    """Per desk the unit's points of each month of ``year`` (one grouped query)."""
    rows = (
        ScoreEntry.objects.filter(unit=unit, on__year=year)
        .annotate(month=ExtractMonth("on"))
        .order_by()
        .values("desk_id", "month")
        .annotate(points=Sum("points"))
    )
    found: dict[int, list[Decimal]] = {d.pk: [cents(0)] * 12 for d in desks}
    for row in rows:
        if row["desk_id"] in found:
            found[row["desk_id"]][row["month"] - 1] = cents(row["points"])
    return [DeskYear(desk=d, months=found[d.pk], total=sum(found[d.pk], cents(0))) for d in desks]


# --- one entry's trace ---


@dataclass
class Trace:
    entry: ScoreEntry
    full: bool  # seen by the desk (everything) or by the credited unit (its own side only)


def trace_entry(user: Any, pk: Any) -> Trace:
    """The entry as the desk sees it, or as the credited unit sees it; 404 for anyone else."""
    rows = ScoreEntry.objects.select_related(*TRACE_RELATED)
    found = visible_entries(user).filter(pk=pk).first() if str(pk).isdigit() else None
    if found is not None:
        return Trace(rows.get(pk=found.pk), full=True)
    unit = scored_unit(user)
    if unit is not None and str(pk).isdigit():
        own = rows.filter(pk=pk, unit=unit).first()
        if own is not None:
            return Trace(own, full=False)
    raise Http404("未找到该积分记录")


def item_label(entry: ScoreEntry, user: Any, *, unit: Unit | None = None) -> str:
    """The item's title, or the placeholder when it is above the user's clearance.

    Seen by a unit (``unit`` given), only the unit's own items are named.
    """
    item = entry.item
    if item is None:
        return ""
    if max(item.classification, entry.classification) > user.clearance:
        return SECRET_TITLE
    if unit is not None and item.unit_id != unit.pk:
        return OTHER_UNIT_TITLE
    if unit is None and ScoreEntry.entry.is_cached(entry) and entry.entry is not None:
        return entry.entry.title  # the desk's title, where the trace loaded it
    return item.title


def readable(entry: ScoreEntry, user: Any) -> bool:
    """Whether the item and the event behind the entry are within the user's clearance."""
    level = entry.classification
    if entry.item is not None:
        level = max(level, entry.item.classification)
    return level <= user.clearance
