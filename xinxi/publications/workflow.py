"""The issue's state machine: 编辑中 → 待签发 → 已印发, and back to 编辑中 when the signer returns it.

One table of transitions with the roles that may make them; ``transition()`` is the
only way an issue's state changes: it refuses anything else and writes one
``IssueEvent`` history row. The mechanism is ``lib.workflow.StateMachine``.
"""

from __future__ import annotations

from typing import Any

from xinxi.accounts.models import Role
from xinxi.lib.workflow import StateMachine, Transition
from xinxi.publications.models import Issue, IssueEvent, IssueState
from xinxi.publications.permissions import EDIT_ROLES

S = IssueState
COMPOSERS = frozenset(EDIT_ROLES)
SIGNERS = frozenset({Role.DESK_CHIEF})

TRANSITIONS: dict[str, Transition] = {
    "send": Transition(
        "送签",
        frozenset({S.DRAFT}),
        S.PENDING,
        COMPOSERS,
        refused="本期{state}，不能送签。",
    ),
    "return": Transition(
        "退回",
        frozenset({S.PENDING}),
        S.DRAFT,
        SIGNERS,
        needs_reason=True,
        refused="只有待签发的期才能退回。",
    ),
    "sign_off": Transition(
        "签发",
        frozenset({S.PENDING}),
        S.ISSUED,
        SIGNERS,
        refused="只有待签发的期才能签发。",
        refused_in={S.ISSUED: "本期已经签发印发。"},
    ),
}

machine: StateMachine[Issue] = StateMachine(
    model=Issue,
    event_model=IssueEvent,
    subject="issue",
    transitions=TRANSITIONS,
    noun="本期",
    conflict="本期已被他人修改或状态已变化，请刷新后再操作。",
    versioned=True,
)


def allowed_actions(issue: Issue, actor: Any = None) -> list[str]:
    return machine.allowed_actions(issue, actor)


def transition(
    issue: Issue, action: str, actor: Any, *, reason: str = "", version: int | None = None, **extra: Any
) -> Issue:
    """Move the issue along ``action``; refuses a move the table does not allow."""
    return machine.apply(issue, action, actor, reason=(reason or "").strip(), version=version, **extra)
