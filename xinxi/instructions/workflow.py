"""The supervision task's state machine: one table of transitions and who may make them.

The rows are ``lib.workflow.Transition``s like those of items and issues; the roles are
the coarse "who may ever": the tasked unit's reporters/approvers report, the desk's
editors/chiefs review. ``services._move`` applies a row and ``services._event`` writes
the ``TaskEvent`` history row.
"""

from __future__ import annotations

from xinxi.accounts.models import Role
from xinxi.instructions.models import TaskState
from xinxi.lib.workflow import Transition

UNIT = frozenset({Role.REPORTER, Role.APPROVER})
DESK = frozenset({Role.EDITOR, Role.DESK_CHIEF})

TRANSITIONS: dict[str, Transition] = {
    "report": Transition("报送办理情况", frozenset({TaskState.OPEN, TaskState.RETURNED}), TaskState.REPORTED, UNIT),
    "accept": Transition("认可办理情况", frozenset({TaskState.REPORTED}), TaskState.ACCEPTED, DESK),
    "return": Transition("退回补充", frozenset({TaskState.REPORTED}), TaskState.RETURNED, DESK, needs_reason=True),
    "close": Transition("办结", frozenset({TaskState.ACCEPTED}), TaskState.CLOSED, DESK),
}


def allowed(action: str, state: str) -> bool:
    transition = TRANSITIONS.get(action)
    return transition is not None and state in transition.sources
