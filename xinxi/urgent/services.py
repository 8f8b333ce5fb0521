"""Urgent information: the writes. Keyword-only arguments, the acting user, one transaction.

The clocks (``Deadline`` rows) are stored when an incident is recorded, for every link of
the reporting chain: each responsible unit owes its nearest desk above, each desk on the
way up owes the desk above it, up to the desk that recorded the incident and from there
to its parent desk (when that desk receives incidents of this severity). Every due time
is occurred-at plus the receiving desk's limit (``clocks.limits``). A forwarded report
adds the next link (the desk it reached owes its own parent). Reports meet deadlines when
their submission reaches a desk (``handlers.on_item_submitted``) or a desk forwards them
(``handlers.on_entry_forwarded``); a phone report meets the phone clock when it is taken.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from xinxi.accounts.models import Role
from xinxi.audit.services import audit_record
from xinxi.items import services as item_services
from xinxi.items.models import Category
from xinxi.lib.choices import Classification, Urgency
from xinxi.lib.errors import ConflictError, ServiceError
from xinxi.network.models import Desk, Unit
from xinxi.urgent import chain, clocks, permissions, warnings
from xinxi.urgent.models import (
    SUBTYPE_CLASS,
    Channel,
    Deadline,
    DeadlineWarning,
    Incident,
    IncidentClass,
    IncidentEvent,
    IncidentReport,
    IncidentState,
    IncidentUnit,
    PhoneReport,
    ReportKind,
    Severity,
    Source,
)

if TYPE_CHECKING:
    from xinxi.accounts.models import User

# A clock skew allowance for "occurred-at is not in the future".
FUTURE_SLACK = dt.timedelta(minutes=2)
TITLE_MAX = 200
TEXT_MAX = 5000


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


_event = chain.event


# --- incident facts ---


def _check_facts(fields: dict[str, Any]) -> dict[str, Any]:
    """Validate the incident's facts (the same rules for the form, the API and corrections)."""
    out: dict[str, Any] = {}
    out["title"] = _text(fields.get("title"), "事件名称", TITLE_MAX, required=True)
    cls = fields.get("incident_class")
    if cls not in IncidentClass.values:
        raise ServiceError("请选择事件类别。")
    subtype = fields.get("subtype")
    if SUBTYPE_CLASS.get(subtype or "") != cls:
        raise ServiceError("事件类型与事件类别不符。")
    out["incident_class"], out["subtype"] = cls, subtype
    out["severity"] = _severity(fields.get("severity"))
    out["occurred_at"] = _occurred_at(fields.get("occurred_at"))
    out["place"] = _text(fields.get("place"), "发生地点", 200, required=True)
    for name, label in (("deaths", "死亡人数"), ("injured", "受伤人数"), ("missing", "失踪人数")):
        value = fields.get(name) or 0
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 1_000_000:
            raise ServiceError(f"{label}应为 0 至 1000000 之间的整数。")
        out[name] = value
    try:
        loss = Decimal(str(fields.get("loss") or 0))
    except InvalidOperation:
        raise ServiceError("直接经济损失应为数字（万元）。") from None
    if not loss.is_finite() or loss < 0 or loss >= Decimal("10000000000") or loss != loss.quantize(Decimal("0.01")):
        raise ServiceError("直接经济损失应为不小于 0 的金额（万元，至多两位小数）。")
    out["loss"] = loss
    out["summary"] = _text(fields.get("summary"), "基本情况", TEXT_MAX)
    source = fields.get("source") or Source.PHONE
    if source not in Source.values:
        raise ServiceError("获知渠道无效。")
    out["source"] = source
    classification = fields.get("classification", Classification.INTERNAL)
    if classification not in Classification.values:
        raise ServiceError("密级无效。")
    out["classification"] = classification
    suggestion = clocks.suggest_severity(
        deaths=out["deaths"], injured=out["injured"], missing=out["missing"], loss=out["loss"]
    )
    out["severity_suggested"] = suggestion.severity if out["incident_class"] == IncidentClass.ACCIDENT else None
    return out


def _severity(value: Any) -> int:
    if value not in Severity.values:
        raise ServiceError("请选择事件分级。")
    return int(value)


def _occurred_at(value: Any) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise ServiceError("请填写事件发生时间。")
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > timezone.now() + FUTURE_SLACK:
        raise ServiceError("事件发生时间不能晚于现在。")
    if value < timezone.now() - dt.timedelta(days=366):
        raise ServiceError("事件发生时间不能早于一年以前。")
    return value


def _responsible_units(desk: Desk, units: Iterable[Unit]) -> list[Unit]:
    chosen = list({u.pk: u for u in units}.values())
    if not chosen:
        raise ServiceError("请至少选择一个责任单位。")
    allowed = permissions.reporting_units(desk)
    ids = set(allowed.filter(pk__in=[u.pk for u in chosen]).values_list("pk", flat=True))
    for unit in chosen:
        if unit.pk not in ids:
            raise ServiceError(f"“{unit.name}”不在本科室的信息网络内，不能作为责任单位。")
    return chosen


# --- recording ---


@transaction.atomic
def incident_record(
    *,
    actor: User,
    desk: Desk,
    units: Sequence[Unit],
    **fields: Any,
) -> Incident:
    """登记突发事件: the desk's duty officer (or editor, chief) records an incident."""
    _require(permissions.can_record(actor, desk))
    facts = _check_facts(fields)
    if facts["classification"] > actor.clearance:
        raise ServiceError("密级不能高于您的涉密等级。")
    chosen = _responsible_units(desk, units)
    incident = Incident.objects.create(desk=desk, recorded_by=actor, **facts)
    chain.reach(incident, desk)
    for unit in chosen:
        IncidentUnit.objects.create(incident=incident, unit=unit)
        chain.ensure_chain(incident, unit, desk)
    warnings.tell_responsible(incident, chosen)
    _event(
        incident, actor, "record", f"登记事件：{Severity(incident.severity).label}",
        units=[u.pk for u in chosen],
    )
    audit_record(
        actor=actor, action="incident_record", obj=incident,
        detail={"desk": desk.pk, "units": [u.pk for u in chosen], "severity": incident.severity},
    )
    return incident


@transaction.atomic
def incident_add_unit(*, actor: User, incident: Incident, unit: Unit) -> IncidentUnit:
    """Add a responsible unit (its clocks run from the same occurred-at)."""
    desk = permissions.acting_desk(actor, incident)
    _require(desk is not None and permissions.can_record(actor, desk))
    assert desk is not None
    _responsible_units(desk, [unit])
    row, created = IncidentUnit.objects.get_or_create(incident=incident, unit=unit)
    if not created:
        raise ServiceError(f"“{unit.name}”已是责任单位。")
    chain.ensure_chain(incident, unit, desk)
    warnings.tell_responsible(incident, [unit])
    _event(incident, actor, "add_unit", f"增加责任单位：{unit.name}", unit=unit.pk)
    audit_record(actor=actor, action="incident_add_unit", obj=incident, detail={"unit": unit.pk})
    return row


@transaction.atomic
def incident_correct(
    *,
    actor: User,
    incident: Incident,
    version: int,
    reason: str,
    severity: int | None = None,
    occurred_at: dt.datetime | None = None,
) -> Incident:
    """更正分级或发生时间: every clock is recomputed from the corrected facts, with a history row."""
    desk = permissions.acting_desk(actor, incident)
    _require(desk is not None and permissions.can_record(actor, desk))
    reason = _text(reason, "更正理由", 300, required=True)
    new_severity = incident.severity if severity is None else _severity(severity)
    new_occurred = incident.occurred_at if occurred_at is None else _occurred_at(occurred_at)
    if new_severity == incident.severity and new_occurred == incident.occurred_at:
        raise ServiceError("分级和发生时间都没有改变。")
    old = {"severity": incident.severity, "occurred_at": incident.occurred_at.isoformat()}
    updated = Incident.objects.filter(pk=incident.pk, version=version).update(
        severity=new_severity, occurred_at=new_occurred, version=F("version") + 1
    )
    if not updated:
        raise ConflictError("该事件已被他人修改，请刷新后重试。")
    incident.refresh_from_db()
    changes = []
    for deadline in incident.deadlines.filter(cancelled=False).exclude(channel=Channel.FOLLOWUP).select_related(
        "desk"
    ):
        minutes = clocks.limits(deadline.desk, incident.severity)[deadline.channel]
        new_due = clocks.due(incident.occurred_at, minutes)
        if new_due != deadline.due_at or minutes != deadline.limit_minutes:
            changes.append(
                {"deadline": deadline.pk, "from": deadline.due_at.isoformat(), "to": new_due.isoformat()}
            )
            Deadline.objects.filter(pk=deadline.pk).update(due_at=new_due, limit_minutes=minutes)
            if deadline.met_at is None:  # warn again for the new time (the latest stage due, once)
                DeadlineWarning.objects.filter(deadline=deadline).delete()
    for row in incident.unit_rows.select_related("unit"):
        chain.ensure_chain(incident, row.unit, incident.desk)
    _event(
        incident, actor, "correct", reason, before=old,
        after={"severity": incident.severity, "occurred_at": incident.occurred_at.isoformat()},
        deadlines=changes,
    )
    audit_record(
        actor=actor, action="incident_correct", obj=incident,
        detail={"reason": reason, "before": old, "deadlines": len(changes)},
    )
    return incident


@transaction.atomic
def phone_report_record(
    *,
    actor: User,
    desk: Desk,
    unit: Unit,
    caller: str,
    received_at: dt.datetime,
    content: str,
    caller_phone: str = "",
    incident: Incident | None = None,
    new_incident: dict[str, Any] | None = None,
) -> PhoneReport:
    """电话报告: the duty officer writes down a call; it opens a new incident or joins one."""
    _require(permissions.can_record(actor, desk))
    caller = _text(caller, "来电人", 50, required=True)
    caller_phone = _text(caller_phone, "来电号码", 30)
    content = _text(content, "报告内容", TEXT_MAX, required=True)
    if not isinstance(received_at, dt.datetime):
        raise ServiceError("请填写接报时间。")
    if timezone.is_naive(received_at):
        received_at = timezone.make_aware(received_at)
    if received_at > timezone.now() + FUTURE_SLACK:
        raise ServiceError("接报时间不能晚于现在。")
    if (incident is None) == (new_incident is None):
        raise ServiceError("请选择已登记的事件，或填写新事件的情况。")
    if incident is None:
        assert new_incident is not None
        new_incident.setdefault("source", Source.PHONE)
        incident = incident_record(actor=actor, desk=desk, units=[unit], **new_incident)
    else:
        _require(permissions.visible_incidents(actor).filter(pk=incident.pk, desk_rows__desk=desk).exists())
        if incident.state != IncidentState.OPEN:
            raise ServiceError("该事件已终报，不能再登记电话报告。")
        if not incident.deadlines.filter(unit=unit, desk=desk).exists():
            # A unit not yet on the chain: it becomes a responsible unit, its clocks from occurred-at.
            _responsible_units(desk, [unit])
            IncidentUnit.objects.get_or_create(incident=incident, unit=unit)
            chain.ensure_chain(incident, unit, desk)
    if received_at < incident.occurred_at:
        raise ServiceError("接报时间不能早于事件发生时间。")
    phone = PhoneReport.objects.create(
        incident=incident, desk=desk, unit=unit, caller=caller, caller_phone=caller_phone,
        received_at=received_at, content=content, recorded_by=actor,
    )
    Deadline.objects.filter(
        incident=incident, unit=unit, desk=desk, channel=Channel.PHONE, met_at__isnull=True, cancelled=False
    ).update(met_at=received_at, met_by_phone=phone)
    _event(incident, actor, "phone", f"电话报告：{unit.name} {caller}", phone=phone.pk, unit=unit.pk)
    audit_record(actor=actor, action="phone_report_record", obj=phone, detail={"incident": incident.pk})
    return phone


# --- written reports ---


def _filed_with_key(actor: User, key: str | None) -> IncidentReport | None:
    """The report ``actor`` filed with the idempotency ``key`` (kept in the history row), if any."""
    if key is None:
        return None
    event = (
        IncidentEvent.objects.filter(actor=actor, action="report_filed", detail__key=key)
        .order_by("pk")
        .first()
    )
    if event is None:
        return None
    return IncidentReport.objects.filter(pk=event.detail.get("report")).select_related("item").first()


def _next_number(incident: Incident, unit: Unit) -> int:
    last = (
        IncidentReport.objects.filter(incident=incident, unit=unit, kind=ReportKind.FOLLOWUP)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return (last or 0) + 1


def _check_order(incident: Incident, unit: Unit, kind: str) -> None:
    existing = set(
        IncidentReport.objects.filter(incident=incident, unit=unit).values_list("kind", flat=True)
    )
    if ReportKind.FINAL in existing:
        raise ServiceError("本单位已报送终报，不能再报送。")
    if kind == ReportKind.PRE and existing:
        raise ServiceError("已有报告，预报只能在首报之前报送一次。")
    if kind == ReportKind.FIRST and ReportKind.FIRST in existing:
        raise ServiceError("本单位已报送首报，后续情况请报送续报。")
    if kind in (ReportKind.FOLLOWUP, ReportKind.FINAL) and ReportKind.FIRST not in existing:
        raise ServiceError(f"请先报送首报，再报送{ReportKind(kind).label}。")


@transaction.atomic
def report_file(
    *,
    actor: User,
    incident: Incident,
    kind: str,
    title: str,
    body: str,
    classification: int | None = None,
    idempotency_key: str | None = None,
) -> IncidentReport:
    """报送预报/首报/续报/终报: an item of category 紧急, submitted at once.

    A 终报 must be signed off by the unit's leader (签发人): filed by an approver it goes out
    signed; filed by a reporter it waits in the unit's sign-off queue. A unit that requires
    sign-off for every item sends the others through the queue too.

    ``idempotency_key``: a retry by the same user with the same key returns the first report
    (whatever incident it was filed on: the caller compares) and files nothing.
    """
    _require(permissions.can_file_report(actor, incident))
    key = (idempotency_key or "").strip()[:80] or None
    earlier = _filed_with_key(actor, key)
    if earlier is not None:
        return earlier  # a retry (a resent request): the first report, nothing new
    if kind not in ReportKind.values:
        raise ServiceError("报告类型无效。")
    if incident.state != IncidentState.OPEN:
        raise ServiceError("该事件已终报，不能再报送。")
    unit = actor.unit
    assert unit is not None  # can_file_report
    _check_order(incident, unit, kind)
    level = max(incident.classification, classification if classification is not None else 0)
    number = _next_number(incident, unit) if kind == ReportKind.FOLLOWUP else 0
    item = item_services.item_create(
        actor=actor,
        title=title,
        body=body,
        category=Category.URGENT,
        classification=level,
        urgency=Urgency.EXTRA,
        event_time=incident.occurred_at,
        major_event=incident.severity <= Severity.III,
    )
    report = IncidentReport.objects.create(
        incident=incident, unit=unit, kind=kind, number=number, item=item, filed_by=actor
    )
    _event(incident, actor, "report_filed", f"{unit.name} 填报{report.label}", report=report.pk, key=key)
    audit_record(actor=actor, action="incident_report_file", obj=report, detail={"incident": incident.pk, "kind": kind})
    needs_leader = kind == ReportKind.FINAL or unit.requires_signoff
    if needs_leader and not actor.has_role(Role.APPROVER):
        item_services.item_request_signoff(actor=actor, item=item)
    else:
        item_services.item_submit(actor=actor, item=item, idempotency_key=key)
    report.refresh_from_db()
    return report
