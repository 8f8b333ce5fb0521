"""Audit scenarios for ``xinxi.urgent.services_settings`` (see ``audit/testing.py``)."""

from __future__ import annotations

from typing import Any

from xinxi.audit.testing import Call, scenario
from xinxi.urgent import services_settings
from xinxi.urgent.tests.helpers import city_desk


@scenario("xinxi.urgent.services_settings.settings_update", "urgent_settings_update")
def _settings(net: Any) -> Call:
    return lambda: services_settings.settings_update(
        actor=net.desk_chief, desk=city_desk(net),
        limits=[{"severity": 3, "channel": "phone", "minutes": 30},
                {"severity": 3, "channel": "written", "minutes": 90}],
        warn_before="30,10", followup_times="08:00,17:00",
    )
