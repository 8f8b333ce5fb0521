"""The demo urgent information: three incidents on the city desk's board, with the clocks a duty officer expects."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from xinxi.accounts.models import User
from xinxi.audit.models import AuditEvent
from xinxi.instructions.levels import seed_default_levels
from xinxi.urgent import demo
from xinxi.urgent.models import Channel, ClockLimit, Deadline, Incident, IncidentState, PhoneReport

MINUTE = dt.timedelta(minutes=1)


@pytest.fixture(autouse=True)
def _rule_tables(db: None) -> None:
    seed_default_levels()  # what the migrations seed in a real database


def _clock(incident: Incident, unit: str, channel: str) -> Deadline:
    return Deadline.objects.get(incident=incident, unit__name=unit, desk__unit__name=demo.CITY, channel=channel,
                                cancelled=False)


def test_the_demo_loads_three_incidents_with_their_clocks_and_a_second_run_changes_nothing(db: None) -> None:
    call_command("load_demo", verbosity=0)
    call_command("load_demo_urgent")
    running = Incident.objects.get(title=demo.RUNNING)
    late = Incident.objects.get(title=demo.LATE)
    closed = Incident.objects.get(title=demo.CLOSED)

    # (a) open, the phone clock met by the call in time, the written clock counting down.
    assert running.state == IncidentState.OPEN
    phone = _clock(running, "东城区委办公室", Channel.PHONE)
    assert phone.met_by_phone is not None and phone.late_minutes == 0
    written = _clock(running, "东城区委办公室", Channel.WRITTEN)
    assert written.met_at is None and written.due_at == running.occurred_at + written.limit_minutes * MINUTE
    upward = Deadline.objects.get(incident=running, unit__name=demo.CITY, desk__unit__name=demo.PROVINCE,
                                  channel=Channel.WRITTEN)
    assert upward.met_at is None and upward.limit_minutes == 300  # the province's table, from occurred-at

    # (b) the 首报 was filed past its written limit: a 迟报 of about an hour.
    written = _clock(late, "柳河县委办公室", Channel.WRITTEN)
    assert written.met_by_report is not None and written.met_by_report.label == "首报"
    assert 55 <= (written.late_minutes or 0) <= 65
    assert _clock(late, "柳河县委办公室", Channel.PHONE).late_minutes == 0
    assert not Deadline.objects.filter(incident=late, desk__unit__name=demo.PROVINCE).exists()  # 一般: not received
    # ... proposed to the city desk's chief as a 迟报 with the measured delay; nothing else is proposed.
    from xinxi.urgent.models import Finding

    [finding] = Finding.objects.all()
    assert (finding.incident, finding.kind, finding.state, finding.deadline) == (late, "late", "proposed", written)
    assert finding.delay_minutes == written.late_minutes

    # (c) 首报 → 续报一 → 终报, signed off by the approver, closed.
    reports = list(closed.reports.order_by("filed_at", "id"))
    assert [r.label for r in reports] == ["首报", "续报一", "终报"]
    assert all(r.submitted_at is not None for r in reports)
    assert reports[-1].signed_off_by == User.objects.get(username="dc_qf")
    assert closed.state == IncidentState.CLOSED and closed.closed_at is not None

    # The duty officer's board: the two open ones, the running clock green, the late one marked late.
    client = APIClient()
    client.force_authenticate(User.objects.get(username=demo.DUTY_OFFICER))
    board = client.get("/api/v1/urgent-board/").json()
    rows = {row["title"]: row for row in board["incidents"]}
    assert set(rows) == {demo.RUNNING, demo.LATE}
    clocks = {(d["unit_name"], d["channel"]): d for d in rows[demo.RUNNING]["deadlines"]}
    assert clocks[("东城区委办公室", "written")]["colour"] == "green"
    assert clocks[("东城区委办公室", "written")]["remaining_seconds"] > 80 * 60
    assert clocks[("东城区委办公室", "phone")]["colour"] == "green"
    late_row = {(d["unit_name"], d["channel"]): d for d in rows[demo.LATE]["deadlines"]}
    late_written = late_row[("柳河县委办公室", "written")]
    assert late_written["late"] and late_written["colour"] == "red"

    counts = (Incident.objects.count(), PhoneReport.objects.count(), Deadline.objects.count(),
              ClockLimit.objects.count(), AuditEvent.objects.count())
    call_command("load_demo_urgent")
    assert (Incident.objects.count(), PhoneReport.objects.count(), Deadline.objects.count(),
            ClockLimit.objects.count(), AuditEvent.objects.count()) == counts



def test_on_the_demo_the_chief_confirms_the_late_report_and_the_county_loses_the_points(db: None) -> None:
    """The issue's "done when": the late written report becomes a confirmed 迟报 with its penalty
    in the unit's points and a one-incident circular."""
    from io import BytesIO, StringIO

    from docx import Document

    from xinxi.scoring.models import ScoreEntry
    from xinxi.urgent import findings_documents, services_findings
    from xinxi.urgent.models import Finding

    for command in ("load_demo", "load_demo_items", "load_demo_scores", "load_demo_urgent"):
        call_command(command, verbosity=0, stdout=StringIO())
    finding = Finding.objects.get(incident__title=demo.LATE)
    chief = User.objects.get(username="lj_kz")
    confirmed = services_findings.finding_confirm(
        actor=chief, finding=finding, version=finding.version, reason="书面报告超时约一小时，情况属实。"
    )
    entry = ScoreEntry.objects.get(penalty=confirmed.penalty_id)
    assert entry.unit.name == "柳河县委办公室" and entry.kind == "late_report" and entry.points == -2
    text = "\n".join(p.text for p in Document(BytesIO(findings_documents.finding_docx(confirmed))).paragraphs)
    assert "柳河县委办公室" in text and "迟报" in text
