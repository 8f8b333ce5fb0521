"""The objects the access matrix opens: one of each kind, built once per test module.

Everything is built from the ``net`` personas through the services, so each object is
in the state a user would find it in. ``World`` names the objects; the matrix builds
URLs from these names (``"entry"``, ``"elsewhere_entry"``, ...).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from xinxi.instructions import services as instructions
from xinxi.instructions.levels import seed_default_levels
from xinxi.items import desk_services, services
from xinxi.items.models import Adoption, DeskEntry, VerificationMethod
from xinxi.items.tests.factories import draft, entry_at, submitted
from xinxi.lib.choices import Classification
from xinxi.network import services as network
from xinxi.network.models import CalendarDay, CalendarDayKind, Quota, QuotaFrequency, StaffMember, StaffRole
from xinxi.network.testing import Net, build_net, make_user
from xinxi.notifications.models import Notification
from xinxi.publications import services as publications
from xinxi.publications.models import Issue, Periodical
from xinxi.publications.tests.factories import pending_issue, periodical
from xinxi.urgent import services as urgent

PDF = b"%PDF-1.4\n% access matrix\n"
MISSING = 999999  # the id of nothing: every forbidden object must answer like this one


def pdf(name: str = "现场.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@dataclass
class World:
    net: Net
    ids: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        return MISSING if name == "missing" else self.ids[name]

    def arg(self, name: str) -> str:
        """A URL argument: an object's id by name, or a literal written ``"=value"``."""
        return name[1:] if name.startswith("=") else str(self[name])


def build_world() -> World:
    net = build_net()
    seed_default_levels()  # a rule table a migration seeds in a real database
    w = World(net)
    ids = w.ids
    admin = net.admin
    ids["county"], ids["other_county"], ids["province"] = net.county.pk, net.other_county.pk, net.province.pk
    ids["town"] = net.town.pk
    ids["city_desk"], ids["province_desk"] = net.city.desk.pk, net.province.desk.pk
    ids["reporter"], ids["outsider"] = net.reporter.pk, net.outsider.pk

    # The network: staff of our county and of the other city's, a point, quotas, a calendar day.
    ids["staff"] = StaffMember.objects.create(unit=net.county, name="张三", role=StaffRole.PARTTIME).pk
    ids["other_staff"] = StaffMember.objects.create(unit=net.other_county, name="李四", role=StaffRole.FULLTIME).pk
    ids["quota"] = Quota.objects.create(desk=net.city.desk, unit=net.county, frequency=QuotaFrequency.WEEK,
                                        count=2, valid_from=dt.date(2026, 1, 1)).pk
    ids["other_quota"] = Quota.objects.create(desk=net.other_city.desk, unit=net.other_county,
                                              frequency=QuotaFrequency.WEEK, count=1,
                                              valid_from=dt.date(2026, 1, 1)).pk
    CalendarDay.objects.create(date=dt.date(2030, 1, 1), kind=CalendarDayKind.HOLIDAY, name="元旦")

    # The county's items: a draft with an attachment, a 内部 draft, one awaiting sign-off.
    plain = draft(net.reporter, title="东城县草稿")
    ids["draft"] = plain.pk
    ids["draft_attachment"] = services.attachment_add(actor=net.reporter, item=plain, upload=pdf()).pk
    ids["internal_draft"] = draft(net.reporter, title="内部草稿", classification=Classification.INTERNAL).pk
    ids["other_draft"] = draft(net.outsider, title="西山县草稿").pk
    # Discarding deletes files on disk (no rollback undoes that): these are only for the
    # cases that discard or remove, so the files the downloads read stay.
    spare = draft(net.reporter, title="东城县另一份草稿")
    ids["spare_draft"] = spare.pk
    ids["spare_attachment"] = services.attachment_add(actor=net.reporter, item=spare, upload=pdf()).pk

    # Submitted items and their entries at the city desk.
    with_file = draft(net.reporter, title="东城县排查企业126家")
    ids["entry_attachment"] = services.attachment_add(actor=net.reporter, item=with_file, upload=pdf()).pk
    services.item_submit(actor=net.reporter, item=with_file)
    entry = entry_at(with_file, net.city.desk)
    desk_services.entry_edit(actor=net.editor, entry=entry, version=0, title="东城县排查企业126家整改隐患",
                             body=entry.body)
    ids["sent"], ids["entry"] = with_file.pk, entry.pk
    second = entry_at(submitted(net.reporter, title="东城县新建污水处理厂投入运行"), net.city.desk)
    ids["entry2"] = second.pk
    ids["verification"] = desk_services.verification_request(
        actor=net.editor, entry=DeskEntry.objects.get(pk=second.pk), method=VerificationMethod.SENDER,
        question="数字是否准确").pk
    secret_reporter = make_user("secret_reporter", net.county, "reporter", clearance=Classification.SECRET)
    secret_item = submitted(secret_reporter, title="秘密级信息", classification=Classification.SECRET)
    ids["secret_item"], ids["secret_entry"] = secret_item.pk, entry_at(secret_item, net.city.desk).pk
    elsewhere = submitted(net.outsider, title="西山县信息")
    ids["other_item"], ids["elsewhere_entry"] = elsewhere.pk, entry_at(elsewhere, net.other_city.desk).pk
    ids["elsewhere_verification"] = desk_services.verification_request(
        actor=make_user("qs_editor", net.other_city, "editor"), entry=entry_at(elsewhere, net.other_city.desk),
        method=VerificationMethod.SENDER, question="是否属实").pk
    forwarded = entry_at(submitted(net.reporter, title="东城县上报省委的信息"), net.city.desk)
    desk_services.entry_open(actor=net.editor, entry=forwarded)
    upper = desk_services.entry_forward(actor=net.editor, entry=DeskEntry.objects.get(pk=forwarded.pk))
    ids["forwarded_entry"], ids["upper_entry"] = forwarded.pk, upper.pk

    # Periodicals and issues: a draft, one awaiting sign-off, an issued one, another desk's.
    p = periodical(net)
    ids["periodical"] = p.pk
    other_p = Periodical.objects.create(desk=net.other_city.desk, name="青山信息")
    ids["other_periodical"] = other_p.pk
    draft_issue = publications.issue_create(actor=net.editor, periodical=p)
    publications.issue_add_entries(actor=net.editor, issue=draft_issue,
                                   entries=[DeskEntry.objects.get(pk=second.pk)])
    ids["draft_issue"] = draft_issue.pk
    ids["draft_issue_item"] = draft_issue.items.get().pk
    ids["pending_issue"] = pending_issue(net, p).pk
    issued = publications.issue_sign_off(actor=net.desk_chief, issue=pending_issue(net, p))
    ids["issued_issue"] = issued.pk
    ids["issued_issue_item"] = issued.items.first().pk
    ids["adoption"] = Adoption.objects.filter(issue=issued).first().pk
    elsewhere_issue = publications.issue_create(actor=net.editor, periodical=p)
    Issue.objects.filter(pk=elsewhere_issue.pk).update(periodical=other_p)
    ids["elsewhere_issue"] = elsewhere_issue.pk

    # An instruction on an entry with a task for the county and its handling report.
    instruction = instructions.instruction_record(
        actor=net.editor, entry=DeskEntry.objects.get(pk=entry.pk), leader_name="王市长", leader_title="市长",
        level="city", text="请抓好隐患整改。", instructed_on=timezone.localdate())
    [task] = instructions.tasks_create(actor=net.editor, instruction=instruction, units=[net.county],
                                       due_on=timezone.localdate() + dt.timedelta(days=10), requirement="按期报送")
    report = instructions.report_submit(actor=net.reporter, task=task, text="已整改。", files=[pdf("办理情况.pdf")])
    ids["instruction"], ids["task"], ids["report"] = instruction.pk, task.pk, report.pk
    ids["report_attachment"] = report.attachments.get().pk
    ids["task_version"] = task.version
    ids["due"] = (timezone.localdate() + dt.timedelta(days=30)).isoformat()

    # Points last: an item of a point goes straight to the province, so nothing above is forwarded.
    point = network.point_admit(actor=admin, unit=net.county, desk=net.province.desk,
                                admitted_on=dt.date(2026, 1, 5), reason="省级直报点")
    ids["point"] = point.pk
    other_point = network.point_admit(actor=admin, unit=net.other_county, desk=net.province.desk,
                                      admitted_on=dt.date(2026, 1, 5), reason="青山直报点")
    ids["other_point"] = other_point.pk
    ids["notification"] = Notification.objects.filter(user=net.reporter).order_by("pk").first().pk  # type: ignore[union-attr]
    _scoring_rules(net, ids)
    _scoring_ledger(net, ids)
    _circulars(net, ids)
    _findings(net, ids)
    _priorities(net, ids)
    _urgent(net, ids)
    _commissions(net, ids)
    _supervision_lists(net, ids)
    _remarks(net, ids)
    _intake(net, ids)
    return w


def _commissions(net: Net, ids: dict[str, Any]) -> None:
    """约稿: the city desk's to the county, the other city's to its county."""
    from xinxi.accounts.models import User
    from xinxi.assignments import services_commissions as commissions

    due = timezone.now() + dt.timedelta(days=2)
    ids["commission"] = commissions.commission_create(
        actor=net.editor, topic="冬季安全生产", due_at=due, units=[net.county]).pk
    ids["other_commission"] = commissions.commission_create(
        actor=User.objects.get(username="qs_editor"), topic="西山县约稿", due_at=due, units=[net.other_county]).pk


def _supervision_lists(net: Net, ids: dict[str, Any]) -> None:
    """舆论监督与群众意见建议: the county's sent list (a row routed back to it, one new) and its
    draft of the month before; the other city's county's sent list."""
    from xinxi.assignments import services_lists as lists
    from xinxi.assignments.tests.helpers_lists import routed_row, row_fields, sent_list

    sent = sent_list(net.reporter, month=dt.date(2026, 12, 1))
    ids["sup_list"] = sent.pk
    ids["sup_row_routed"] = routed_row(sent, net.editor, net.county).pk
    ids["sup_row"] = sent.rows.order_by("position").last().pk  # type: ignore[union-attr]
    draft = lists.list_create(actor=net.reporter, month=dt.date(2026, 11, 1))
    ids["sup_draft"] = draft.pk
    ids["sup_draft_row"] = lists.list_add_row(actor=net.reporter, lst=draft,
                                              fields=row_fields(date=dt.date(2026, 11, 20))).pk
    other = sent_list(net.outsider, month=dt.date(2026, 12, 1), rows=1)
    ids["other_sup_list"], ids["other_sup_row"] = other.pk, other.rows.get().pk


def _remarks(net: Net, ids: dict[str, Any]) -> None:
    """A remark on the county's second entry at the city desk; the first entry shared with the county."""
    from xinxi.assignments import services_remarks, services_sharing

    ids["remark"] = services_remarks.remark_write(
        actor=net.editor, entry=DeskEntry.objects.get(pk=ids["entry2"]), text="数字翔实。", rating="good").pk
    ids["share"] = services_sharing.share_create(
        actor=net.editor, entry=DeskEntry.objects.get(pk=ids["entry"]), units=[net.county], note="参考").pk


def _intake(net: Net, ids: dict[str, Any]) -> None:
    """E-mail intake: a queued mail from the county's reporter at the city desk, one quarantined, one
    at the other city's desk, and the city desk's mailbox."""
    from xinxi.intake import services as intake
    from xinxi.intake.models import Mailbox
    from xinxi.intake.tests.mails import mail

    net.reporter.email = "reporter@county.example"
    net.reporter.save(update_fields=["email"])
    city, other = net.city.desk, net.other_city.desk
    ids["intake_msg"] = intake.intake_ingest(desk=city, raw=mail()).pk  # type: ignore[union-attr]
    ids["intake_quarantined"] = intake.intake_ingest(  # type: ignore[union-attr]
        desk=city, raw=mail(sender="stranger@example.org", subject="来历不明的邮件")).pk
    ids["other_intake"] = intake.intake_ingest(desk=other, raw=mail(subject="青山来稿")).pk  # type: ignore[union-attr]
    Mailbox.objects.create(desk=city, host="imap.example.org", port=993, username="desk", password="pw")


def _urgent(net: Net, ids: dict[str, Any]) -> None:
    """Incidents: the city desk's for the county (内部), a 秘密 one, the other city's."""
    from xinxi.urgent.tests.helpers import facts

    happened = timezone.now() - dt.timedelta(hours=1)
    ids["incident"] = urgent.incident_record(
        actor=net.duty_officer, desk=net.city.desk, units=[net.county], **facts(occurred_at=happened)
    ).pk
    ids["secret_incident"] = urgent.incident_record(
        actor=net.desk_chief, desk=net.city.desk, units=[net.county],
        **facts(title="涉密事件", occurred_at=happened, classification=Classification.SECRET),
    ).pk
    other_officer = make_user("qs_duty", net.other_city, "duty_officer")
    ids["other_incident"] = urgent.incident_record(
        actor=other_officer, desk=net.other_city.desk, units=[net.other_county],
        **facts(title="西山县山体滑坡", incident_class="natural", subtype="geological", occurred_at=happened),
    ).pk
    ids["elsewhere_incident"] = ids["other_incident"]  # the pages' name for it


def _scoring_ledger(net: Net, ids: dict[str, Any]) -> None:
    """The ledger pages choose a desk by id."""
    ids["other_city_desk"] = net.other_city.desk.pk


def _scoring_rules(net: Net, ids: dict[str, Any]) -> None:
    """Scoring rule sets and penalties (built last: the rules post nothing for the objects above)."""
    from xinxi.scoring import services as scoring
    from xinxi.scoring.models import ScoreEntry
    from xinxi.scoring.tests.factories import chief_of, line, rules

    on = dt.date(2026, 11, 20)
    lines = [line("adoption", 5), line("false_item", -5), line("late_report", -2)]
    ids["rule_set"] = rules(net, net.city.desk, lines).pk
    ids["rule_draft"] = scoring.rule_set_create(
        actor=net.desk_chief, desk=net.city.desk, name="草稿", valid_from=dt.date(2027, 1, 1), lines=lines
    ).pk
    ids["other_rule_set"] = rules(net, net.other_city.desk, lines).pk
    penalty = scoring.penalty_record(actor=net.desk_chief, desk=net.city.desk, unit=net.county, kind="false_item",
                                     on=on, reason="失实")
    ids["score_entry"] = ScoreEntry.objects.get(penalty=penalty).pk
    other = scoring.penalty_record(actor=chief_of(net.other_city.desk, "qingshan_kz"), desk=net.other_city.desk,
                                   unit=net.other_county, kind="false_item", on=on, reason="失实")
    ids["other_score_entry"] = ScoreEntry.objects.get(penalty=other).pk


def _circulars(net: Net, ids: dict[str, Any]) -> None:
    """Circulars of the city desk in each state, and the other city's issued one (after the rules: issuing closes)."""
    from xinxi.accounts.models import User
    from xinxi.scoring import services_circulars as circulars
    from xinxi.scoring.tests.factories import chief_of

    desk, other = net.city.desk, net.other_city.desk

    def made(kind: str, start: dt.date, actor: Any = net.editor, at: Any = desk) -> Any:
        return circulars.circular_generate(actor=actor, desk=at, kind=kind, start=start)

    ids["circular_draft"] = made("month", dt.date(2026, 12, 1)).pk
    ids["circular_version"] = 1
    ids["circular_pending"] = circulars.circular_submit(actor=net.editor, circular=made("quarter",
                                                                                        dt.date(2026, 10, 1))).pk
    signed = circulars.circular_submit(actor=net.editor, circular=made("year", dt.date(2026, 1, 1)))
    ids["circular_signed"] = circulars.circular_sign(actor=net.desk_chief, circular=signed).pk
    issued = circulars.circular_submit(actor=net.editor, circular=made("month", dt.date(2026, 11, 1)))
    issued = circulars.circular_sign(actor=net.desk_chief, circular=issued)
    ids["circular"] = circulars.circular_issue(actor=net.desk_chief, circular=issued).pk
    other_editor = User.objects.get(username="qs_editor")
    other_chief = chief_of(other, "qingshan_kz")
    theirs = circulars.circular_submit(actor=other_editor,
                                       circular=made("month", dt.date(2026, 11, 1), other_editor, other))
    theirs = circulars.circular_sign(actor=other_chief, circular=theirs)
    ids["other_circular"] = circulars.circular_issue(actor=other_chief, circular=theirs).pk


def _findings(net: Net, ids: dict[str, Any]) -> None:
    """Urgent findings at the city desk: a proposed 迟报, a confirmed one, a recorded 漏报 with a file."""
    from xinxi.urgent import findings_sweep, services_findings
    from xinxi.urgent.models import Finding
    from xinxi.urgent.tests.helpers_findings import late_incident, proposed_late, written_deadline

    finding = proposed_late(net)
    ids["finding"], ids["finding_incident"] = finding.pk, finding.incident_id
    confirmed_incident = late_incident(net, title="西河桥垮塌事故", subtype="building")
    findings_sweep.sweep()
    confirmed = Finding.objects.get(deadline=written_deadline(net, confirmed_incident))
    ids["finding_confirmed"] = services_findings.finding_confirm(
        actor=net.desk_chief, finding=confirmed, version=confirmed.version, reason="属实").pk
    recorded = services_findings.finding_record(
        actor=net.duty_officer, incident=finding.incident, unit=net.county, kind="missed",
        evidence="先从媒体获知。", files=[pdf("截图.pdf")])
    ids["finding_recorded"], ids["finding_file"] = recorded.pk, recorded.attachments.get().pk


def _priorities(net: Net, ids: dict[str, Any]) -> None:
    """报送要点 of the city desk: a published list (临江信要〔2026〕1号) and a draft."""
    from xinxi.assignments.tests.helpers_priorities import make_list

    ids["priorities"] = make_list(net).pk
    ids["priorities_draft"] = make_list(net, publish=False, title="草稿要点").pk
