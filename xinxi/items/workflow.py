"""The two state machines of items: an entry at a desk, and the unit's item itself.

Each is one table (``TRANSITIONS`` for entries, ``ITEM_TRANSITIONS`` for items): the
states an action may start from, the state it leads to, the roles that may make it and
whether it needs a reason. ``transition()`` / ``item_transition()`` are the only ways a
state changes; each refuses anything else and writes one history row (``EntryEvent``,
``ItemEvent``). The mechanism is ``lib.workflow.StateMachine``.
"""

from __future__ import annotations

from typing import Any

from xinxi.accounts.models import Role
from xinxi.items.models import EDITABLE_STATES, DeskEntry, EntryEvent, EntryState, Item, ItemEvent, ItemState
from xinxi.lib.workflow import StateMachine, Transition

S = EntryState
I = ItemState  # noqa: E741

DESK = frozenset({Role.EDITOR, Role.DESK_CHIEF})
UNIT = frozenset({Role.REPORTER, Role.APPROVER})
APPROVER = frozenset({Role.APPROVER})


def _states(*states: str) -> frozenset[str]:
    return frozenset(states)


TRANSITIONS: dict[str, Transition] = {
    "open": Transition("开始处理", _states(S.NEW), S.READ, DESK),
    "return": Transition("退回修改", _states(S.NEW, S.READ, S.PREADOPTED), S.RETURNED, DESK, needs_reason=True),
    "preadopt": Transition("预采用", _states(S.NEW, S.READ), S.PREADOPTED, DESK),
    "not_adopt": Transition("不采用", _states(S.NEW, S.READ, S.PREADOPTED), S.NOT_ADOPTED, DESK, needs_reason=True),
    "duplicate": Transition("标记重复", _states(S.NEW, S.READ, S.PREADOPTED, S.NOT_ADOPTED), S.DUPLICATE, DESK),
    "reconsider": Transition("重新处理", _states(S.NOT_ADOPTED, S.DUPLICATE, S.PREADOPTED), S.READ, DESK),
    "combine": Transition("综合", _states(S.NEW, S.READ, S.PREADOPTED), S.COMBINED, DESK),
    "adopt": Transition("采用", _states(S.NEW, S.READ, S.PREADOPTED, S.ADOPTED, S.COMBINED), S.ADOPTED, DESK),
}

SENDABLE = EDITABLE_STATES

ITEM_TRANSITIONS: dict[str, Transition] = {
    "request_signoff": Transition("送签", SENDABLE, I.PENDING_SIGNOFF, UNIT, refused="该信息{state}，不能送签。"),
    "return_signoff": Transition(
        "签发退回",
        _states(I.PENDING_SIGNOFF),
        I.SIGNOFF_RETURNED,
        APPROVER,
        needs_reason=True,
        refused="只有待签发的信息才能退回。",
    ),
    "submit": Transition("报送", SENDABLE, I.SUBMITTED, UNIT, refused="该信息{state}，不能再次报送。"),
    "sign": Transition(
        "签发并报送", _states(I.PENDING_SIGNOFF), I.SUBMITTED, APPROVER, refused="只有待签发的信息才能签发。"
    ),
    "desk_return": Transition("科室退回修改", _states(I.SUBMITTED), I.RETURNED, DESK, needs_reason=True),
}

entry_machine: StateMachine[DeskEntry] = StateMachine(
    model=DeskEntry,
    event_model=EntryEvent,
    subject="entry",
    transitions=TRANSITIONS,
    noun="该信息",
    conflict="该信息的状态刚被他人改变，请刷新后再操作。",
    versioned=False,
)

item_machine: StateMachine[Item] = StateMachine(
    model=Item,
    event_model=ItemEvent,
    subject="item",
    transitions=ITEM_TRANSITIONS,
    noun="该信息",
    conflict="该信息的状态已经变化，请刷新后再操作。",
    versioned=True,
)


def allowed_actions(entry: DeskEntry) -> list[str]:
    return entry_machine.allowed_actions(entry)


def record_event(entry: DeskEntry, actor: Any, action: str, from_state: str, to_state: str, reason: str = "") -> None:
    """A history row for an entry event outside the table (received, a new round, assigned)."""
    entry_machine.record(entry, actor, action, from_state, to_state, reason)


def record_received(entries: list[DeskEntry], actor: Any, reason: str) -> None:
    """The "receive" history rows of a round's new entries, in one insert."""
    entry_machine.record_many(entries, actor, "receive", "", EntryState.NEW, reason)


def transition(entry: DeskEntry, action: str, actor: Any, reason: str = "", **extra: Any) -> DeskEntry:
    """Move the entry along ``action``; refuses a move the table does not allow."""
    return entry_machine.apply(entry, action, actor, reason=(reason or "").strip(), **extra)


def item_transition(
    item: Item, action: str, actor: Any, *, reason: str = "", version: int | None = None, **extra: Any
) -> Item:
    """Move the unit's item along ``action`` (guarded by its ``version``); refuses anything else."""
    return item_machine.apply(item, action, actor, reason=(reason or "").strip(), version=version, **extra)
