"""Audit scenarios for the urgent-information services (see ``audit/testing.py``)."""

from __future__ import annotations

from typing import Any

from xinxi.audit.testing import Call, scenario
from xinxi.urgent import services
from xinxi.urgent.models import ReportKind
from xinxi.urgent.tests.helpers import at, city_desk, facts, record

S = "xinxi.urgent.services"


@scenario(f"{S}.incident_record", "incident_record")
def _record(net: Any) -> Call:
    return lambda: record(net)


@scenario(f"{S}.incident_add_unit", "incident_add_unit")
def _add_unit(net: Any) -> Call:
    incident = record(net)
    return lambda: services.incident_add_unit(actor=net.duty_officer, incident=incident, unit=net.town)


@scenario(f"{S}.incident_correct", "incident_correct")
def _correct(net: Any) -> Call:
    incident = record(net)
    return lambda: services.incident_correct(
        actor=net.duty_officer, incident=incident, version=incident.version, severity=2, reason="伤亡人数上升"
    )


@scenario(f"{S}.phone_report_record", "phone_report_record")
def _phone(net: Any) -> Call:
    return lambda: services.phone_report_record(
        actor=net.duty_officer, desk=city_desk(net), unit=net.county, caller="刘某",
        received_at=at(2026, 12, 1, 9, 0), content="发生火灾。", new_incident=facts(subtype="fire"),
    )


@scenario(f"{S}.report_file", "incident_report_file")
def _report(net: Any) -> Call:
    incident = record(net)
    return lambda: services.report_file(
        actor=net.reporter, incident=incident, kind=ReportKind.FIRST, title="首报", body="情况。"
    )
