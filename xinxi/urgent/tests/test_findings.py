"""Findings: a passed deadline proposes one 迟报; the desk chief confirms (penalty in the ledger) or dismisses."""

from __future__ import annotations

import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from xinxi.accounts.models import Role
from xinxi.audit.models import AuditEvent
from xinxi.lib.errors import ConflictError, ServiceError
from xinxi.network.testing import make_user
from xinxi.notifications.models import Notification, NotificationKind
from xinxi.scoring.models import Penalty, ScoreEntry
from xinxi.scoring.tests.factories import line, points
from xinxi.urgent import findings_documents, findings_sweep, services, services_findings
from xinxi.urgent.models import Channel, Deadline, Finding, FindingKind, FindingState, ReportKind
from xinxi.urgent.tests.helpers import at, city_desk, record
from xinxi.urgent.tests.helpers_findings import city_rules, late_incident, proposed_late, written_deadline
from xinxi.worker.sweeps import SWEEPS, every_5_minutes


def test_a_report_filed_late_proposes_one_late_finding_with_the_delay(net) -> None:
    incident = late_incident(net)
    deadline = written_deadline(net, incident)
    assert deadline.due_at == at(2026, 12, 1, 9, 0) and deadline.met_at == at(2026, 12, 1, 9, 40)
    assert findings_sweep.sweep() >= 1
    finding = Finding.objects.get(deadline=deadline)
    assert (finding.kind, finding.state, finding.delay_minutes) == (FindingKind.LATE, FindingState.PROPOSED, 40)
    assert finding.unit == net.county and finding.desk == city_desk(net) and finding.proposed_by is None
    assert "2026-12-01 09:40 报告，超时 40 分钟" in finding.evidence
    # Running again (the worker every five minutes) proposes nothing twice.
    before = Finding.objects.count()
    assert findings_sweep.sweep() == 0 and Finding.objects.count() == before
    assert AuditEvent.objects.filter(action="finding_propose_late", object_id=str(finding.pk)).count() == 1


def test_an_unmet_deadline_past_due_is_proposed_and_one_on_time_is_not(net) -> None:
    with time_machine.travel(at(2026, 12, 1, 8, 10), tick=False):
        incident = record(net, occurred_at=at(2026, 12, 1, 8, 0))
    desk = city_desk(net)
    phone = Deadline.objects.get(incident=incident, unit=net.county, desk=desk, channel=Channel.PHONE)
    written = written_deadline(net, incident)
    with time_machine.travel(at(2026, 12, 1, 8, 29), tick=False):
        findings_sweep.sweep()
    assert not Finding.objects.exists()  # nothing due yet
    with time_machine.travel(at(2026, 12, 1, 9, 15), tick=False):
        findings_sweep.sweep()
    finding = Finding.objects.get(deadline=phone)
    assert finding.delay_minutes == 45 and "截至提出时仍未报告" in finding.evidence
    assert not Finding.objects.filter(deadline=written).exists()  # due at 10:00
    with time_machine.travel(at(2026, 12, 1, 9, 50), tick=False):
        services.report_file(actor=net.reporter, incident=incident, kind=ReportKind.FIRST, title="首报", body="情况。")
    with time_machine.travel(at(2026, 12, 1, 10, 30), tick=False):
        findings_sweep.sweep()
    assert not Finding.objects.filter(deadline=written).exists()  # met on time
    assert Finding.objects.filter(deadline=phone).count() == 1


def test_the_proposal_is_told_to_the_desk_chief_only(net) -> None:
    finding = proposed_late(net)
    told = set(Notification.objects.filter(kind=NotificationKind.URGENT_FINDING_PROPOSED, object_id=finding.pk)
               .values_list("user__username", flat=True))
    assert told == {"desk_chief"}


def test_the_worker_sweeps_every_five_minutes() -> None:
    [sweep] = [s for s in SWEEPS if s.name == "urgent_late_findings"]
    assert sweep.task == "xinxi.urgent.tasks_findings.propose_late_findings"
    assert every_5_minutes(at(2026, 12, 1, 9, 4)) == every_5_minutes(at(2026, 12, 1, 9, 0)) == "2026-12-01T09:00"
    assert every_5_minutes(at(2026, 12, 1, 9, 5)) == "2026-12-01T09:05"


def test_confirm_posts_the_penalty_to_the_ledger_and_the_units_points(net) -> None:
    city_rules(net)
    finding = proposed_late(net)
    desk = city_desk(net)
    confirmed = services_findings.finding_confirm(actor=net.desk_chief, finding=finding, version=finding.version,
                                                  reason="书面报告超时40分钟，情况属实。", person="东城县值班员刘某")
    assert confirmed.state == FindingState.CONFIRMED and confirmed.decided_by == net.desk_chief
    penalty = Penalty.objects.get(pk=confirmed.penalty_id)
    assert (penalty.kind, penalty.unit, penalty.desk, penalty.on.isoformat()) == (
        "late_report", net.county, desk, "2026-12-01")
    entry = ScoreEntry.objects.get(penalty=penalty)
    assert entry.points == -2 and entry.unit == net.county
    assert points(desk, net.county) == -2
    assert penalty.item is not None and penalty.item.title == "红星煤矿透水首报"
    told = Notification.objects.filter(kind=NotificationKind.URGENT_FINDING_DECIDED, object_id=finding.pk)
    assert {"reporter", "approver"} <= set(told.values_list("user__username", flat=True))
    assert AuditEvent.objects.filter(action="finding_confirm", object_id=str(finding.pk)).exists()


def test_confirm_by_someone_who_is_not_the_desk_chief_is_refused(net) -> None:
    city_rules(net)
    finding = proposed_late(net)
    for persona in ("editor", "duty_officer", "leader", "reporter", "admin"):
        with pytest.raises(ServiceError) as refused:
            services_findings.finding_confirm(actor=net.users[persona], finding=finding, version=1, reason="属实")
        assert refused.value.code == "forbidden", persona
    finding.refresh_from_db()
    assert finding.state == FindingState.PROPOSED and not ScoreEntry.objects.exists()


def test_without_a_penalty_line_the_confirm_fails_with_scorings_message_and_changes_nothing(net) -> None:
    city_rules(net, [line("false_item", -5)])
    finding = proposed_late(net)
    with pytest.raises(ServiceError) as refused:
        services_findings.finding_confirm(actor=net.desk_chief, finding=finding, version=1, reason="属实")
    assert "没有“紧急信息迟报”的扣分条目" in refused.value.messages[0]
    finding.refresh_from_db()
    assert (finding.state, finding.version, finding.penalty_id) == (FindingState.PROPOSED, 1, None)
    assert not Penalty.objects.exists() and not ScoreEntry.objects.exists()


def test_dismiss_needs_a_reason_and_a_fresh_version(net) -> None:
    finding = proposed_late(net)
    with pytest.raises(ServiceError, match="请填写认定意见"):
        services_findings.finding_dismiss(actor=net.desk_chief, finding=finding, version=1, reason="  ")
    with pytest.raises(ConflictError):
        services_findings.finding_dismiss(actor=net.desk_chief, finding=finding, version=7, reason="系统故障所致")
    done = services_findings.finding_dismiss(actor=net.desk_chief, finding=finding, version=1, reason="系统故障所致")
    assert done.state == FindingState.DISMISSED and done.penalty_id is None and done.version == 2
    with pytest.raises(ServiceError, match="不予认定"):
        services_findings.finding_confirm(actor=net.desk_chief, finding=done, version=2, reason="再议")
    assert not ScoreEntry.objects.exists()


def _png() -> SimpleUploadedFile:
    return SimpleUploadedFile("截图.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, content_type="image/png")


def test_the_desk_records_a_missed_report_with_evidence(net) -> None:
    incident = record(net)
    finding = services_findings.finding_record(
        actor=net.duty_officer, incident=incident, unit=net.county, kind=FindingKind.MISSED,
        evidence="9:05 从临江日报客户端获知，县里未报。https://example.org/news/1", person="县值班室", files=[_png()],
    )
    assert (finding.kind, finding.proposed_by, finding.desk) == (FindingKind.MISSED, net.duty_officer, city_desk(net))
    assert finding.attachments.get().name == "截图.png"
    with pytest.raises(ServiceError, match="内容与扩展名不符"):
        services_findings.finding_record(
            actor=net.editor, incident=incident, unit=net.county, kind=FindingKind.FALSE, evidence="伤亡人数不实",
            files=[SimpleUploadedFile("假的.png", b"not a png", content_type="image/png")],
        )
    with pytest.raises(ServiceError, match="请填写事实和证据"):
        services_findings.finding_record(actor=net.editor, incident=incident, unit=net.county,
                                         kind=FindingKind.CONCEALED, evidence="")
    with pytest.raises(ServiceError, match="迟报由系统"):
        services_findings.finding_record(actor=net.editor, incident=incident, unit=net.county,
                                         kind=FindingKind.LATE, evidence="晚了")
    with pytest.raises(ServiceError, match="不是该事件的责任单位"):
        services_findings.finding_record(actor=net.editor, incident=incident, unit=net.other_county,
                                         kind=FindingKind.MISSED, evidence="未报")
    for persona in ("reporter", "leader", "outsider"):
        with pytest.raises((ServiceError,)):
            services_findings.finding_record(actor=net.users[persona], incident=incident, unit=net.county,
                                             kind=FindingKind.MISSED, evidence="未报")
    assert Finding.objects.count() == 1


def test_the_circular_rereads_with_the_facts(net) -> None:
    city_rules(net)
    finding = proposed_late(net)
    services_findings.finding_confirm(actor=net.desk_chief, finding=finding, version=1, reason="情况属实，予以通报。")
    finding = Finding.objects.select_related("incident", "unit", "desk", "deadline", "penalty").get(pk=finding.pk)
    doc = Document(io.BytesIO(findings_documents.finding_docx(finding)))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "临江市委办公室" in text and "关于东城县委办公室迟报东城镇煤矿透水事故的通报" in text
    assert "事发后2小时内" in text and "2026年12月1日7时00分" in text and "2026年12月1日9时00分前" in text
    assert "2026年12月1日9时40分" in text and "超过时限40分钟" in text
    assert "属紧急信息迟报" in text and "情况属实，予以通报。" in text and "扣2分" in text
    assert "不迟报、不漏报、不瞒报、不谎报" in text
    assert "迟报时长" in cells and "40分钟" in cells and "扣2分" in cells
    assert doc.core_properties.title == "关于东城县委办公室迟报东城镇煤矿透水事故的通报"


def test_a_finding_is_hidden_above_the_readers_clearance(net) -> None:
    from xinxi.urgent.permissions_findings import visible_findings

    incident = record(net, actor=net.desk_chief, classification=2)
    finding = services_findings.finding_record(actor=net.desk_chief, incident=incident, unit=net.county,
                                               kind=FindingKind.CONCEALED, evidence="经调查，县里隐瞒不报。")
    assert visible_findings(net.desk_chief).filter(pk=finding.pk).exists()
    assert not visible_findings(net.duty_officer).filter(pk=finding.pk).exists()  # 内部 clearance
    other = make_user("qs_kz", net.other_city, Role.DESK_CHIEF, clearance=3)
    assert not visible_findings(other).exists()
