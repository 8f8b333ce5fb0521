"""Audit scenario of the scoring period sweep, for the audit walk."""

from __future__ import annotations

from xinxi.audit.testing import Call, scenario
from xinxi.network.testing import Net
from xinxi.scoring import services, sweeps
from xinxi.scoring.tests.factories import line, rules


@scenario("xinxi.scoring.services.period_sweep", "period_sweep")
def _sweep(net: Net) -> Call:
    rules(net, net.city.desk, [line("adoption", 5)], base_points="10", base_period="month")
    return lambda: services.period_sweep(actor=None, desk=net.city.desk, period=sweeps.month(2026, 11))
