"""Audit scenarios for the commissions' services (see ``audit/testing.py``)."""

from __future__ import annotations

from typing import Any

import time_machine

from xinxi.assignments import services_commissions as services
from xinxi.assignments.tests.helpers_commissions import DUE, at, commission
from xinxi.audit.testing import Call, exempt, scenario
from xinxi.items import services as item_services
from xinxi.items.tests.factories import draft

S = "xinxi.assignments.services_commissions"

exempt(
    f"{S}.unit_users",  # a read: who hears about commissions
    f"{S}.url_of",  # a helper: the commission's page
    f"{S}.describe_delay",  # a helper: lateness in words
)


@scenario(f"{S}.commission_create", "commission_create")
def _create(net: Any) -> Call:
    return lambda: services.commission_create(actor=net.editor, topic="约稿", due_at=DUE, units=[net.county])


@scenario(f"{S}.commission_link", "commission_link")
def _link(net: Any) -> Call:
    c, item = commission(net), draft(net.reporter)
    return lambda: services.commission_link(actor=net.reporter, commission=c, item=item)


@scenario(f"{S}.commission_unlink", "commission_unlink")
def _unlink(net: Any) -> Call:
    c, item = commission(net), draft(net.reporter)
    services.commission_link(actor=net.reporter, commission=c, item=item)
    return lambda: services.commission_unlink(actor=net.reporter, item=item)


@scenario(f"{S}.on_item_submitted", "commission_answer")
def _answer(net: Any) -> Call:
    c, item = commission(net), draft(net.reporter)
    services.commission_link(actor=net.reporter, commission=c, item=item)
    return lambda: item_services.item_submit(actor=net.reporter, item=item)


@scenario(f"{S}.commission_decline", "commission_decline")
def _decline(net: Any) -> Call:
    c = commission(net)
    return lambda: services.commission_decline(actor=net.reporter, commission=c, reason="本单位无相关工作")


@scenario(f"{S}.commission_sweep", "commission_miss")
def _sweep(net: Any) -> Call:
    commission(net)

    def call() -> Any:
        with time_machine.travel(at(2026, 12, 4, 9, 0), tick=False):
            return services.commission_sweep()

    return call
