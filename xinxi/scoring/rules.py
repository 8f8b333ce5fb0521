"""The rule engine: what a rule set gives for one event, and why, without touching the ledger.

``score(rule_set, facts)`` is pure: the same facts under the same version give the same
points. The ledger stores the facts beside each entry, so the preview, the posting
services and the rescoring of a corrected version all go through this one function.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Any

from xinxi.scoring.models import (
    ADOPTION_KINDS,
    COMMISSIONED,
    EventKind,
    JointPolicy,
    RuleLine,
    RuleMultiplier,
    RuleSet,
)

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Facts:
    """What is known about one event, as the rule lines' conditions see it.

    ``levels`` lists the reached-level codes to try, most specific first (an adoption at
    a province desk is ``("province", "upper")``). ``sources`` is how many units share
    the event (a combined or joint item) and ``share`` this unit's position among them,
    so that split points add up to the whole to the cent.
    """

    kind: str
    periodical: int | None = None
    column: str = ""
    adoption_kind: str = ""
    issue_kind: str = ""
    levels: tuple[str, ...] = ()
    leader_level: str = ""
    category: str = ""
    commissioned: bool = False
    sources: int = 1
    share: int = 0
    count: int = 1  # for per-item lines (quota shortfall: the missing items)
    levels_up: int = 0  # an upward adoption: how many desks above the scoring desk
    upper_desk: int | None = None  # an upward adoption inside the system: the adopting desk

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["levels"] = list(self.levels)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Facts:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["levels"] = tuple(known.get("levels", ()))
        return cls(**known)


@dataclass
class Score:
    points: Decimal
    line: RuleLine | None
    steps: list[str] = field(default_factory=list)

    @property
    def explain(self) -> str:
        return "；".join(self.steps)


def _level_rank(line: RuleLine, facts: Facts) -> int | None:
    """0 for the most specific reached level the line names, None when it does not match."""
    if not line.level:
        return len(facts.levels)
    if line.level in facts.levels:
        return facts.levels.index(line.level)
    return None


def _matches(line: RuleLine, facts: Facts) -> bool:
    return (
        line.kind == facts.kind
        and (line.periodical_id is None or line.periodical_id == facts.periodical)
        and (not line.column or line.column == facts.column)
        and (not line.adoption_kind or line.adoption_kind == facts.adoption_kind)
        and (not line.issue_kind or line.issue_kind == facts.issue_kind)
        and (not line.leader_level or line.leader_level == facts.leader_level)
        and _level_rank(line, facts) is not None
    )


def best_line(lines: Sequence[RuleLine], facts: Facts) -> RuleLine | None:
    """The line that applies: the best reached level, then the most conditions, then the first in order."""
    candidates = [line for line in lines if _matches(line, facts)]
    if not candidates:
        return None
    return min(
        candidates,
        key=lambda line: (_level_rank(line, facts) or 0, -line.conditions(), line.sort_order, line.pk or 0),
    )


def _factor(multipliers: Sequence[RuleMultiplier], facts: Facts) -> list[RuleMultiplier]:
    if facts.kind not in ADOPTION_KINDS:
        return []
    return [m for m in multipliers if m.target == facts.category or (m.target == COMMISSIONED and facts.commissioned)]


def split(total: Decimal, parts: int, index: int) -> Decimal:
    """Part ``index`` of ``total`` split evenly to the cent; the parts add up to ``total`` exactly."""
    parts = max(parts, 1)
    each = (total / parts).quantize(CENT, rounding=ROUND_DOWN)
    remainder = int(((total - each * parts) / CENT).to_integral_value())
    return each + (CENT if index < remainder else Decimal(0))


def score(
    rule_set: RuleSet,
    facts: Facts,
    *,
    lines: Sequence[RuleLine] | None = None,
    multipliers: Sequence[RuleMultiplier] | None = None,
) -> Score:
    """The points ``rule_set`` gives for the event; zero (with no line) when no line matches."""
    lines = list(rule_set.lines.all()) if lines is None else lines
    multipliers = list(rule_set.multipliers.all()) if multipliers is None else multipliers
    line = best_line(lines, facts)
    if line is None:
        return Score(Decimal(0), None, ["本办法没有适用的计分条目，计 0 分"])
    points = line.points
    steps = [f"{line}：{points}分"]
    if facts.count != 1:
        points *= facts.count
        steps.append(f"× {facts.count}条")
    for multiplier in _factor(multipliers, facts):
        points *= multiplier.factor
        steps.append(f"× {multiplier.factor}（{multiplier.get_target_display()}）")
    if facts.kind in ADOPTION_KINDS and facts.sources > 1:
        if rule_set.joint == JointPolicy.SPLIT:
            points = split(points.quantize(CENT), facts.sources, facts.share)
            steps.append(f"÷ {facts.sources}个单位平分")
        elif rule_set.joint == JointPolicy.FIXED:
            points = rule_set.joint_fixed_points
            steps = [f"综合采用每单位固定 {points}分"]
        else:
            steps.append(f"{facts.sources}个单位各得全分")
    return Score(points.quantize(CENT), line, steps)


def times_k(points: Decimal, k: Decimal, levels_up: int) -> Decimal:
    """The home desk's points × k for each level above it."""
    return (points * k ** max(levels_up, 1)).quantize(CENT)


__all__ = ["EventKind", "Facts", "Score", "best_line", "score", "split", "times_k"]
