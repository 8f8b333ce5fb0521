"""Audit scenarios of the scoring services (and of withdrawing an adoption), for the audit walk."""

from __future__ import annotations

import datetime as dt
from typing import Any

from xinxi.audit.testing import Call, scenario
from xinxi.items import desk_services
from xinxi.network.testing import Net
from xinxi.scoring import services
from xinxi.scoring.models import ScoreEntry
from xinxi.scoring.tests.factories import ON, adopt, at_city, line, rules

S = "xinxi.scoring.services"


def _draft(net: Net) -> Any:
    return services.rule_set_create(
        actor=net.desk_chief, desk=net.city.desk, name="草稿", valid_from=ON, lines=[line("adoption", 5)]
    )


@scenario(f"{S}.rule_set_create", "rule_set_create")
def _create(net: Net) -> Call:
    return lambda: _draft(net)


@scenario(f"{S}.rule_set_update", "rule_set_update")
def _update(net: Net) -> Call:
    draft = _draft(net)
    return lambda: services.rule_set_update(actor=net.desk_chief, rule_set=draft, version=draft.version, name="改名")


@scenario(f"{S}.rule_set_publish", "rule_set_publish")
def _publish(net: Net) -> Call:
    draft = _draft(net)
    return lambda: services.rule_set_publish(actor=net.desk_chief, rule_set=draft)


@scenario(f"{S}.rule_set_correct", "rule_set_correct")
def _correct(net: Net) -> Call:
    active = rules(net, net.city.desk, [line("adoption", 5)])
    return lambda: services.rule_set_correct(actor=net.desk_chief, rule_set=active)


@scenario(f"{S}.rule_set_copy", "rule_set_copy")
def _copy(net: Net) -> Call:
    active = rules(net, net.city.desk, [line("adoption", 5)])
    return lambda: services.rule_set_copy(actor=net.desk_chief, rule_set=active, valid_from=dt.date(2027, 1, 1))


@scenario(f"{S}.penalty_record", "penalty_record")
def _penalty(net: Net) -> Call:
    rules(net, net.city.desk, [line("false_item", -5)])
    return lambda: services.penalty_record(
        actor=net.desk_chief, desk=net.city.desk, unit=net.county, kind="false_item", on=ON, reason="数字失实"
    )


@scenario(f"{S}.score_entry_reverse", "score_entry_reverse")
def _reverse(net: Net) -> Call:
    rules(net, net.city.desk, [line("adoption", 5)])
    adopt(net.editor, at_city(net))
    entry = ScoreEntry.objects.get()
    return lambda: services.score_entry_reverse(actor=net.desk_chief, entry=entry, reason="误记")


@scenario(f"{S}.period_close", "period_close")
def _close(net: Net) -> Call:
    return lambda: services.period_close(
        actor=net.desk_chief, desk=net.city.desk, kind="month", start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30)
    )


@scenario("xinxi.items.desk_services.adoption_withdraw", "adoption_withdraw")
def _withdraw(net: Net) -> Call:
    entry = at_city(net)
    [record] = adopt(net.editor, entry)
    return lambda: desk_services.adoption_withdraw(actor=net.editor, entry=entry, adoption=record, reason="误录")

