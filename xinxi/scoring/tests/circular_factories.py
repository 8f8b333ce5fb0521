"""Builders for circular tests: a desk with points in December 2026, and circulars in each state."""

from __future__ import annotations

import datetime as dt
from typing import Any

from xinxi.network.testing import Net
from xinxi.scoring import services_circulars as services
from xinxi.scoring.models import Circular
from xinxi.scoring.tests.factories import adopt, at_city, line, rules

DEC = dt.date(2026, 12, 1)  # the tests' clock stands at 2026-12-01


def scored(net: Net) -> None:
    """The city desk's rules and one adoption of the county's item (10 points) in December."""
    rules(net, net.city.desk, [line("adoption", 10), line("false_item", -5)])
    adopt(net.editor, at_city(net, title="东城县秘密排查事项"))


def draft(net: Net, **kwargs: Any) -> Circular:
    return services.circular_generate(actor=net.editor, desk=net.city.desk, kind="month", start=DEC, **kwargs)


def pending(net: Net) -> Circular:
    return services.circular_submit(actor=net.editor, circular=draft(net))


def signed(net: Net) -> Circular:
    return services.circular_sign(actor=net.desk_chief, circular=pending(net))


def issued(net: Net) -> Circular:
    return services.circular_issue(actor=net.desk_chief, circular=signed(net))
