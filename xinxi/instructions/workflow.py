"""The supervision task's state machine: one table of transitions and who may make them."""

from __future__ import annotations

from dataclasses import dataclass

from xinxi.instructions.models import TaskState


@dataclass(frozen=True)
class Transition:
    label: str
    sources: tuple[str, ...]
    target: str
    side: str  # "unit": the tasked unit's reporters/approvers; "desk": the desk's editors/chiefs
    needs_reason: bool = False


TRANSITIONS: dict[str, Transition] = {
    "report": Transition("报送办理情况", (TaskState.OPEN, TaskState.RETURNED), TaskState.REPORTED, "unit"),
    "accept": Transition("认可办理情况", (TaskState.REPORTED,), TaskState.ACCEPTED, "desk"),
    "return": Transition("退回补充", (TaskState.REPORTED,), TaskState.RETURNED, "desk", needs_reason=True),
    "close": Transition("办结", (TaskState.ACCEPTED,), TaskState.CLOSED, "desk"),
}


def allowed(action: str, state: str) -> bool:
    transition = TRANSITIONS.get(action)
    return transition is not None and state in transition.sources
