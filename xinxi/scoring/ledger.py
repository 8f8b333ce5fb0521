"""The ledger's two primitives: post an entry once, reverse one. Nothing here updates a row.

Callers are services (in their transaction) and the period sweeps. ``post`` is
idempotent per (desk, key): while a live (unreversed) entry with the key exists, posting
it again does nothing and returns None. A posting dated inside a closed period lands on
the first day after it and says so in its reason.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet

from xinxi.network.models import Desk, Unit
from xinxi.scoring.models import PeriodClose, RuleLine, RuleSet, RuleSetState, ScoreEntry
from xinxi.scoring.rules import Facts


def rule_set_on(desk: Desk | int, on: dt.date) -> RuleSet | None:
    """The active rule set version of the desk on a date (lines and multipliers prefetched)."""
    desk_id = desk if isinstance(desk, int) else desk.pk
    return (
        RuleSet.objects.filter(desk_id=desk_id, state=RuleSetState.ACTIVE, valid_from__lte=on)
        .prefetch_related("lines", "multipliers")
        .order_by("-valid_from", "-id")
        .first()
    )


def open_date(desk_id: int, on: dt.date) -> dt.date:
    """``on``, or the first day after the closed periods that cover it."""
    while True:
        end = PeriodClose.objects.filter(desk_id=desk_id, start__lte=on, end__gte=on).aggregate(m=Max("end"))["m"]
        if end is None:
            return on
        on = end + dt.timedelta(days=1)


def live(desk_id: int, key: str) -> QuerySet[ScoreEntry]:
    """Entries posted under the key and not reversed (a reversal is never live)."""
    return ScoreEntry.objects.filter(desk_id=desk_id, key=key, reverses__isnull=True, reversal__isnull=True)


def splits_of(facts: dict[str, Any]) -> tuple[str, str]:
    """The adoption kind and the reached level (the first of ``levels``) an entry is counted under."""
    levels = facts.get("levels") or ()
    return str(facts.get("adoption_kind") or ""), str(levels[0]) if levels else ""


def post(
    *,
    desk: Desk | int,
    unit: Unit | int,
    on: dt.date,
    points: Decimal,
    kind: str,
    key: str,
    actor: Any = None,
    reason: str = "",
    rule_set: RuleSet | None = None,
    line: RuleLine | None = None,
    facts: Facts | dict[str, Any] | None = None,
    reverses: ScoreEntry | None = None,
    **traces: Any,
) -> ScoreEntry | None:
    """Append one entry unless the event is already posted; returns it, or None."""
    desk_id = desk if isinstance(desk, int) else desk.pk
    unit_id = unit if isinstance(unit, int) else unit.pk
    if reverses is None and live(desk_id, key).exists():
        return None
    landed = open_date(desk_id, on)
    if landed != on:
        reason = f"{reason}（{on:%Y-%m-%d}所在周期已关账，计入{landed:%Y-%m-%d}）".lstrip()
    serial = ScoreEntry.objects.filter(desk_id=desk_id, key=key).aggregate(m=Max("serial"))["m"]
    data = facts.as_json() if isinstance(facts, Facts) else dict(facts or {})
    adoption_kind, reached_level = splits_of(data)
    try:
        with transaction.atomic():
            return ScoreEntry.objects.create(
                desk_id=desk_id,
                unit_id=unit_id,
                on=landed,
                points=Decimal(points).quantize(Decimal("0.01")),
                kind=kind,
                key=key,
                serial=0 if serial is None else serial + 1,
                rule_set=rule_set,
                rule_line=line,
                facts=data,
                adoption_kind=adoption_kind,
                reached_level=reached_level,
                reason=reason[:300],
                posted_by=actor if getattr(actor, "is_authenticated", False) else None,
                reverses=reverses,
                **traces,
            )
    except IntegrityError:  # a concurrent posting of the same event won
        return None


def reverse(entry: ScoreEntry, *, actor: Any, reason: str) -> ScoreEntry | None:
    """冲销: append the opposite of ``entry`` (once); it keeps the entry's traces and points back."""
    if entry.reverses_id is not None or ScoreEntry.objects.filter(reverses=entry).exists():
        return None
    return post(
        desk=entry.desk_id,
        unit=entry.unit_id,
        on=entry.on,
        points=-entry.points,
        kind=entry.kind,
        key=f"reversal:{entry.pk}",
        actor=actor,
        reason=reason,
        rule_set=entry.rule_set,
        line=entry.rule_line,
        facts=entry.facts,
        reverses=entry,
        item_id=entry.item_id,
        entry_id=entry.entry_id,
        adoption_id=entry.adoption_id,
        instruction_id=entry.instruction_id,
        penalty_id=entry.penalty_id,
        classification=entry.classification,
    )
