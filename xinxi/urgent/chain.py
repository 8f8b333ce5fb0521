"""The chain of clocks: which unit owes which desk what by when, and what stops a clock.

Called by the services (recording, corrections, phone reports) and by the handlers of
items' hooks (a report's item submitted, a report forwarded), inside their transactions;
the audit rows are those of the calling service (``incident_record``, ``item_submit``,
``entry_forward``).

Each responsible unit owes its nearest desk above; that desk's unit owes the next desk;
and so on up to the desk that recorded the incident, whose own unit owes its parent desk
(when that desk receives incidents of this severity). Every due time is occurred-at plus
the receiving desk's limit (``clocks.limits``). A forwarded report adds the next link.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from xinxi.lib.errors import ServiceError
from xinxi.network.models import Desk, Unit
from xinxi.network.services import parent_desk
from xinxi.urgent import clocks
from xinxi.urgent.models import (
    Channel,
    Deadline,
    Incident,
    IncidentDesk,
    IncidentEvent,
    IncidentReport,
    IncidentState,
    ReportKind,
)


def event(incident: Incident, actor: Any, action: str, text: str = "", **detail: Any) -> None:
    IncidentEvent.objects.create(
        incident=incident, at=timezone.now(), actor=actor, action=action, text=text[:500], detail=detail
    )


def links(unit: Unit, top: Desk) -> list[tuple[Unit, Desk]]:
    """(owing unit, receiving desk) links from ``unit`` up to ``top`` and one step above it.

    The unit owes its nearest desk above; that desk's unit owes the next desk; and so on,
    until the link into ``top``; then ``top``'s own unit owes ``top``'s parent desk. A unit
    outside ``top``'s line (a direct point from another branch) owes ``top`` directly.
    """
    links: list[tuple[Unit, Desk]] = []
    current = unit
    seen: set[int] = set()
    while True:
        above = parent_desk(current)
        if above is None or above.pk in seen:
            break
        if above.pk != top.pk and not above.unit.path.startswith(top.unit.path):
            # ``above`` is not on the way to ``top`` (a point of another line): report to top.
            links.append((current, top))
            current = top.unit
            break
        seen.add(above.pk)
        links.append((current, above))
        current = above.unit
        if above.pk == top.pk:
            break
    if not links or links[-1][1].pk != top.pk:
        if current.pk != top.unit_id:
            links.append((current, top))
        current = top.unit
    upper = parent_desk(top.unit)
    if upper is not None:
        links.append((top.unit, upper))
    return links


def receives(desk: Desk, severity: int) -> bool:
    return severity <= clocks.settings_of(desk).receive_max_severity


def ensure_deadline(incident: Incident, unit: Unit, desk: Desk) -> list[Deadline]:
    """The phone and written clocks of one link (created once; existing rows kept)."""
    made: list[Deadline] = []
    if not receives(desk, incident.severity):
        return made
    minutes = clocks.limits(desk, incident.severity)
    for channel in (Channel.PHONE, Channel.WRITTEN):
        if Deadline.objects.filter(
            incident=incident, unit=unit, desk=desk, channel=channel, cancelled=False
        ).exists():
            continue
        made.append(
            Deadline.objects.create(
                incident=incident,
                unit=unit,
                desk=desk,
                channel=channel,
                limit_minutes=minutes[channel],
                due_at=clocks.due(incident.occurred_at, minutes[channel]),
            )
        )
    return made


def reach(incident: Incident, desk: Desk, via: Desk | None = None, at: dt.datetime | None = None) -> bool:
    """Record that the incident reached ``desk``; True if it is new there."""
    _row, created = IncidentDesk.objects.get_or_create(
        incident=incident, desk=desk, defaults={"reached_at": at or timezone.now(), "via": via}
    )
    return created


def ensure_chain(incident: Incident, unit: Unit, top: Desk) -> None:
    upper = parent_desk(top.unit)
    for owing, receiving in links(unit, top):
        ensure_deadline(incident, owing, receiving)
        if upper is None or receiving.pk != upper.pk:
            reach(incident, receiving)


def ensure_followup(incident: Incident, unit: Unit, desk: Desk, after: dt.datetime) -> Deadline | None:
    """The next 续报 slot owed by ``unit`` to ``desk`` after ``after`` (created once).

    Only for open incidents at or above the desk's follow-up severity, once the unit's
    首报 has reached the desk, until its 终报.
    """
    if incident.state != IncidentState.OPEN:
        return None
    settings = clocks.settings_of(desk)
    if incident.severity > settings.followup_max_severity:
        return None
    slot = clocks.next_slot(after, clocks.parse_times(settings.followup_times))
    if slot is None:
        return None
    existing = Deadline.objects.filter(
        incident=incident, unit=unit, desk=desk, channel=Channel.FOLLOWUP, cancelled=False, due_at__gte=slot
    ).first()
    if existing is not None:
        return existing
    return Deadline.objects.create(
        incident=incident, unit=unit, desk=desk, channel=Channel.FOLLOWUP, due_at=slot
    )


def report_submitted(report: IncidentReport, submission: Any) -> None:
    """Called (in the submitting transaction) when a report's item went out: meet the clocks."""
    if report.submitted_at is not None:
        return
    if report.kind == ReportKind.FINAL and submission.signed_off_by_id is None:
        raise ServiceError("终报须经本单位领导（签发人）签发后报送。")
    now = timezone.now()
    IncidentReport.objects.filter(pk=report.pk).update(
        submitted_at=now, signed_off_by_id=submission.signed_off_by_id
    )
    report.submitted_at = now
    report.signed_off_by_id = submission.signed_off_by_id
    incident = report.incident
    desks = [entry.desk for entry in submission.entries.select_related("desk", "desk__unit")]
    for desk in desks:
        meet(incident, report.unit, desk, report, now)
    event(incident, None, "report_submitted", f"{report.unit.name} {report.label}已报送", report=report.pk)
    if report.kind == ReportKind.FINAL:
        maybe_close(incident, now)


def meet(incident: Incident, unit: Unit, desk: Desk, report: IncidentReport, at: dt.datetime) -> None:
    """A written report of ``unit`` reached ``desk`` at ``at``: stop the clocks it stops."""
    open_rows = Deadline.objects.filter(
        incident=incident, unit=unit, desk=desk, met_at__isnull=True, cancelled=False
    )
    channels = {
        ReportKind.PRE: [Channel.PHONE],
        ReportKind.FIRST: [Channel.PHONE, Channel.WRITTEN],
        ReportKind.FOLLOWUP: [],
        ReportKind.FINAL: [Channel.PHONE, Channel.WRITTEN],
    }[ReportKind(report.kind)]
    if channels:
        open_rows.filter(channel__in=channels).update(met_at=at, met_by_report=report)
    after = at
    if report.kind in (ReportKind.FOLLOWUP, ReportKind.FINAL):
        slot = open_rows.filter(channel=Channel.FOLLOWUP).order_by("due_at").first()
        if slot is not None:
            Deadline.objects.filter(pk=slot.pk).update(met_at=at, met_by_report=report)
            after = max(at, slot.due_at)
    if report.kind == ReportKind.FINAL:
        # No more follow-ups owed by this unit to this desk.
        Deadline.objects.filter(
            incident=incident, unit=unit, desk=desk, channel=Channel.FOLLOWUP, met_at__isnull=True,
            cancelled=False, due_at__gt=at,
        ).update(cancelled=True)
    elif report.kind in (ReportKind.FIRST, ReportKind.FOLLOWUP):
        ensure_followup(incident, unit, desk, after)


def maybe_close(incident: Incident, at: dt.datetime) -> None:
    """The incident closes when every responsible unit's 终报 has gone out."""
    responsible = set(incident.unit_rows.values_list("unit_id", flat=True))
    finals = set(
        IncidentReport.objects.filter(
            incident=incident, kind=ReportKind.FINAL, submitted_at__isnull=False
        ).values_list("unit_id", flat=True)
    )
    if responsible <= finals:
        Incident.objects.filter(pk=incident.pk).update(state=IncidentState.CLOSED, closed_at=at)
        incident.state, incident.closed_at = IncidentState.CLOSED, at
        Deadline.objects.filter(
            incident=incident, channel=Channel.FOLLOWUP, met_at__isnull=True, cancelled=False, due_at__gt=at
        ).update(cancelled=True)
        event(incident, None, "close", "各责任单位均已终报，报告结束")


def report_forwarded(report: IncidentReport, from_desk: Desk, to_desk: Desk, at: dt.datetime) -> None:
    """A desk forwarded a report upward: the incident reaches the desk above, and the
    forwarding desk's own clocks to it stop; the next link (its parent) starts counting."""
    incident = report.incident
    reach(incident, to_desk, via=from_desk, at=at)
    ensure_deadline(incident, from_desk.unit, to_desk)
    meet(incident, from_desk.unit, to_desk, report, at)
    upper = parent_desk(to_desk.unit)
    if upper is not None:
        ensure_deadline(incident, to_desk.unit, upper)
    event(
        incident, None, "forwarded", f"{from_desk.name} 将{report.label}报送 {to_desk.name}",
        report=report.pk, desk=to_desk.pk,
    )
