"""Builders for the findings' tests: a late written report and its proposed 迟报."""

from __future__ import annotations

from typing import Any

import time_machine

from xinxi.network.testing import Net
from xinxi.scoring.tests.factories import line, rules
from xinxi.urgent import findings_sweep, services
from xinxi.urgent.models import Channel, Deadline, Finding, Incident, ReportKind
from xinxi.urgent.tests.helpers import at, city_desk, record

PENALTY_LINES = [line("late_report", -2), line("missed_report", -3), line("concealed_report", -5),
                 line("false_report", -5)]


def city_rules(net: Net, lines: list[dict[str, Any]] | None = None) -> Any:
    return rules(net, city_desk(net), PENALTY_LINES if lines is None else lines)


def late_incident(net: Net, **overrides: Any) -> Incident:
    """A mine flood at 07:00 (Ⅲ级): the county's written report (due 09:00 at the city) is filed at 09:40."""
    with time_machine.travel(at(2026, 12, 1, 7, 10), tick=False):
        incident = record(net, occurred_at=at(2026, 12, 1, 7, 0), **overrides)
    with time_machine.travel(at(2026, 12, 1, 9, 40), tick=False):
        services.report_file(actor=net.reporter, incident=incident, kind=ReportKind.FIRST, title="红星煤矿透水首报",
                             body="井下透水，3人遇难，正在抢险。")
    return incident


def written_deadline(net: Net, incident: Incident) -> Deadline:
    return Deadline.objects.get(incident=incident, unit=net.county, desk=city_desk(net), channel=Channel.WRITTEN,
                                cancelled=False)


def proposed_late(net: Net, **overrides: Any) -> Finding:
    """The proposed 迟报 of the county's written report (40 minutes late) at the city desk."""
    incident = late_incident(net, **overrides)
    findings_sweep.sweep()
    return Finding.objects.get(deadline=written_deadline(net, incident))
