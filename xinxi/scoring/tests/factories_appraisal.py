"""Builders for appraisal tests: direct points of the city desk and points in its ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from xinxi.network import services as network
from xinxi.network.models import DirectPoint, Unit, UnitKind
from xinxi.network.testing import Net, make_unit
from xinxi.scoring import ledger

ADMITTED = dt.date(2026, 1, 5)
STREETS = ["南湖街道", "北湖街道", "西湖街道", "东湖街道", "中湖街道", "新湖街道"]


def city_points(net: Net, count: int = 6) -> list[DirectPoint]:
    """Streets under a district with its own desk, admitted as direct points of the city desk, in tree order."""
    district = make_unit("南湖区委办公室", net.city, region_code="370103", desk=True)
    points = []
    for i, name in enumerate(STREETS[:count], start=1):
        street = make_unit(name, district, kind=UnitKind.TOWNSHIP, region_code=f"370103{i:03d}", sort_order=i)
        points.append(network.point_admit(actor=net.desk_chief, unit=street, desk=net.city.desk,
                                          admitted_on=ADMITTED, reason="市级直报点"))
    return points


_serial = iter(range(1, 1_000_000))


def score(net: Net, unit: Unit, points: Any, on: dt.date = dt.date(2026, 6, 1), kind: str = "adoption",
          desk: Any = None) -> Any:
    """A ledger entry for the unit at the city desk (the ledger's own writer)."""
    return ledger.post(desk=desk or net.city.desk, unit=unit, on=on, points=Decimal(str(points)), kind=kind,
                       key=f"test:{next(_serial)}", reason="测试")
