"""A circular's state machine: 草稿 → 待签发 → 已签发 → 已印发, and back to 草稿 when the chief returns it.

One table of transitions with the roles that may make them (``lib.workflow``); the
services add the object rules (the actor's own desk) and write one ``CircularEvent``
per move through ``transition()``.
"""

from __future__ import annotations

from typing import Any

from xinxi.accounts.models import Role
from xinxi.lib.workflow import StateMachine, Transition
from xinxi.scoring.models import Circular, CircularEvent, CircularState

S = CircularState
EDITORS = frozenset({Role.EDITOR, Role.DESK_CHIEF})
SIGNERS = frozenset({Role.DESK_CHIEF})

TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(
        "送签", frozenset({S.DRAFT}), S.PENDING, EDITORS, refused="该通报{state}，不能送签。"
    ),
    "return": Transition(
        "退回",
        frozenset({S.PENDING}),
        S.DRAFT,
        SIGNERS,
        needs_reason=True,
        refused="只有待签发的通报才能退回。",
    ),
    "sign": Transition(
        "签发",
        frozenset({S.PENDING}),
        S.SIGNED,
        SIGNERS,
        refused="只有待签发的通报才能签发。",
        refused_in={S.SIGNED: "该通报已经签发。", S.ISSUED: "该通报已经印发。"},
    ),
    "issue": Transition(
        "印发",
        frozenset({S.SIGNED}),
        S.ISSUED,
        SIGNERS,
        refused="通报须先签发才能印发。",
        refused_in={S.ISSUED: "该通报已经印发。"},
    ),
}

machine: StateMachine[Circular] = StateMachine(
    model=Circular,
    event_model=CircularEvent,
    subject="circular",
    transitions=TRANSITIONS,
    noun="该通报",
    conflict="该通报已被他人修改或状态已变化，请刷新后再操作。",
    versioned=True,
)


GENERATED = "generate"  # the first history row: not a move of the table


def history(events: Any) -> list[Any]:
    """History rows with ``label``: the table's name for each move, 生成草稿 for the first row."""
    rows = machine.history(events)
    for row in rows:
        if row.action == GENERATED:
            row.label = "生成草稿"
    return rows


def allowed_actions(circular: Circular, actor: Any = None) -> list[str]:
    return machine.allowed_actions(circular, actor)


def transition(
    circular: Circular, action: str, actor: Any, *, reason: str = "", version: int | None = None, **extra: Any
) -> Circular:
    """Move the circular along ``action``; refuses a move the table does not allow."""
    return machine.apply(circular, action, actor, reason=(reason or "").strip(), version=version, **extra)
