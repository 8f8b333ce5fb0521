"""Audit scenario of 考评's confirmation, for the audit walk."""

from __future__ import annotations

from decimal import Decimal

from xinxi.audit.testing import Call, scenario
from xinxi.network.testing import Net
from xinxi.scoring import services_appraisal
from xinxi.scoring.tests.factories_appraisal import city_points, score


@scenario("xinxi.scoring.services_appraisal.appraisal_confirm", "appraisal_confirm")
def _confirm(net: Net) -> Call:
    good, idle = city_points(net, 2)
    score(net, good.unit, 30)
    return lambda: services_appraisal.appraisal_confirm(
        actor=net.desk_chief, desk=net.city.desk, year=2026, top_n=1, threshold=Decimal(12),
        commend=[good.pk], revoke=[idle.pk],
    )
