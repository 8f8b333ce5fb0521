"""Writing audit records. Every service function calls ``audit_record``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import models

from xinxi.audit.middleware import current_ip
from xinxi.audit.models import AuditEvent
from xinxi.lib.choices import Classification


def _describe(obj: models.Model) -> str:
    """What the log shows of an object: its name, but never the title of classified content.

    The audit log is read by administrators, who need not be cleared for what they audit.
    """
    level = getattr(obj, "classification", None)
    if isinstance(level, int) and level >= Classification.SECRET:
        return f"{obj._meta.verbose_name} #{obj.pk}（{Classification(level).label}）"
    return str(obj)[:200]


_batch: ContextVar[list[AuditEvent] | None] = ContextVar("audit_batch", default=None)


@contextmanager
def audit_batch() -> Iterator[None]:
    """Gather the records made in the block and write them in one insert when it ends.

    Use inside the transaction of the work it records (a request that runs several
    services, e.g. create and submit): the records are written before the transaction
    commits, or not at all if the block raises. Within an outer batch it does nothing.
    """
    if _batch.get() is not None:
        yield
        return
    pending: list[AuditEvent] = []
    token = _batch.set(pending)
    try:
        yield
    finally:
        _batch.reset(token)
    if pending:
        AuditEvent.objects.bulk_create(pending)


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    detail: dict[str, Any] | None = None,
    actor_name: str = "",
) -> AuditEvent:
    """Append one audit record; call inside the service's transaction."""
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    event = AuditEvent(
        actor=actor if is_user else None,
        actor_name=actor_name or (actor.get_username() if is_user else ""),
        action=action,
        object_type=(obj._meta.model_name or "") if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=_describe(obj) if obj is not None else "",
        ip=current_ip.get(),
        detail=detail or {},
    )
    pending = _batch.get()
    if pending is not None:
        pending.append(event)  # written when the batch ends
    else:
        event.save()
    return event


def audit_system_records(*, action: str, details: list[dict[str, Any]]) -> int:
    """Append one record per ``details`` row for something the system did (no actor, no
    object), in one insert: a sweep's notifications. Call inside the service's transaction."""
    ip = current_ip.get()
    events = [AuditEvent(action=action, ip=ip, detail=detail) for detail in details]
    pending = _batch.get()
    if pending is not None:
        pending.extend(events)
    else:
        AuditEvent.objects.bulk_create(events)
    return len(events)
