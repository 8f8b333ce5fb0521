"""Findings (迟报 / 漏报 / 瞒报 / 谎报): the writes. Keyword-only, the acting user, one transaction, audited.

- ``propose_late``: the system (the worker's sweep, ``findings_sweep``) proposes one 迟报
  per passed phone or written deadline — unmet past due, or met late — with the delay.
- ``finding_record``: the desk's duty officer, editor or chief records a 漏报, 瞒报 or
  谎报 against a responsible unit, with evidence (text and files checked by content).
- ``finding_confirm`` / ``finding_dismiss``: the desk chief decides, with a reason, on the
  version read. Confirming posts the penalty through ``scoring.services.penalty_record``
  under the desk's rule set; a rule set without a line for the kind refuses the confirm
  with scoring's message and nothing changes.

The proposal is told to the desk chief, the decision to the unit's reporters and approvers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from xinxi.accounts.models import Role, User
from xinxi.audit.services import audit_record
from xinxi.items.attachments import ALLOWED, check_size, detect_kind
from xinxi.lib.errors import ConflictError, ServiceError
from xinxi.network.models import Desk, Unit
from xinxi.notifications.models import NotificationKind
from xinxi.notifications.services import notify
from xinxi.scoring import services as scoring
from xinxi.scoring.models import EventKind
from xinxi.urgent import chain, permissions
from xinxi.urgent.models import (
    Channel,
    Deadline,
    Finding,
    FindingEvidence,
    FindingKind,
    FindingState,
    Incident,
    IncidentReport,
    ReportKind,
)

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

PENALTY_KIND = {
    FindingKind.LATE: EventKind.LATE_REPORT,
    FindingKind.MISSED: EventKind.MISSED_REPORT,
    FindingKind.CONCEALED: EventKind.CONCEALED_REPORT,
    FindingKind.FALSE: EventKind.FALSE_REPORT,
}
RECORDED_KINDS = (FindingKind.MISSED, FindingKind.CONCEALED, FindingKind.FALSE)
LATE_CHANNELS = (Channel.PHONE, Channel.WRITTEN)
MAX_EVIDENCE_FILES = 10
EVIDENCE_MAX = 5000
REASON_MAX = 1000


def _require(ok: bool) -> None:
    if not ok:
        raise ServiceError("您没有权限进行此操作。", code="forbidden")


def _text(value: Any, label: str, max_length: int, *, required: bool = False) -> str:
    text = str(value or "").replace("\x00", "").strip()
    if required and not text:
        raise ServiceError(f"请填写{label}。")
    if len(text) > max_length:
        raise ServiceError(f"{label}不能超过 {max_length} 字（现有 {len(text)} 字）。")
    return text


def _measured_delay(deadline: Deadline, now: dt.datetime | None = None) -> int:
    """Minutes past due: when it was met, or (still unmet) until ``now``."""
    end = deadline.met_at or now or timezone.now()
    return max(0, int((end - deadline.due_at).total_seconds() // 60))


def _is_late(deadline: Deadline, now: dt.datetime) -> bool:
    """A passed deadline: not cancelled, a phone or written clock, unmet past due or met a minute or more late."""
    if deadline.cancelled or deadline.channel not in LATE_CHANNELS or deadline.due_at >= now:
        return False
    return deadline.met_at is None or _measured_delay(deadline) >= 1


def _desk_chiefs(desk: Desk) -> Any:
    return User.objects.filter(unit_id=desk.unit_id, role_grants__role=Role.DESK_CHIEF, is_active=True)


def _unit_people(unit: Unit) -> Any:
    return User.objects.filter(
        unit_id=unit.pk, role_grants__role__in=[Role.REPORTER, Role.APPROVER], is_active=True
    ).distinct()


def _url(finding: Finding) -> str:
    return reverse("urgent:finding_detail", args=[finding.pk])


def _tell_chief(finding: Finding, actor: User | None = None) -> None:
    chiefs = _desk_chiefs(finding.desk)
    if actor is not None:
        chiefs = chiefs.exclude(pk=actor.pk)
    notify(users=chiefs, kind=NotificationKind.URGENT_FINDING_PROPOSED, obj=finding,
           url=_url(finding))


def _tell_unit(finding: Finding) -> None:
    notify(users=_unit_people(finding.unit), kind=NotificationKind.URGENT_FINDING_DECIDED, obj=finding,
           url=_url(finding), detail={"state": finding.state})


# --- 迟报: proposed by the system ---


@transaction.atomic
def propose_late(*, deadline: Deadline, now: dt.datetime | None = None) -> Finding | None:
    """The system proposes a 迟报 for a passed deadline; None when it is not late or already proposed."""
    now = now or timezone.now()
    rows = Deadline.objects.select_for_update(of=("self",)).select_related("incident", "unit", "desk")
    deadline = rows.get(pk=deadline.pk)
    if not _is_late(deadline, now) or Finding.objects.filter(deadline=deadline).exists():
        return None
    delay = _measured_delay(deadline, now)
    state = f"{timezone.localtime(deadline.met_at):%Y-%m-%d %H:%M} 报告" if deadline.met_at else "截至提出时仍未报告"
    local_due = timezone.localtime(deadline.due_at)
    finding = Finding.objects.create(
        incident=deadline.incident, unit=deadline.unit, desk=deadline.desk, kind=FindingKind.LATE,
        deadline=deadline, delay_minutes=delay, proposed_at=now,
        evidence=(
            f"{deadline.get_channel_display()}时限 {deadline.limit_minutes or '—'} 分钟，"
            f"应于 {local_due:%Y-%m-%d %H:%M} 前报告，{state}，超时 {delay} 分钟。"
        ),
    )
    chain.event(deadline.incident, None, "finding_proposed", f"系统提出{deadline.unit.name}迟报（超时 {delay} 分钟）",
                finding=finding.pk)
    audit_record(actor=None, action="finding_propose_late", obj=finding, actor_name="系统（迟报核查）",
                 detail={"deadline": deadline.pk, "delay_minutes": delay})
    _tell_chief(finding)
    return finding


# --- 漏报 / 瞒报 / 谎报: recorded by the desk ---


def _store_evidence(*, finding: Finding, upload: UploadedFile, actor: User) -> FindingEvidence:
    """One evidence file, checked by content like an item's attachment (DOCX, PDF, JPG, PNG)."""
    check_size(upload)
    suffix = detect_kind(upload)
    if finding.attachments.count() >= MAX_EVIDENCE_FILES:
        raise ServiceError(f"每条问题记录最多 {MAX_EVIDENCE_FILES} 个证据文件。")
    name = PurePath(upload.name or f"证据{suffix}").name[:200]
    row = FindingEvidence(finding=finding, name=name, size=upload.size or 0, content_type=ALLOWED[suffix],
                          uploaded_by=actor)
    row.file.save(f"{finding.pk}{suffix}", upload, save=False)
    row.save()
    return row


def _responsible(incident: Incident, desk: Desk, unit: Unit) -> bool:
    """A unit on the incident: named responsible, or owing this desk a report on it."""
    return (
        incident.unit_rows.filter(unit=unit).exists()
        or incident.deadlines.filter(unit=unit, desk=desk).exists()
    )


@transaction.atomic
def finding_record(
    *,
    actor: User,
    incident: Incident,
    unit: Unit,
    kind: str,
    evidence: str,
    person: str = "",
    files: Sequence[UploadedFile] = (),
) -> Finding:
    """记录漏报、瞒报或谎报 at the actor's desk (duty officer, editor, chief), with evidence."""
    desk = permissions.acting_desk(actor, incident)
    _require(desk is not None and permissions.can_record(actor, desk))
    assert desk is not None
    if kind not in RECORDED_KINDS:
        raise ServiceError("问题类型应为漏报、瞒报或谎报（迟报由系统按报告时限提出）。")
    if not _responsible(incident, desk, unit):
        raise ServiceError(f"{unit.name}不是该事件的责任单位，也不向本科室报告该事件。")
    evidence = _text(evidence, "事实和证据（时间、来源、链接等）", EVIDENCE_MAX, required=True)
    person = _text(person, "责任人", 100)
    if len(files) > MAX_EVIDENCE_FILES:
        raise ServiceError(f"每条问题记录最多 {MAX_EVIDENCE_FILES} 个证据文件。")
    finding = Finding.objects.create(
        incident=incident, unit=unit, desk=desk, kind=kind, person=person, evidence=evidence,
        proposed_by=actor, proposed_at=timezone.now(),
    )
    for upload in files:
        _store_evidence(finding=finding, upload=upload, actor=actor)
    label = FindingKind(kind).label
    chain.event(incident, actor, "finding_recorded", f"记录{unit.name}{label}", finding=finding.pk)
    audit_record(actor=actor, action="finding_record", obj=finding,
                 detail={"kind": kind, "unit": unit.pk, "files": len(files)})
    _tell_chief(finding, actor)
    return finding


# --- decisions: the desk chief ---


def _decidable(actor: User, finding: Finding, version: int, reason: Any) -> tuple[Finding, str]:
    locked = Finding.objects.select_for_update(of=("self",)).select_related("incident", "unit", "desk", "deadline").get(
        pk=finding.pk
    )
    _require(permissions.can_decide_findings(actor, locked.desk))
    if locked.version != version:
        raise ConflictError()
    if locked.state != FindingState.PROPOSED:
        raise ServiceError(f"该问题已{locked.get_state_display()}，不能再次认定。")
    return locked, _text(reason, "认定意见", REASON_MAX, required=True)


def _report_item(finding: Finding) -> Any:
    """The unit's first written report's item on the incident (the penalty's trace), if any."""
    report = (
        IncidentReport.objects.filter(incident=finding.incident, unit=finding.unit)
        .exclude(kind=ReportKind.PRE)
        .select_related("item")
        .order_by("filed_at", "id")
        .first()
    )
    return report.item if report is not None else None


def _penalty_date(finding: Finding) -> dt.date:
    """The day the failure happened: a 迟报's due day, otherwise the incident's day."""
    moment = finding.deadline.due_at if finding.deadline is not None else finding.incident.occurred_at
    return min(timezone.localtime(moment).date(), timezone.localdate())


def _penalty_reason(finding: Finding) -> str:
    """The ledger's words: no incident title or free text, since a unit's points are read below its clearance."""
    day = timezone.localtime(finding.incident.occurred_at)
    delay = f"，超时 {finding.delay_minutes} 分钟" if finding.kind == FindingKind.LATE else ""
    return (f"紧急信息{FindingKind(finding.kind).label}：{day:%Y-%m-%d}发生的{finding.incident.subtype_label}"
            f"{delay}（问题记录 {finding.pk} 号）")


@transaction.atomic
def finding_confirm(*, actor: User, finding: Finding, version: int, reason: str, person: str | None = None) -> Finding:
    """认定: the desk chief confirms; the penalty posts to the scoring ledger under the desk's rules."""
    locked, reason = _decidable(actor, finding, version, reason)
    if person is not None:
        locked.person = _text(person, "责任人", 100)
    if locked.deadline is not None:
        locked.delay_minutes = _measured_delay(locked.deadline)
    kind = FindingKind(locked.kind)
    penalty = scoring.penalty_record(
        actor=actor, desk=locked.desk, unit=locked.unit, kind=PENALTY_KIND[kind], on=_penalty_date(locked),
        reason=_penalty_reason(locked), item=_report_item(locked),
    )
    now = timezone.now()
    locked.state, locked.reason, locked.decided_by, locked.decided_at = FindingState.CONFIRMED, reason, actor, now
    locked.penalty, locked.version = penalty, locked.version + 1
    locked.save(update_fields=["person", "delay_minutes", "state", "reason", "decided_by", "decided_at", "penalty",
                               "version"])
    chain.event(locked.incident, actor, "finding_confirmed", f"认定{locked.unit.name}{kind.label}", finding=locked.pk)
    audit_record(actor=actor, action="finding_confirm", obj=locked,
                 detail={"kind": locked.kind, "unit": locked.unit_id, "penalty": penalty.pk})
    _tell_unit(locked)
    return locked


@transaction.atomic
def finding_dismiss(*, actor: User, finding: Finding, version: int, reason: str) -> Finding:
    """不予认定: the desk chief dismisses the finding with a reason; no penalty."""
    locked, reason = _decidable(actor, finding, version, reason)
    locked.state, locked.reason, locked.decided_by, locked.decided_at = (
        FindingState.DISMISSED, reason, actor, timezone.now()
    )
    locked.version += 1
    locked.save(update_fields=["state", "reason", "decided_by", "decided_at", "version"])
    label = FindingKind(locked.kind).label
    chain.event(locked.incident, actor, "finding_dismissed", f"{locked.unit.name}{label}不予认定", finding=locked.pk)
    audit_record(actor=actor, action="finding_dismiss", obj=locked, detail={"kind": locked.kind})
    _tell_unit(locked)
    return locked
