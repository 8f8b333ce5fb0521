"""Audit scenarios for the findings' services (see ``audit/testing.py``)."""

from __future__ import annotations

from typing import Any

from xinxi.audit.testing import Call, scenario
from xinxi.urgent import services_findings
from xinxi.urgent.models import FindingKind
from xinxi.urgent.tests.helpers import at, record
from xinxi.urgent.tests.helpers_findings import city_rules, late_incident, proposed_late, written_deadline

S = "xinxi.urgent.services_findings"


@scenario(f"{S}.propose_late", "finding_propose_late")
def _propose(net: Any) -> Call:
    deadline = written_deadline(net, late_incident(net))
    return lambda: services_findings.propose_late(deadline=deadline, now=at(2026, 12, 1, 10, 0))


@scenario(f"{S}.finding_record", "finding_record")
def _record(net: Any) -> Call:
    incident = record(net)
    return lambda: services_findings.finding_record(
        actor=net.duty_officer, incident=incident, unit=net.county, kind=FindingKind.MISSED,
        evidence="从媒体先获知。",
    )


@scenario(f"{S}.finding_confirm", "finding_confirm")
def _confirm(net: Any) -> Call:
    city_rules(net)
    finding = proposed_late(net)
    return lambda: services_findings.finding_confirm(actor=net.desk_chief, finding=finding, version=1, reason="属实")


@scenario(f"{S}.finding_dismiss", "finding_dismiss")
def _dismiss(net: Any) -> Call:
    finding = proposed_late(net)
    return lambda: services_findings.finding_dismiss(actor=net.desk_chief, finding=finding, version=1, reason="误报")
