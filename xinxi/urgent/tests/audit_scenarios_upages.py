"""Audit scenarios for the desk's urgent-information settings (``services_settings``)."""

from __future__ import annotations

from typing import Any

from xinxi.audit.testing import Call, scenario
from xinxi.urgent import services_settings
from xinxi.urgent.tests.helpers import city_desk


@scenario("xinxi.urgent.services_settings.urgent_settings_update", "urgent_settings_update")
def _settings(net: Any) -> Call:
    return lambda: services_settings.urgent_settings_update(
        actor=net.desk_chief, desk=city_desk(net), limits={(3, "phone"): 30, (3, "written"): 90},
        warn_before="45,15", escalate_after=20, followup_times="08:00,17:00",
        followup_max_severity=3, receive_max_severity=4, both_offices_max_severity=3,
    )
