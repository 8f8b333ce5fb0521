"""Points for business events of the apps above scoring, and what they tell scoring back.

- ``event_post``: an app above (assignments: a commission answered on time, late or
  missed) posts an event's points under the desk's rules on the event's date, through
  ``ledger.post`` (idempotent per key); nothing is posted when the rules have no line.
- ``COMMISSIONED``: checks ``fn(desk_id, item_id) -> bool`` that apps above register (in
  their ``AppConfig.ready``) so that an adoption's facts say whether the adopting desk
  commissioned the item (the 约稿 multiplier), without scoring importing them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from xinxi.network.models import Desk, Unit
from xinxi.scoring import ledger
from xinxi.scoring.models import ScoreEntry
from xinxi.scoring.rules import Facts, score

COMMISSIONED: list[Callable[[int, int], bool]] = []


def is_commissioned(desk_id: int, item_id: int | None) -> bool:
    """Whether the desk commissioned the item (asked every registered check)."""
    return item_id is not None and any(check(desk_id, item_id) for check in COMMISSIONED)


def event_post(
    *,
    actor: Any,
    desk: Desk | int,
    unit: Unit | int,
    kind: str,
    on: dt.date,
    key: str,
    reason: str,
    **traces: Any,
) -> ScoreEntry | None:
    """Post the points the desk's rules on ``on`` give for one event of ``kind``; None when nothing is posted."""
    rule_set = ledger.rule_set_on(desk, on)
    if rule_set is None:
        return None
    facts = Facts(kind=kind)
    result = score(rule_set, facts)
    if result.line is None:
        return None
    return ledger.post(
        desk=desk, unit=unit, on=on, points=result.points, kind=kind, key=key, actor=actor,
        reason=f"{reason}。{result.explain}", rule_set=rule_set, line=result.line, facts=facts, **traces,
    )


def event_reverse(*, actor: Any, desk: Desk | int, key: str, reason: str) -> int:
    """冲销 the live entries posted under ``key`` (a missed commission answered after all); returns how many."""
    desk_id = desk if isinstance(desk, int) else desk.pk
    return sum(1 for entry in ledger.live(desk_id, key) if ledger.reverse(entry, actor=actor, reason=reason))
