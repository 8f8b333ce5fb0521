"""The one mechanism behind every state machine (DESIGN principle 2).

A machine is a table of named transitions (the states each may start from, the state
it leads to, the roles that may make it, whether it needs a reason) over one model with
a ``state`` field, and a history model that gets one row per transition (who, when,
from, to, reason). ``StateMachine.apply`` is the only way a state changes: it refuses
any move the table does not allow (a ``ServiceError`` in Chinese, nothing written),
changes the row with a conditional ``UPDATE`` on the state the caller saw (and the
``version``, for versioned models), so a second click or a stale form is a
``ConflictError``, and writes the history row.

The apps define their tables (``items.workflow``, ``publications.workflow``); this
module knows no app. Object rules (whose unit, which desk) stay in the services; the
table's roles are the coarse "who may ever do this", checked with ``actor.has_role``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils import timezone

from xinxi.lib.errors import ConflictError, ServiceError

NOT_ALLOWED = "您没有权限进行此操作。"


class StateEvent(models.Model):
    """The fields every history row has; a machine's event model adds its object and states.

    Abstract (no table here): ``lib`` has no models of its own.
    """

    at = models.DateTimeField("时间", auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField("操作", max_length=30)
    reason = models.CharField("理由/说明", max_length=500, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {getattr(self, 'from_state', '')}→{getattr(self, 'to_state', '')}"


@dataclass(frozen=True, eq=False)
class Transition:
    """One row of a state table."""

    label: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str] = frozenset()  # empty: the services decide alone
    needs_reason: bool = False
    # The refusal shown when the object is in a state the move cannot start from;
    # ``{state}`` is the state's label. Per-state messages override it.
    refused: str = ""
    refused_in: Mapping[str, str] = field(default_factory=dict)


class StateMachine[M: models.Model]:
    """A table of transitions over ``model`` whose history rows are ``event_model`` rows."""

    def __init__(
        self,
        *,
        model: type[M],
        event_model: type[models.Model],
        subject: str,
        transitions: Mapping[str, Transition],
        noun: str,
        conflict: str,
        versioned: bool,
    ) -> None:
        self.model = model
        self.event_model = event_model
        self.subject = subject  # the history row's foreign key to the object
        self.transitions = dict(transitions)
        self.noun = noun  # "该信息", "本期": the start of a refusal
        self.conflict = conflict
        self.versioned = versioned

    def state_label(self, state: str) -> str:
        field_ = self.model._meta.get_field("state")
        return str(dict(field_.flatchoices).get(state, state))  # type: ignore[union-attr]

    def allowed_actions(self, obj: M, actor: Any = None) -> list[str]:
        """The moves the table allows from the object's state (and to the actor's roles, if given)."""
        state = obj.state  # type: ignore[attr-defined]
        return [
            name
            for name, rule in self.transitions.items()
            if state in rule.sources and (actor is None or _has_roles(actor, rule))
        ]

    def refusal(self, obj: M, action: str, actor: Any, reason: str = "") -> ServiceError | None:
        """Why the table refuses ``action`` now, or ``None`` when it allows it."""
        rule = self.transitions.get(action)
        if rule is None:
            return ServiceError(f"未知的操作：{action}")
        if not _has_roles(actor, rule):
            return ServiceError(NOT_ALLOWED, code="forbidden")
        state = obj.state  # type: ignore[attr-defined]
        if state not in rule.sources:
            label = self.state_label(state)
            template = rule.refused_in.get(state) or rule.refused or "{noun}当前为“{state}”，不能“{label}”。"
            return ServiceError(template.format(noun=self.noun, state=label, label=rule.label))
        if rule.needs_reason and not (reason or "").strip():
            return ServiceError(f"“{rule.label}”须填写理由。")
        return None

    def apply(
        self, obj: M, action: str, actor: Any, *, reason: str = "", version: int | None = None, **extra: Any
    ) -> M:
        """Make the move: a conditional update of the row, then one history row.

        ``version`` is the version the user saw (defaults to the object's); ``extra``
        are fields set in the same update (a number, a reason, a timestamp).
        """
        error = self.refusal(obj, action, actor, reason)
        if error is not None:
            raise error
        rule = self.transitions[action]
        before = obj.state  # type: ignore[attr-defined]
        guard: dict[str, Any] = {"pk": obj.pk, "state": before}
        changes: dict[str, Any] = {"state": rule.target, **extra}
        if _has_field(self.model, "updated_at"):
            changes["updated_at"] = timezone.now()
        expected = 0
        if self.versioned:
            expected = obj.version if version is None else version  # type: ignore[attr-defined]
            guard["version"] = expected
            changes["version"] = F("version") + 1
        if not self.model._default_manager.filter(**guard).update(**changes):
            raise ConflictError(self.conflict)
        obj.state = rule.target  # type: ignore[attr-defined]
        if self.versioned:
            obj.version = expected + 1  # type: ignore[attr-defined]
        for key, value in extra.items():
            setattr(obj, key, value)
        self.record(obj, actor, action, before, rule.target, reason)
        return obj

    def insert(self, obj: M, action: str, actor: Any, *, reason: str = "", **extra: Any) -> M:
        """Make the move on an object not written yet (created and moved in one request):
        the row is inserted in its new state, then one history row. The same refusals as
        ``apply``; no version to guard, as nobody else can have seen the row."""
        error = self.refusal(obj, action, actor, reason)
        if error is not None:
            raise error
        rule = self.transitions[action]
        before = obj.state  # type: ignore[attr-defined]
        obj.state = rule.target  # type: ignore[attr-defined]
        for key, value in extra.items():
            setattr(obj, key, value)
        obj.save(force_insert=True)
        self.record(obj, actor, action, before, rule.target, reason)
        return obj

    def record(self, obj: M, actor: Any, action: str, from_state: str, to_state: str, reason: str = "") -> None:
        """A history row for a move made elsewhere (a creation, a new round arriving)."""
        self.event_model._default_manager.create(
            **{self.subject: obj},
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            action=action,
            from_state=from_state,
            to_state=to_state,
            reason=(reason or "").strip()[:500],
        )

    def record_many(self, objs: Iterable[M], actor: Any, action: str, from_state: str, to_state: str,
                    reason: str = "") -> None:
        """``record`` for several objects at once: one insert."""
        who = actor if getattr(actor, "is_authenticated", False) else None
        self.event_model._default_manager.bulk_create(
            self.event_model(**{self.subject: obj}, actor=who, action=action, from_state=from_state,
                             to_state=to_state, reason=(reason or "").strip()[:500])
            for obj in objs
        )

    def history(self, events: Iterable[models.Model]) -> list[Any]:
        """History rows for a page, each with ``label``: the action's name in the table."""
        rows = list(events)
        for event in rows:
            rule = self.transitions.get(event.action)  # type: ignore[attr-defined]
            event.label = rule.label if rule else event.action  # type: ignore[attr-defined]
        return rows


def _has_roles(actor: Any, rule: Transition) -> bool:
    return not rule.roles or bool(getattr(actor, "is_authenticated", False) and actor.has_role(*rule.roles))


def _has_field(model: type[models.Model], name: str) -> bool:
    return any(f.name == name for f in model._meta.get_fields())
