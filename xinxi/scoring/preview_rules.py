"""The preview of a rule set version: what each unit would score for a few events, line by
line, computed by the engine (``posting.compute``) and written nowhere.

Used by the preview page and the API's ``preview`` action. Events are entered by hand
(a unit of the desk's network and the conditions the lines look at) or taken from real
adoptions of the desk, whose facts are built the way posting builds them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from xinxi.items.models import Adoption
from xinxi.network.models import Desk, Unit
from xinxi.scoring.figures import network_units
from xinxi.scoring.models import EventKind, MultiAdoption, ReachedLevel, RuleSet
from xinxi.scoring.posting import _issue_facts, compute, scored_units
from xinxi.scoring.rules import Facts

SECRET_TITLE = "（涉密信息）"
RECENT_ADOPTIONS = 50
UPPER_NAMED = {ReachedLevel.PROVINCE, ReachedLevel.GUOBAN, ReachedLevel.ZHONGBAN}


@dataclass
class Event:
    unit: Unit
    facts: Facts
    label: str
    item_id: int | None = None


@dataclass
class Row:
    event: Event
    points: Decimal
    line: str
    steps: list[str] = field(default_factory=list)


@dataclass
class Preview:
    rows: list[Row]
    totals: list[tuple[Unit, Decimal]]

    @property
    def total(self) -> Decimal:
        return sum((points for _, points in self.totals), Decimal(0))


def desk_units(desk: Desk) -> QuerySet[Unit]:
    """The units a desk scores (its network today), in tree order."""
    return network_units(desk, timezone.localdate()).order_by("path")


def levels_for(kind: str, level: str) -> tuple[str, ...]:
    """The reached levels an event is tried at, most specific first (as posting gives them)."""
    if kind == EventKind.ADOPTION:
        return (level or ReachedLevel.OWN,)
    if kind == EventKind.ADOPTION_LEVEL:
        if not level:
            return (ReachedLevel.UPPER,)
        return (level, ReachedLevel.UPPER) if level in UPPER_NAMED else (level,)
    return ()


def hand_event(unit: Unit, data: dict[str, Any]) -> Event:
    """An event entered by hand: ``data`` holds the conditions (blank for none)."""
    kind = data["kind"]
    facts = Facts(
        kind=kind,
        periodical=int(data["periodical"]) if data.get("periodical") else None,
        column=data.get("column") or "",
        adoption_kind=data.get("adoption_kind") or "",
        issue_kind=data.get("issue_kind") or "",
        levels=levels_for(kind, data.get("level") or ""),
        leader_level=data.get("leader_level") or "",
        category=data.get("category") or "",
        commissioned=bool(data.get("commissioned")),
        sources=data.get("sources") or 1,
        count=data.get("count") or 1,
        levels_up=data.get("levels_up") or 1,
    )
    return Event(unit=unit, facts=facts, label=EventKind(kind).label)


def adoption_title(adoption: Adoption, user: Any) -> str:
    entry = adoption.entry
    return entry.title if entry.classification <= user.clearance else SECRET_TITLE


def recent_adoptions(desk: Desk) -> QuerySet[Adoption]:
    """The desk's own live adoptions, newest first, for the preview's choice list."""
    return (
        Adoption.objects.filter(desk=desk, external=False, withdrawn_at__isnull=True)
        .select_related("entry")
        .order_by("-adopted_on", "-id")[:RECENT_ADOPTIONS]
    )


def adoption_events(adoptions: Sequence[Adoption], user: Any) -> list[Event]:
    """The 本级采用 events of real adoptions: one per credited unit, split shares as posting gives them."""
    events: list[Event] = []
    for adoption in adoptions:
        entry = adoption.entry
        units = scored_units(entry)
        common = {"adoption_kind": adoption.kind, "category": entry.category, **_issue_facts(entry, adoption)}
        for share, unit in enumerate(units):
            facts = Facts(kind=EventKind.ADOPTION, levels=(ReachedLevel.OWN,), sources=len(units), share=share,
                          **common)
            label = f"采用 #{adoption.pk}：{adoption_title(adoption, user)}（{adoption.publication}）"
            events.append(Event(unit=unit, facts=facts, label=label, item_id=entry.item_id))
    return events


def preview(rule_set: RuleSet, events: Sequence[Event], *, on: dt.date | None = None) -> Preview:
    """Score every event under ``rule_set`` and total per unit; nothing is written."""
    rule_set = RuleSet.objects.prefetch_related("lines", "multipliers").get(pk=rule_set.pk)
    on = on or rule_set.valid_from
    rows: list[Row] = []
    best: dict[tuple[int, int], Row] = {}
    for event in events:
        result = compute(rule_set, event.facts, on=on)
        row = Row(event=event, points=result.points, line=str(result.line) if result.line else "（无适用条目）",
                  steps=list(result.steps))
        rows.append(row)
        if rule_set.multi_adoption == MultiAdoption.HIGHEST and event.item_id is not None:
            key = (event.unit.pk, event.item_id)
            kept = best.get(key)
            if kept is None or row.points > kept.points:
                if kept is not None:
                    _capped(kept)
                best[key] = row
            else:
                _capped(row)
    totals: dict[int, tuple[Unit, Decimal]] = {}
    for row in rows:
        unit, sum_ = totals.get(row.event.unit.pk, (row.event.unit, Decimal(0)))
        totals[unit.pk] = (unit, sum_ + row.points)
    return Preview(rows=rows, totals=sorted(totals.values(), key=lambda t: (-t[1], t[0].path)))


def _capped(row: Row) -> None:
    row.steps.append(f"只计最高分：该信息另有更高的采用，本次不计（原 {row.points}分）")
    row.points = Decimal(0)


__all__ = ["Event", "Preview", "Row", "adoption_events", "desk_units", "hand_event", "preview", "recent_adoptions"]
