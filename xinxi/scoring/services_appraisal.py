"""考评's one write: the desk chief confirms the year's direct-point appraisal.

The confirmation records the commended and revoked points (``Appraisal`` with its
``AppraisalLine``s) and revokes each confirmed point through the network's own
``point_revoke`` (which audits ``point_revoke`` with the reason), in one transaction. It
happens once per desk and year: confirming the same lists again returns the record and
writes nothing; other lists are refused (a revoked point is re-admitted in the network
pages, not by a second appraisal).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from xinxi.accounts.models import User
from xinxi.audit.services import audit_record
from xinxi.lib.errors import ServiceError
from xinxi.network import services as network_services
from xinxi.network.models import Desk
from xinxi.scoring import appraisal, permissions
from xinxi.scoring.models import Appraisal, AppraisalDecision, AppraisalLine
from xinxi.scoring.services import NOT_ALLOWED

MAX_REASON = 200


def _ids(values: Iterable[Any], field: str) -> set[int]:
    try:
        return {int(v) for v in values}
    except (TypeError, ValueError):
        raise ServiceError({field: ["直报点编号应为整数。"]}) from None


def _same(existing: Appraisal, top_n: int, threshold: Decimal, commend: set[int], revoke: set[int]) -> bool:
    lines = list(existing.lines.all())
    return (
        existing.top_n == top_n
        and existing.threshold == threshold
        and {x.point_id for x in lines if x.decision == AppraisalDecision.COMMEND} == commend
        and {x.point_id for x in lines if x.decision == AppraisalDecision.REVOKE} == revoke
    )


@transaction.atomic
def appraisal_confirm(
    *,
    actor: User,
    desk: Desk,
    year: int,
    top_n: int,
    threshold: Decimal,
    commend: Iterable[int],
    revoke: Iterable[int],
    reason: str = "",
) -> Appraisal:
    """确认考评: record the commended points and revoke the points under the threshold."""
    if not permissions.can_manage_rules(actor, desk):
        raise ServiceError(NOT_ALLOWED, code="forbidden")
    year, top_n, threshold = appraisal.check_terms(year, top_n, threshold)
    commended, revoked = _ids(commend, "commend"), _ids(revoke, "revoke")
    reason = " ".join(str(reason or "").split())
    if len(reason) > MAX_REASON:
        raise ServiceError({"reason": [f"说明不能超过 {MAX_REASON} 字。"]})
    Desk.objects.select_for_update().get(pk=desk.pk)  # one confirmation at a time per desk
    existing = Appraisal.objects.filter(desk=desk, year=year).first()
    if existing is not None:
        if _same(existing, top_n, threshold, commended, revoked):
            return existing  # confirmed already: nothing is revoked twice
        when = timezone.localtime(existing.confirmed_at)
        raise ServiceError(
            f"{year}年度考评已于 {when:%Y-%m-%d %H:%M} 确认，不能再次确认不同的名单；"
            "如需调整直报点，请到直报点管理中办理。"
        )
    if commended & revoked:
        raise ServiceError("同一直报点不能既表扬又撤销。")
    proposal = appraisal.point_proposal(desk, year, top_n=top_n, threshold=threshold)
    rows = {r.point.pk: r for r in proposal.rows}
    if commended - set(rows):
        raise ServiceError({"commend": [f"表扬名单中有不是本科室{year}年度直报点的单位。"]})
    for pk in sorted(revoked):
        row = rows.get(pk)
        if row is None or row.point.revoked_on is not None:
            raise ServiceError({"revoke": ["撤销名单中有不是本科室现有直报点的单位。"]})
        if row.points >= threshold:
            raise ServiceError({"revoke": [
                f"“{row.unit.name}”{year}年度积分 {appraisal.points_text(row.points)} 分，"
                f"不低于撤销门槛 {appraisal.points_text(threshold)} 分，不能撤销。"
            ]})
    try:
        with transaction.atomic():
            record = Appraisal.objects.create(
                desk=desk, year=year, top_n=top_n, threshold=threshold, reason=reason, confirmed_by=actor
            )
    except IntegrityError:  # a concurrent confirmation won
        raise ServiceError(f"{year}年度考评已经确认。") from None
    today = timezone.localdate()
    lines = []
    for decision, chosen in ((AppraisalDecision.COMMEND, commended), (AppraisalDecision.REVOKE, revoked)):
        for pk in chosen:
            row = rows[pk]
            lines.append(AppraisalLine(
                appraisal=record, decision=decision, point=row.point, unit=row.unit, rank=row.rank,
                points=row.points, adopted=row.figures.adopted, submitted=row.figures.submitted,
            ))
            if decision == AppraisalDecision.REVOKE:
                why = (f"{year}年度直报点考评：年度积分 {appraisal.points_text(row.points)} 分，"
                       f"低于 {appraisal.points_text(threshold)} 分")
                network_services.point_revoke(
                    actor=actor, point=row.point, revoked_on=max(today, row.point.admitted_on),
                    reason=f"{why}。{reason}" if reason else why,
                )
    AppraisalLine.objects.bulk_create(lines)
    audit_record(
        actor=actor,
        action="appraisal_confirm",
        obj=record,
        detail={"desk": desk.pk, "year": year, "commended": sorted(commended), "revoked": sorted(revoked)},
    )
    return record
