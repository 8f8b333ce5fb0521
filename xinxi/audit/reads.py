"""Auditing reads of classified content: the one place, for pages and API alike.

The apps' read selectors (``items.permissions.entry_for_reading``,
``instructions.permissions.task_for_reading``, ``publications.permissions.issue_for_reading``
and the like) fetch an object through ``read_classified``: a read of 秘密 or above writes
``<action>`` to the audit log, and a refused read of an object that exists and is 秘密 or
above writes ``<action>_refused``. The user gets the same 404 as for a missing object
either way; only the audit log tells them apart.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404

from xinxi.audit.services import audit_record
from xinxi.lib.choices import Classification


def is_classified(level: int) -> bool:
    return level >= Classification.SECRET


def audit_read(*, user: Any, obj: Model, level: int, action: str, what: str) -> None:
    """Record a read of ``obj`` when it is classified (秘密 and above)."""
    if is_classified(level):
        audit_record(actor=user, action=action, obj=obj, detail={"what": what})


def audit_refused(*, user: Any, obj: Model | None, level: int, action: str, what: str) -> None:
    """Record a refused read of an existing classified object as ``<action>_refused``."""
    if obj is not None and is_classified(level):
        audit_record(actor=user, action=f"{action}_refused", obj=obj, detail={"what": what})


def read_classified[M: Model](
    user: Any,
    pk: Any,
    *,
    rows: QuerySet[M],
    level: Callable[[M], int],
    action: str,
    what: str,
    missing: str,
    record: bool = True,
) -> M:
    """``rows.get(pk=pk)`` with the read audited; a refusal is a 404, audited when the object is classified.

    ``record=False`` leaves the successful read to the caller, which audits it (``audit_read``)
    once it knows what it hands out, e.g. which copies of an issue an export holds.
    """
    try:
        key = int(pk)
        obj = rows.get(pk=key)
    except (ObjectDoesNotExist, ValueError, TypeError, OverflowError):
        refuse(user, pk, model=rows.model, level=level, action=action, what=what)
        raise Http404(missing) from None
    if record:
        audit_read(user=user, obj=obj, level=level(obj), action=action, what=what)
    return obj


def refuse[M: Model](user: Any, pk: Any, *, model: type[M], level: Callable[[M], int], action: str, what: str) -> None:
    """After a 404: if ``model`` ``pk`` exists and is classified, the refusal goes to the audit log."""
    try:
        found = model._default_manager.filter(pk=int(pk)).first()
    except (ValueError, TypeError, OverflowError):
        return
    if found is not None:
        audit_refused(user=user, obj=found, level=level(found), action=action, what=what)
