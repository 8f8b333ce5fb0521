"""Audit scenarios of the circular services, for the audit walk."""

from __future__ import annotations

from xinxi.audit.testing import Call, scenario
from xinxi.network.testing import Net
from xinxi.scoring import services_circulars as services
from xinxi.scoring.tests.circular_factories import DEC, draft, issued, pending, scored, signed

S = "xinxi.scoring.services_circulars"


@scenario(f"{S}.circular_generate", "circular_generate")
def _generate(net: Net) -> Call:
    scored(net)
    return lambda: services.circular_generate(actor=net.editor, desk=net.city.desk, kind="month", start=DEC)


@scenario(f"{S}.circular_update", "circular_update")
def _update(net: Net) -> Call:
    circular = draft(net)
    return lambda: services.circular_update(
        actor=net.editor, circular=circular, version=circular.version, title="十二月通报", body="正文。"
    )


@scenario(f"{S}.circular_submit", "circular_submit")
def _submit(net: Net) -> Call:
    circular = draft(net)
    return lambda: services.circular_submit(actor=net.editor, circular=circular)


@scenario(f"{S}.circular_return", "circular_return")
def _return(net: Net) -> Call:
    circular = pending(net)
    return lambda: services.circular_return(actor=net.desk_chief, circular=circular, reason="再核")


@scenario(f"{S}.circular_sign", "circular_sign")
def _sign(net: Net) -> Call:
    circular = pending(net)
    return lambda: services.circular_sign(actor=net.desk_chief, circular=circular)


@scenario(f"{S}.circular_issue", "circular_issue")
def _issue(net: Net) -> Call:
    circular = signed(net)
    return lambda: services.circular_issue(actor=net.desk_chief, circular=circular)


@scenario(f"{S}.circular_read", "circular_read")
def _read(net: Net) -> Call:
    circular = issued(net)
    return lambda: services.circular_read(user=net.reporter, circular=circular)


@scenario(f"{S}.circulars_draft_due", "circular_generate")
def _draft_due(net: Net) -> Call:
    scored(net)
    return lambda: services.circulars_draft_due()
