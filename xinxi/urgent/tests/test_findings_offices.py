"""A unit that reported to only one of the party and government offices when both were required is flagged."""

from __future__ import annotations

import datetime as dt

from xinxi.accounts.models import Role
from xinxi.network import services as network
from xinxi.network.testing import make_user
from xinxi.urgent import services
from xinxi.urgent.models import ReportKind, UrgentSettings
from xinxi.urgent.selectors_findings import office_flags
from xinxi.urgent.tests.helpers import record


def _city_reports(net, **overrides):
    """The city's own 首报 on an incident it owes the province: it reaches the province party office only."""
    incident = record(net, **overrides)
    city_reporter = make_user("city_reporter", net.city, Role.REPORTER)
    services.report_file(actor=city_reporter, incident=incident, kind=ReportKind.FIRST, title="临江市首报",
                         body="情况。")
    services.report_file(actor=net.reporter, incident=incident, kind=ReportKind.FIRST, title="东城县首报",
                         body="情况。")
    return incident


def test_a_report_to_the_party_office_only_is_flagged(net, client_for):
    incident = _city_reports(net)  # Ⅲ级: the province's default requires both offices from Ⅲ up
    [flag] = office_flags([incident])
    assert (flag.unit, flag.reached, flag.missing) == (net.city, net.province.desk, net.province_gov.desk)
    assert flag.text == "临江市委办公室只报送了东海省委办公厅，未报送东海省人民政府办公厅"
    # The county reports to the city party office, which has no government office beside it: no flag.
    page = client_for("desk_chief").get("/urgent/findings/").content.decode()
    assert "临江市委办公室只报送了东海省委办公厅，未报送东海省人民政府办公厅" in page


def test_below_the_desks_severity_both_are_not_required(net):
    UrgentSettings.objects.create(desk=net.province.desk, both_offices_max_severity=2)
    assert office_flags([_city_reports(net)]) == []  # Ⅲ级 is below Ⅱ


def test_a_unit_that_reached_both_offices_is_not_flagged(net):
    network.point_admit(actor=net.admin, unit=net.city, desk=net.province_gov.desk, admitted_on=dt.date(2026, 1, 5),
                        reason="政府办直报")
    assert office_flags([_city_reports(net)]) == []
