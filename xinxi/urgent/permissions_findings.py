"""Who sees findings (迟报/漏报/瞒报/谎报): one place for pages, the API and notifications.

- The desk's staff (duty officer, editor, desk chief, leader) see every finding of their
  desk, in every state; only the desk chief decides (``permissions.can_decide_findings``);
  the duty officers, editors and chief record 漏报/瞒报/谎报 (``permissions.can_record``).
- A unit's reporters and approvers see their own unit's findings once decided (confirmed
  or dismissed): a proposal is the desk's working matter until its chief decides.
- Classification: a finding is as classified as its incident; above the user's clearance
  it is hidden everywhere. Missing and forbidden look the same (404).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from xinxi.audit.reads import read_classified
from xinxi.urgent.models import Finding, FindingState
from xinxi.urgent.permissions import UNIT_ROLES, _active, desk_of


def visible_findings(user: Any) -> QuerySet[Finding]:
    if not _active(user):
        return Finding.objects.none()
    q = Q(pk__in=[])
    desk = desk_of(user)
    if desk is not None:
        q |= Q(desk=desk)
    if user.unit_id is not None and user.has_role(*UNIT_ROLES):
        q |= Q(unit_id=user.unit_id) & ~Q(state=FindingState.PROPOSED)
    return Finding.objects.filter(q, incident__classification__lte=user.clearance)


def get_finding(user: Any, pk: Any, *, what: str = "紧急信息报告问题") -> Finding:
    """The finding if visible (404 otherwise); reads of 秘密+ are audited (``incident_read``)."""
    return read_classified(
        user,
        pk,
        rows=visible_findings(user).select_related(
            "incident", "unit", "desk", "desk__unit", "deadline", "penalty", "decided_by", "proposed_by"
        ),
        level=lambda finding: finding.incident.classification,
        action="incident_read",
        what=what,
        missing="未找到该问题记录",
    )


def is_desk_staff(user: Any, finding: Finding) -> bool:
    desk = desk_of(user)
    return desk is not None and desk.pk == finding.desk_id
