"""Who may compose, sign and read periodical issues (the one place; pages and API use it).

- Editors and desk chiefs of the periodical's desk compose issues; only desk chiefs sign.
- Issued issues are read by the desk's own staff and by users of the units on the
  periodical's reading list (its online distribution), within their clearance.
- Drafts and issues awaiting sign-off are seen by the desk's editors and chiefs only.
- Missing and forbidden look the same (404).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from xinxi.accounts.models import DESK_ROLES, Role
from xinxi.audit.reads import read_classified
from xinxi.network.permissions import user_desk
from xinxi.publications.models import Issue, IssueState, Periodical

EDIT_ROLES = (Role.EDITOR, Role.DESK_CHIEF)


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def desk_periodicals(user: Any) -> QuerySet[Periodical]:
    """Periodicals of the user's own desk (desk staff only)."""
    desk = user_desk(user) if _active(user) else None
    if desk is None:
        return Periodical.objects.none()
    return Periodical.objects.filter(desk=desk)


def can_compose(user: Any, periodical: Periodical) -> bool:
    desk = user_desk(user) if _active(user) else None
    return desk is not None and desk.pk == periodical.desk_id and user.has_role(*EDIT_ROLES)


def can_sign(user: Any, periodical: Periodical) -> bool:
    desk = user_desk(user) if _active(user) else None
    return desk is not None and desk.pk == periodical.desk_id and user.has_role(Role.DESK_CHIEF)


def visible_issues(user: Any) -> QuerySet[Issue]:
    """Issues the user may open: the desk's own (any state, for composers), issued ones for readers."""
    if not _active(user):
        return Issue.objects.none()
    q = Q(pk__in=[])
    desk = user_desk(user)
    if desk is not None and user.has_role(*DESK_ROLES):
        if user.has_role(*EDIT_ROLES):
            q |= Q(periodical__desk=desk)
        else:
            q |= Q(periodical__desk=desk, state=IssueState.ISSUED)
    if user.unit_id is not None:
        # A subquery on the reading list rather than a join: the join reads issues × list rows.
        read = Periodical.objects.filter(readers=user.unit_id).values("pk")
        q |= Q(state=IssueState.ISSUED, periodical__in=read)
    ids = Issue.objects.filter(q).values("pk")
    return Issue.objects.filter(pk__in=ids, classification__lte=user.clearance)


def readable_periodicals(user: Any) -> QuerySet[Periodical]:
    """Periodicals with an issued issue the user may open: ``visible_issues`` asked per periodical.

    The same rule, turned round: a periodical of the user's desk (desk staff) or on whose
    reading list the user's unit is, with an issued issue within the user's clearance. It
    reads a few periodicals and probes each one's issues by index, instead of going
    through every issue; a test holds it equal to ``visible_issues`` for every persona.
    """
    if not _active(user):
        return Periodical.objects.none()
    q = Q(pk__in=[])
    desk = user_desk(user)
    if desk is not None and user.has_role(*DESK_ROLES):
        q |= Q(desk=desk)
    if user.unit_id is not None:
        q |= Q(pk__in=Periodical.objects.filter(readers=user.unit_id).values("pk"))
    issued = Issue.objects.filter(
        periodical=OuterRef("pk"), state=IssueState.ISSUED, classification__lte=user.clearance
    )
    return Periodical.objects.filter(q).filter(Exists(issued))


def get_issue(user: Any, pk: Any) -> Issue:
    try:
        return visible_issues(user).select_related("periodical", "periodical__desk").get(pk=int(pk))
    except (Issue.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该期刊物") from None


# --- reading one issue: the path pages and API share, with classified reads audited ---


def issue_for_reading(
    user: Any,
    pk: Any,
    *,
    what: str,
    action: str = "issue_read",
    rows: QuerySet[Issue] | None = None,
    record: bool = True,
) -> Issue:
    """``get_issue`` for reading (``issue_read``) or exporting (``issue_export``) it.

    A read or export of a 秘密+ issue is audited, and so is a refused one of an existing
    秘密+ issue (``issue_read_refused``, ``issue_export_refused``); the refusal is a 404.
    """
    return read_classified(
        user,
        pk,
        rows=visible_issues(user).select_related("periodical", "periodical__desk") if rows is None else rows,
        level=lambda issue: issue.classification,
        action=action,
        what=what,
        missing="未找到该期刊物",
        record=record,
    )
