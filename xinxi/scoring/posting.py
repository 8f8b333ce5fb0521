"""Posting the points of business events: adoptions, forwarding, instructions, withdrawals.

Connected to the hooks of ``items`` and ``instructions`` (``apps.ScoringConfig.ready``),
so each runs inside the transaction of the service that created the event. Which unit a
desk credits: the unit that sent it the entry (for an entry forwarded up, the desk
below; for a combined entry, each source's sender).

Adoption at desk X of an entry E:
- X posts 本级采用 for each unit credited at X (split, full or fixed for several);
- every desk below X in E's chain posts 上级或系统外采用 for the units it credits, by its
  own upward policy (level lines, X's own points, or its home points × k per level);
- an adoption outside the system (国办/中办/省办, entered by hand by the desk that sent
  it there) is upward for that desk and every desk below it.
Under "only the highest" a unit's adoptions of one item are rebalanced so that only the
best counts, by reversal and re-posting, never by editing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.utils import timezone

from xinxi.instructions.models import Instruction
from xinxi.items.models import Adoption, AdoptionLevel, DeskEntry, EntrySource
from xinxi.network.models import Level, Unit
from xinxi.publications.models import IssueItem
from xinxi.scoring import events, ledger
from xinxi.scoring.models import (
    ADOPTION_KINDS,
    EventKind,
    IssueKind,
    MultiAdoption,
    ReachedLevel,
    RuleSet,
    ScoreEntry,
    UpwardPolicy,
)
from xinxi.scoring.rules import Facts, Score, score, times_k

EXTERNAL_LEVELS: dict[str, tuple[str, ...]] = {
    AdoptionLevel.ZHONGBAN: (ReachedLevel.ZHONGBAN, ReachedLevel.UPPER),
    AdoptionLevel.GUOBAN: (ReachedLevel.GUOBAN, ReachedLevel.UPPER),
    AdoptionLevel.CENTRAL: (ReachedLevel.GUOBAN, ReachedLevel.ZHONGBAN, ReachedLevel.UPPER),
    AdoptionLevel.PROVINCE: (ReachedLevel.PROVINCE, ReachedLevel.UPPER),
    AdoptionLevel.CITY: (ReachedLevel.UPPER,),
    AdoptionLevel.COUNTY: (ReachedLevel.UPPER,),
}


def scored_units(entry: DeskEntry) -> list[Unit]:
    """The units a desk credits for one of its entries."""
    if entry.forwarded_from_id is not None:
        lower = DeskEntry.objects.select_related("desk__unit").get(pk=entry.forwarded_from_id)
        return [lower.desk.unit]
    if entry.source == EntrySource.COMBINED:
        found: list[Unit] = []
        sources = DeskEntry.objects.filter(combined_into__combined=entry).order_by("pk")
        for source in sources:
            for unit in scored_units(source):
                if unit.pk not in {u.pk for u in found}:
                    found.append(unit)
        if found:
            return found
    return [Unit.objects.get(pk=entry.origin_unit_id)]


def chain_below(entry: DeskEntry) -> list[DeskEntry]:
    below, current = [], entry
    while current.forwarded_from_id is not None:
        current = DeskEntry.objects.select_related("desk__unit").get(pk=current.forwarded_from_id)
        below.append(current)
    return below


def _issue_facts(entry: DeskEntry, adoption: Adoption) -> dict[str, Any]:
    if adoption.issue_id is None:
        return {"periodical": None, "column": "", "issue_kind": ""}
    placed = IssueItem.objects.filter(issue_id=adoption.issue_id, entry=entry).select_related("column", "issue").first()
    issue = placed.issue if placed else adoption.issue
    assert issue is not None
    return {
        "periodical": issue.periodical_id,
        "column": placed.column.name if placed and placed.column else "",
        "issue_kind": IssueKind.SUPPLEMENT if issue.supplement else IssueKind.REGULAR,
    }


def compute(rule_set: RuleSet, facts: Facts, *, on: dt.date) -> Score:
    """Points under a rule set, the upward policy included (also used to rescore)."""
    if facts.kind != EventKind.ADOPTION_LEVEL or rule_set.upward == UpwardPolicy.LEVEL_LINES:
        return score(rule_set, facts)
    home = replace(facts, kind=EventKind.ADOPTION, levels=(ReachedLevel.OWN,), periodical=None, column="")
    if rule_set.upward == UpwardPolicy.TIMES_K:
        base = score(rule_set, home)
        points = times_k(base.points, rule_set.upward_k, facts.levels_up)
        return Score(points, base.line, [*base.steps, f"× {rule_set.upward_k}^{max(facts.levels_up, 1)}（上级采用）"])
    upper = ledger.rule_set_on(facts.upper_desk, on) if facts.upper_desk else None
    if upper is None:  # adopted outside the system, or the upper desk has no rules: the level lines
        return score(rule_set, facts)
    theirs = score(upper, replace(home, periodical=facts.periodical, column=facts.column))
    return Score(theirs.points, None, [f"按{upper.desk.name}计分办法：", *theirs.steps])


def _post_adoption(
    *,
    rule_set: RuleSet,
    unit: Unit,
    facts: Facts,
    on: dt.date,
    key: str,
    actor: Any,
    entry: DeskEntry,
    adoption: Adoption,
) -> None:
    result = compute(rule_set, facts, on=on)
    traces: dict[str, Any] = {"item_id": entry.item_id, "entry_id": entry.pk, "adoption_id": adoption.pk}
    data = {**facts.as_json(), "full": str(result.points)}
    if rule_set.multi_adoption == MultiAdoption.HIGHEST:
        others = _live_adoptions(rule_set.desk_id, unit.pk, entry.item_id)
        best = max((Decimal(o.facts.get("full", o.points)) for o in others), default=None)
        if best is not None and result.points <= best:
            ledger.post(
                desk=rule_set.desk_id,
                unit=unit,
                on=on,
                points=Decimal(0),
                kind=facts.kind,
                key=key,
                actor=actor,
                reason=f"只计最高分：该信息已按 {best} 分计（本次 {result.points} 分）",
                rule_set=rule_set,
                line=result.line,
                facts={**data, "capped": True},
                classification=entry.classification,
                **traces,
            )
            return
        for other in others:
            if other.points != 0:
                _repost(other, Decimal(0), actor=actor, reason="只计最高分：被分值更高的采用取代", capped=True)
    ledger.post(
        desk=rule_set.desk_id,
        unit=unit,
        on=on,
        points=result.points,
        kind=facts.kind,
        key=key,
        actor=actor,
        reason=result.explain,
        rule_set=rule_set,
        line=result.line,
        facts=data,
        classification=entry.classification,
        **traces,
    )


def _live_adoptions(desk_id: int, unit_id: int, item_id: int) -> list[ScoreEntry]:
    return list(
        ScoreEntry.objects.filter(
            desk_id=desk_id,
            unit_id=unit_id,
            item_id=item_id,
            kind__in=ADOPTION_KINDS,
            reverses__isnull=True,
            reversal__isnull=True,
        ).order_by("pk")
    )


def _repost(entry: ScoreEntry, points: Decimal, *, actor: Any, reason: str, capped: bool) -> None:
    """Reverse an entry and post it again under the same key with other points."""
    ledger.reverse(entry, actor=actor, reason=reason)
    ledger.post(
        desk=entry.desk_id,
        unit=entry.unit_id,
        on=entry.on,
        points=points,
        kind=entry.kind,
        key=entry.key,
        actor=actor,
        reason=reason,
        rule_set=entry.rule_set,
        line=entry.rule_line,
        facts={**entry.facts, "capped": capped},
        item_id=entry.item_id,
        entry_id=entry.entry_id,
        adoption_id=entry.adoption_id,
        classification=entry.classification,
    )


def _adoption_kind(adoptions: list[Adoption]) -> str:
    return adoptions[0].kind


def on_adoption_recorded(*, actor: Any, entry: DeskEntry, adoptions: list[Adoption]) -> None:
    """Post the points of one adoption at the adopting desk and at every desk below it."""
    if not adoptions:
        return
    first = adoptions[0]
    on = first.adopted_on
    common = {
        "adoption_kind": _adoption_kind(adoptions),
        "category": entry.category,
        **_issue_facts(entry, first),
    }
    if not first.external:
        rule_set = ledger.rule_set_on(entry.desk_id, on)
        units = scored_units(entry)
        for share, unit in enumerate(units):
            facts = Facts(
                kind=EventKind.ADOPTION, levels=(ReachedLevel.OWN,), sources=len(units), share=share,
                commissioned=events.is_commissioned(entry.desk_id, entry.item_id), **common
            )
            if rule_set is not None:
                _post_adoption(
                    rule_set=rule_set,
                    unit=unit,
                    facts=facts,
                    on=on,
                    key=f"adoption:{first.pk}:unit:{unit.pk}",
                    actor=actor,
                    entry=entry,
                    adoption=first,
                )
        below = chain_below(entry)
        levels: tuple[str, ...] = (
            (ReachedLevel.PROVINCE, ReachedLevel.UPPER)
            if entry.desk.unit.level == Level.PROVINCE
            else (ReachedLevel.UPPER,)
        )
        upper_desk: int | None = entry.desk_id
    else:
        below = [entry, *chain_below(entry)]
        levels = EXTERNAL_LEVELS.get(first.level, (ReachedLevel.UPPER,))
        upper_desk = None
    for up, lower in enumerate(below, start=1):
        rule_set = ledger.rule_set_on(lower.desk_id, on)
        if rule_set is None:
            continue
        units = scored_units(lower)
        for share, unit in enumerate(units):
            facts = Facts(
                kind=EventKind.ADOPTION_LEVEL,
                levels=levels,
                sources=len(units),
                share=share,
                levels_up=up,
                upper_desk=upper_desk,
                commissioned=events.is_commissioned(lower.desk_id, lower.item_id),
                **common,
            )
            _post_adoption(
                rule_set=rule_set,
                unit=unit,
                facts=facts,
                on=on,
                key=f"adoption:{first.pk}:unit:{unit.pk}",
                actor=actor,
                entry=lower,
                adoption=first,
            )


def on_adoption_withdrawn(*, actor: Any, adoptions: list[Adoption], reason: str) -> None:
    """Reverse every live entry the withdrawn adoption earned; under "only the highest", restore the next best."""
    entries = ScoreEntry.objects.filter(
        adoption__in=adoptions, reverses__isnull=True, reversal__isnull=True
    ).select_related("rule_set")
    touched: set[tuple[int, int, int]] = set()
    for entry in entries:
        ledger.reverse(entry, actor=actor, reason=f"撤销采用：{reason}")
        if entry.item_id is not None:
            touched.add((entry.desk_id, entry.unit_id, entry.item_id))
    for desk_id, unit_id, item_id in touched:
        _restore_highest(desk_id, unit_id, item_id, actor=actor)


def _restore_highest(desk_id: int, unit_id: int, item_id: int, *, actor: Any) -> None:
    others = _live_adoptions(desk_id, unit_id, item_id)
    if not others or any(o.points != 0 for o in others):
        return
    best = max(others, key=lambda o: Decimal(o.facts.get("full", "0")))
    full = Decimal(best.facts.get("full", "0"))
    if full != 0:
        _repost(best, full, actor=actor, reason="只计最高分：原最高分的采用已撤销，改按本次采用计分", capped=False)


def on_entry_forwarded(*, actor: Any, entry: DeskEntry, upper: DeskEntry) -> None:
    """报上级: the forwarding desk credits the units it forwarded for."""
    on = timezone.localdate()
    rule_set = ledger.rule_set_on(entry.desk_id, on)
    if rule_set is None:
        return
    for unit in scored_units(entry):
        facts = Facts(kind=EventKind.FORWARDED, category=entry.category)
        result = score(rule_set, facts)
        if result.line is None:
            continue
        ledger.post(
            desk=entry.desk_id,
            unit=unit,
            on=on,
            points=result.points,
            kind=EventKind.FORWARDED,
            key=f"forwarded:{entry.pk}:unit:{unit.pk}",
            actor=actor,
            reason=result.explain,
            rule_set=rule_set,
            line=result.line,
            facts=facts,
            item_id=entry.item_id,
            entry_id=entry.pk,
            classification=entry.classification,
        )


def _instructed_entries(instruction: Instruction) -> list[DeskEntry]:
    if instruction.entry_id is not None:
        return [DeskEntry.objects.select_related("desk__unit").get(pk=instruction.entry_id)]
    return [
        placed.entry for placed in IssueItem.objects.filter(issue=instruction.issue).select_related("entry__desk__unit")
    ]


def on_instruction_recorded(*, actor: Any, instruction: Instruction) -> None:
    """批示加分: the instructed entry's units, at its desk and at every desk below in its chain."""
    on = instruction.instructed_on
    for instructed in _instructed_entries(instruction):
        for entry in [instructed, *chain_below(instructed)]:
            rule_set = ledger.rule_set_on(entry.desk_id, on)
            if rule_set is None:
                continue
            for unit in scored_units(entry):
                facts = Facts(kind=EventKind.INSTRUCTION, leader_level=instruction.level_id, category=entry.category)
                result = score(rule_set, facts)
                if result.line is None:
                    continue
                ledger.post(
                    desk=entry.desk_id,
                    unit=unit,
                    on=on,
                    points=result.points,
                    kind=EventKind.INSTRUCTION,
                    key=f"instruction:{instruction.pk}:entry:{instructed.pk}:unit:{unit.pk}",
                    actor=actor,
                    reason=f"{instruction.leader_title}{instruction.leader_name}批示。{result.explain}",
                    rule_set=rule_set,
                    line=result.line,
                    facts=facts,
                    item_id=entry.item_id,
                    entry_id=entry.pk,
                    instruction_id=instruction.pk,
                    classification=max(entry.classification, instruction.classification),
                )
