"""Who sees and acts on urgent information: the one place, for pages, API and the worker.

- Desk staff (duty officer, editor, desk chief, leader) see the incidents that reached
  their desk (recorded there, on the chain below it, or forwarded to it).
- A unit's reporters and approvers see the incidents their unit owes a report on
  (a responsible unit, or a desk's unit on the reporting chain).
- Classification above the user's clearance hides an incident everywhere.
- System administrators run accounts and the network; they read no incident unless their
  own desk or unit is on it (need to know).
- Missing and forbidden look the same (404).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from xinxi.accounts.models import Role
from xinxi.audit.reads import read_classified
from xinxi.network.models import Desk, Unit
from xinxi.network.permissions import user_desk
from xinxi.urgent.models import Deadline, Incident, IncidentDesk

RECORD_ROLES = (Role.DUTY_OFFICER, Role.EDITOR, Role.DESK_CHIEF)
UNIT_ROLES = (Role.REPORTER, Role.APPROVER)


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def desk_of(user: Any) -> Desk | None:
    return user_desk(user) if _active(user) else None


def visible_incidents(user: Any) -> QuerySet[Incident]:
    if not _active(user):
        return Incident.objects.none()
    q = Q(pk__in=[])
    desk = desk_of(user)
    if desk is not None:
        q |= Q(Exists(IncidentDesk.objects.filter(incident=OuterRef("pk"), desk=desk)))
    if user.unit_id is not None and user.has_role(*UNIT_ROLES):
        q |= Q(Exists(Deadline.objects.filter(incident=OuterRef("pk"), unit_id=user.unit_id)))
    return Incident.objects.filter(q, classification__lte=user.clearance)


def visible_incidents_of(
    users: list[Any], ids: set[int], objects: Mapping[int, Any] | None = None
) -> dict[int, set[int]]:
    """``visible_incidents`` for many users at once (a sweep's recipients): user id → the ``ids``
    they may see (``objects``, the notifier's rows in hand, are not needed). The same rule
    in three queries, whatever the number of users; a test holds it equal to
    ``visible_incidents`` for every persona."""
    if not ids or not users:
        return {}
    level = dict(Incident.objects.filter(pk__in=ids).values_list("pk", "classification"))
    at_desk: dict[int, set[int]] = {}
    for incident_id, desk_id in IncidentDesk.objects.filter(incident_id__in=ids).values_list("incident_id", "desk_id"):
        at_desk.setdefault(desk_id, set()).add(incident_id)
    owed: dict[int, set[int]] = {}
    rows = Deadline.objects.filter(incident_id__in=ids).values_list("unit_id", "incident_id").distinct()
    for unit_id, incident_id in rows:
        owed.setdefault(unit_id, set()).add(incident_id)
    found: dict[int, set[int]] = {}
    for user in users:
        if not _active(user):
            continue
        seen: set[int] = set()
        desk = desk_of(user)
        if desk is not None:
            seen |= at_desk.get(desk.pk, set())
        if user.unit_id is not None and user.has_role(*UNIT_ROLES):
            seen |= owed.get(user.unit_id, set())
        found[user.pk] = {pk for pk in seen if level[pk] <= user.clearance}
    return found


def get_incident(user: Any, pk: Any, *, what: str = "事件页面") -> Incident:
    """The incident if visible (404 otherwise); reads of 秘密+ are audited (``incident_read``)."""
    return read_classified(
        user,
        pk,
        rows=visible_incidents(user).select_related("desk", "desk__unit", "recorded_by"),
        level=lambda incident: incident.classification,
        action="incident_read",
        what=what,
        missing="未找到该事件",
    )


def can_record(user: Any, desk: Desk) -> bool:
    """Record incidents and phone reports at ``desk``: its duty officers, editors and chief."""
    own = desk_of(user)
    return own is not None and own.pk == desk.pk and user.has_role(*RECORD_ROLES)


def acting_desk(user: Any, incident: Incident) -> Desk | None:
    """The user's desk if the incident reached it."""
    desk = desk_of(user)
    if desk is None or not incident.desk_rows.filter(desk=desk).exists():
        return None
    return desk


def can_file_report(user: Any, incident: Incident) -> bool:
    """File 预报/首报/续报/终报: reporters and approvers of a unit that owes a report on it."""
    return bool(
        _active(user)
        and user.unit_id is not None
        and user.has_role(*UNIT_ROLES)
        and incident.classification <= user.clearance
        and incident.deadlines.filter(unit_id=user.unit_id).exists()
    )


def can_decide_findings(user: Any, desk: Desk) -> bool:
    """Confirm or dismiss findings (迟报/漏报/瞒报/谎报): the desk's chief only."""
    own = desk_of(user)
    return own is not None and own.pk == desk.pk and user.has_role(Role.DESK_CHIEF)


def can_edit_settings(user: Any, desk: Desk) -> bool:
    """Edit the desk's limits and warning settings: its chief, or an administrator."""
    if not _active(user):
        return False
    if user.is_admin:
        return True
    return can_decide_findings(user, desk)


def reporting_units(desk: Desk) -> QuerySet[Unit]:
    """Units that may be named responsible at ``desk``: its unit's subtree and its direct points."""
    return Unit.objects.filter(
        Q(path__startswith=desk.unit.path) | Q(points__desk=desk, points__revoked_on__isnull=True),
        active=True,
    ).distinct()
