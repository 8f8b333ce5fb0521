"""The state machine of an entry at a desk: one table of allowed transitions.

Each action names the states it may start from, the state it leads to, and whether
it needs a reason. Every transition writes an ``EntryEvent`` history row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from xinxi.items.models import DeskEntry, EntryEvent, EntryState
from xinxi.lib.errors import ConflictError, ServiceError

S = EntryState


@dataclass(frozen=True)
class Transition:
    label: str
    sources: frozenset[str]
    target: str
    needs_reason: bool = False


TRANSITIONS: dict[str, Transition] = {
    "open": Transition("开始处理", frozenset({S.NEW}), S.READ),
    "return": Transition("退回修改", frozenset({S.NEW, S.READ, S.PREADOPTED}), S.RETURNED, needs_reason=True),
    "preadopt": Transition("预采用", frozenset({S.NEW, S.READ}), S.PREADOPTED),
    "not_adopt": Transition("不采用", frozenset({S.NEW, S.READ, S.PREADOPTED}), S.NOT_ADOPTED, needs_reason=True),
    "duplicate": Transition("标记重复", frozenset({S.NEW, S.READ, S.PREADOPTED, S.NOT_ADOPTED}), S.DUPLICATE),
    "reconsider": Transition("重新处理", frozenset({S.NOT_ADOPTED, S.DUPLICATE, S.PREADOPTED}), S.READ),
    "combine": Transition("综合", frozenset({S.NEW, S.READ, S.PREADOPTED}), S.COMBINED),
    "adopt": Transition("采用", frozenset({S.NEW, S.READ, S.PREADOPTED, S.ADOPTED, S.COMBINED}), S.ADOPTED),
}


def allowed_actions(entry: DeskEntry) -> list[str]:
    return [name for name, t in TRANSITIONS.items() if entry.state in t.sources]


def record_event(entry: DeskEntry, actor: Any, action: str, from_state: str, to_state: str, reason: str = "") -> None:
    EntryEvent.objects.create(
        entry=entry,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason=reason[:500],
    )


def transition(entry: DeskEntry, action: str, actor: Any, reason: str = "", **extra: Any) -> DeskEntry:
    """Move the entry along ``action``; refuses a move the table does not allow."""
    rule = TRANSITIONS[action]
    reason = (reason or "").strip()
    if rule.needs_reason and not reason:
        raise ServiceError(f"“{rule.label}”须填写理由。")
    if entry.state not in rule.sources:
        raise ServiceError(f"该信息当前为“{entry.get_state_display()}”，不能“{rule.label}”。")
    updated = DeskEntry.objects.filter(pk=entry.pk, state=entry.state).update(
        state=rule.target, **extra, updated_at=timezone.now()
    )
    if not updated:
        raise ConflictError("该信息的状态刚被他人改变，请刷新后再操作。")
    before = entry.state
    entry.state = rule.target
    for key, value in extra.items():
        setattr(entry, key, value)
    record_event(entry, actor, action, before, rule.target, reason)
    return entry
