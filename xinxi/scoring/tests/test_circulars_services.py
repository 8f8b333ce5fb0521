"""Circulars: generation from the figures, the workflow with its roles, numbering, issuing closes the period."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
import time_machine

from xinxi.items import desk_services
from xinxi.items.models import Adoption
from xinxi.lib.errors import ConflictError, ServiceError
from xinxi.notifications.models import Notification, NotificationKind
from xinxi.notifications.render import texts_for
from xinxi.scoring import services_circulars as services
from xinxi.scoring.models import Circular, CircularEvent, CircularRead, CircularState, PeriodClose, ScoreEntry
from xinxi.scoring.permissions_circulars import visible_circulars
from xinxi.scoring.tests.circular_factories import DEC, draft, issued, pending, scored, signed
from xinxi.scoring.tests.factories import at_city


def test_a_draft_carries_the_figures_and_names_the_zero_units(net):
    scored(net)
    circular = draft(net)
    assert circular.state == CircularState.DRAFT and circular.end == dt.date(2026, 12, 31)
    assert circular.title == "关于2026年12月信息报送采用情况的通报"
    text = circular.body
    assert "共报送信息1条，被采用1条，采用率100.0%" in text
    assert "东城县委办公室（10分）" in text
    assert "得分为零的单位是：" in text and net.city_dept.name in text and net.town.name in text
    rows = {r["unit"]: r for r in circular.figures["rows"]}
    assert rows[net.county.name]["points"] == "10.00" and rows[net.county.name]["rank"] == 1
    assert net.other_county.name not in rows
    assert "秘密排查" not in str(circular.figures) + text  # units and numbers, never item titles
    assert CircularEvent.objects.get(circular=circular).to_state == CircularState.DRAFT


def test_a_quarter_and_a_year_have_their_own_bounds_and_words(net):
    scored(net)
    quarter = services.circular_generate(actor=net.editor, desk=net.city.desk, kind="quarter",
                                         start=dt.date(2026, 10, 1))
    assert quarter.end == dt.date(2026, 12, 31) and "2026年第四季度" in quarter.title
    assert "本季度" in quarter.body
    year = services.circular_generate(actor=net.desk_chief, desk=net.city.desk, kind="year",
                                      start=dt.date(2026, 1, 1))
    assert year.end == dt.date(2026, 12, 31) and "本年度" in year.body


@pytest.mark.parametrize(
    ("kind", "start", "message"),
    [
        ("month", dt.date(2026, 12, 2), "周期应从某月1日开始。"),
        ("quarter", dt.date(2026, 11, 1), "季度应从1月、4月、7月或10月开始。"),
        ("week", DEC, "周期应为月度、季度或年度。"),
        ("month", dt.date(2027, 1, 1), "该周期尚未开始，不能生成通报。"),
    ],
)
def test_a_bad_period_is_refused_in_chinese(net, kind, start, message):
    with pytest.raises(ServiceError) as refused:
        services.circular_generate(actor=net.editor, desk=net.city.desk, kind=kind, start=start)
    assert refused.value.messages == [message]


def test_a_second_draft_of_the_same_period_is_refused(net):
    draft(net)
    with pytest.raises(ServiceError, match="已有一份草稿的通报"):
        draft(net)


@pytest.mark.parametrize("persona", ["reporter", "duty_officer", "leader", "admin", "outsider"])
def test_only_the_desks_editors_and_chief_draft(net, persona):
    with pytest.raises(ServiceError) as refused:
        services.circular_generate(actor=net.users[persona], desk=net.city.desk, kind="month", start=DEC)
    assert refused.value.code == "forbidden"


def test_editing_a_draft_and_a_stale_form(net):
    circular = draft(net)
    seen = circular.version
    services.circular_update(actor=net.editor, circular=circular, version=seen, title="十二月通报",
                             body="第一段。\r\n\r\n  第二段。 ")
    circular.refresh_from_db()
    assert circular.title == "十二月通报" and circular.paragraphs() == ["第一段。", "第二段。"]
    with pytest.raises(ConflictError):
        services.circular_update(actor=net.desk_chief, circular=circular, version=seen, title="旧表单", body="旧")
    with pytest.raises(ServiceError, match="请填写通报正文"):
        services.circular_update(actor=net.editor, circular=circular, version=None, title="标题", body=" \n ")


def test_submit_notifies_the_chief_return_sends_it_back_with_the_reason(net):
    circular = pending(net)
    assert circular.submitted_by == net.editor and circular.submitted_at is not None
    assert texts_for(net.desk_chief)[0] == f"通报待签发：{circular.title}"
    with pytest.raises(ServiceError, match="不能修改"):
        services.circular_update(actor=net.editor, circular=circular, version=None, title="改", body="改")
    with pytest.raises(ServiceError) as refused:
        services.circular_return(actor=net.editor, circular=circular, reason="再改")
    assert refused.value.code == "forbidden"
    with pytest.raises(ServiceError, match="退回须填写理由"):
        services.circular_return(actor=net.desk_chief, circular=circular, reason="  ")
    services.circular_return(actor=net.desk_chief, circular=circular, reason="数字再核一遍")
    circular.refresh_from_db()
    assert circular.state == CircularState.DRAFT
    assert texts_for(net.editor)[0] == f"通报签发退回：{circular.title}（数字再核一遍）"
    event = CircularEvent.objects.filter(circular=circular).last()
    assert event is not None and (event.action, event.reason) == ("return", "数字再核一遍")


def test_signing_numbers_per_desk_and_year_without_gaps(net):
    first = signed(net)
    assert (first.year, first.number, first.doc_number) == (2026, 1, "信通〔2026〕1号")
    assert first.signed_by == net.desk_chief
    with pytest.raises(ServiceError, match="已经签发"):
        services.circular_sign(actor=net.desk_chief, circular=first)
    second = services.circular_generate(actor=net.editor, desk=net.city.desk, kind="quarter",
                                        start=dt.date(2026, 10, 1))
    services.circular_submit(actor=net.editor, circular=second)
    with pytest.raises(ServiceError) as refused:
        services.circular_sign(actor=net.editor, circular=second)
    assert refused.value.code == "forbidden"
    assert services.circular_sign(actor=net.desk_chief, circular=second).number == 2


def test_issuing_closes_the_period_and_the_network_reads_it(net):
    scored(net)
    circular = issued(net)
    assert circular.state == CircularState.ISSUED and circular.issued_by == net.desk_chief
    assert PeriodClose.objects.filter(desk=net.city.desk, kind="month", start=DEC, end=dt.date(2026, 12, 31)).exists()
    assert set(circular.recipients.all()) >= {net.county, net.town, net.city_dept}
    assert net.other_county not in circular.recipients.all()
    assert texts_for(net.reporter)[0] == f"新通报：信通〔2026〕1号 {circular.title}"
    assert Notification.objects.filter(user=net.outsider, kind=NotificationKind.CIRCULAR_ISSUED).count() == 0
    assert circular in visible_circulars(net.reporter) and circular in visible_circulars(net.no_clearance)
    assert circular not in visible_circulars(net.outsider)
    with pytest.raises(ServiceError, match="已关账"):
        draft(net)


def test_a_correction_after_issuing_lands_in_the_next_open_period(net):
    scored(net)
    issued(net)
    adoption = Adoption.objects.get()
    desk_services.adoption_withdraw(actor=net.editor, entry=adoption.entry, adoption=adoption, reason="误录")
    reversal = ScoreEntry.objects.get(reverses__isnull=False)
    assert reversal.on == dt.date(2027, 1, 1) and reversal.points == Decimal(-10)
    assert "已关账" in reversal.reason
    assert ScoreEntry.objects.get(reverses__isnull=True).on == DEC  # the issued month is unchanged


def test_drafts_are_the_desks_only_until_issued(net):
    circular = signed(net)
    assert circular in visible_circulars(net.leader) and circular in visible_circulars(net.admin)
    assert circular not in visible_circulars(net.reporter)


def test_read_records_count_the_times(net):
    circular = issued(net)
    services.circular_read(user=net.reporter, circular=circular)
    record = services.circular_read(user=net.reporter, circular=circular)
    assert record is not None and record.times == 2
    assert services.circular_read(user=net.outsider, circular=circular) is None
    assert not CircularRead.objects.filter(user=net.outsider).exists()


def test_a_draft_is_not_read(net):
    circular = draft(net)
    assert services.circular_read(user=net.editor, circular=circular) is None
    assert Circular.objects.count() == 1


def test_the_draft_names_declining_units_and_those_that_report_no_problems(net):
    with time_machine.travel(dt.datetime(2026, 11, 10, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))):
        for n in range(4):
            at_city(net, title=f"东城县十一月信息{n}")
    at_city(net, title="东城县十二月信息")  # one item in December, and no 忧 item among them
    body = draft(net).body
    assert f"报送数量比上月明显下降的单位是：{net.county.name}。" in body
    assert f"没有反映问题、困难和风险隐患的单位是：{net.county.name}。" in body


def test_the_worker_drafts_the_circular_of_the_month_that_ended_once(net):
    from xinxi.audit.models import AuditEvent
    from xinxi.scoring.tasks import scoring_sweeps

    scored(net)
    made = services.circulars_draft_due()
    assert [(c.period_kind, c.start) for c in made] == [("month", dt.date(2026, 11, 1))]
    circular = made[0]
    assert circular.created_by is None and circular.state == CircularState.DRAFT
    assert circular.events.get().actor is None
    event = AuditEvent.objects.get(action="circular_generate")
    assert event.actor is None and event.actor_name == "系统（通报草稿）"
    assert services.circulars_draft_due() == []  # once
    # The turn of the year: December, the fourth quarter and the year, through the daily task.
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    with time_machine.travel(dt.datetime(2027, 1, 1, 9, 0, tzinfo=shanghai), tick=False):
        scoring_sweeps.call(period="2027-01-01")
    periods = set(Circular.objects.values_list("period_kind", "start"))
    assert periods == {
        ("month", dt.date(2026, 11, 1)), ("month", dt.date(2026, 12, 1)),
        ("quarter", dt.date(2026, 10, 1)), ("year", dt.date(2026, 1, 1)),
    }


def test_the_worker_drafts_nothing_for_a_closed_period_or_a_desk_without_rules(net):
    assert services.circulars_draft_due() == []  # no rules anywhere
    scored(net)
    PeriodClose.objects.create(
        desk=net.city.desk, kind="month", start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30),
        closed_by=net.desk_chief,
    )
    assert services.circulars_draft_due() == []
