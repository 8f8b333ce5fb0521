"""考评: the proposals from the ledger (hand-computed, ties and the threshold edge) and the confirmation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from xinxi.audit.models import AuditEvent
from xinxi.instructions import services as instructions
from xinxi.instructions.levels import seed_default_levels
from xinxi.items import desk_services
from xinxi.items.tests.factories import entry_at, submitted
from xinxi.lib.choices import Classification
from xinxi.lib.errors import ServiceError
from xinxi.network import services as network
from xinxi.network.models import DirectPoint
from xinxi.network.testing import make_user
from xinxi.scoring import appraisal, figures, ledger
from xinxi.scoring.models import Appraisal, AppraisalLine
from xinxi.scoring.services_appraisal import appraisal_confirm
from xinxi.scoring.tests.factories import adopt, at_city, line, rules
from xinxi.scoring.tests.factories_appraisal import city_points, score

D = Decimal
TWELVE = D(12)
YEAR = 2026


@pytest.fixture
def world(net):
    """Six points of the city desk. 2026: 南湖 30, 北湖 20, 西湖 20, 东湖 12 (the threshold), 中湖 5, 新湖 0."""
    points = city_points(net)
    south, north, west, east, middle, new = (p.unit for p in points)
    score(net, south, 20)
    score(net, south, 10, on=dt.date(2026, 12, 31))  # the year's last day counts
    wrong = score(net, south, 40)
    ledger.reverse(wrong, actor=net.desk_chief, reason="误记")  # nets to zero
    score(net, north, 25)
    score(net, north, -5, kind="false_item")  # a penalty lowers the year's points
    score(net, west, 20)
    score(net, east, 12)
    score(net, middle, 5)
    score(net, middle, 100, on=dt.date(2025, 12, 31))  # the year before does not count
    score(net, new, 50, desk=net.province.desk)  # another desk's ledger does not count
    return points


def _proposal(net, top_n=2, threshold=TWELVE):
    return appraisal.point_proposal(net.city.desk, YEAR, top_n=top_n, threshold=threshold)


def test_points_proposal_hand_computed_with_a_tie_at_the_last_place(net, world):
    proposal = _proposal(net)
    by_name = {r.unit.name: r for r in proposal.rows}
    assert [(r.unit.name, r.points, r.rank) for r in proposal.rows] == [
        ("南湖街道", D(30), 1), ("北湖街道", D(20), 2), ("西湖街道", D(20), 2),
        ("东湖街道", D(12), 4), ("中湖街道", D(5), 5), ("新湖街道", D(0), 6),
    ]
    # Top 2: 南湖 first, then 北湖 and 西湖 tied for second: all three are commended.
    assert [r.unit.name for r in proposal.commend] == ["南湖街道", "北湖街道", "西湖街道"]
    # Under 12 loses point status; exactly 12 keeps it.
    assert [r.unit.name for r in proposal.revoke] == ["中湖街道", "新湖街道"]
    assert not by_name["东湖街道"].revoke
    assert by_name["南湖街道"].figures.adopted == 2  # three adoptions posted, one reversed


def test_top_one_and_a_threshold_above_everyone(net, world):
    proposal = _proposal(net, top_n=1, threshold=D(40))
    assert proposal.commend == []  # nobody reaches 40: nobody under the threshold is commended
    assert len(proposal.revoke) == 6
    assert [r.unit.name for r in _proposal(net, top_n=1, threshold=D(0)).commend] == ["南湖街道"]


def test_a_point_revoked_during_the_year_or_admitted_after_it_is_not_appraised(net, world):
    network.point_revoke(actor=net.desk_chief, point=world[5], revoked_on=dt.date(2026, 6, 30), reason="停报")
    names = [r.unit.name for r in _proposal(net).rows]
    assert "新湖街道" not in names and len(names) == 5
    assert appraisal.point_proposal(net.city.desk, 2025, top_n=2, threshold=D(12)).rows == []


def test_confirm_records_the_lists_and_revokes_through_the_network(net, world):
    proposal = _proposal(net)
    commend = [r.point.pk for r in proposal.commend]
    revoke = [r.point.pk for r in proposal.revoke]
    record = appraisal_confirm(actor=net.desk_chief, desk=net.city.desk, year=YEAR, top_n=2, threshold=D(12),
                               commend=commend, revoke=revoke, reason="经科务会研究")
    assert record.confirmed_by == net.desk_chief
    lines = {(x.decision, x.unit.name, x.points, x.rank) for x in record.lines.all()}
    assert lines == {("commend", "南湖街道", D(30), 1), ("commend", "北湖街道", D(20), 2),
                     ("commend", "西湖街道", D(20), 2), ("revoke", "中湖街道", D(5), 5),
                     ("revoke", "新湖街道", D(0), 6)}
    middle = DirectPoint.objects.get(pk=world[4].pk)
    assert middle.revoked_on == dt.date(2026, 12, 1) and middle.revoked_by == net.desk_chief
    assert middle.revoked_reason == "2026年度直报点考评：年度积分 5 分，低于 12 分。经科务会研究"
    # Gone from the network: no longer the desk's point, and the city desk no longer ranks it.
    open_points = DirectPoint.objects.filter(desk=net.city.desk, revoked_on__isnull=True)
    assert set(open_points.values_list("unit__name", flat=True)) == {"南湖街道", "北湖街道", "西湖街道", "东湖街道"}
    assert middle.unit not in set(figures.network_units(net.city.desk, dt.date(2026, 12, 2)))
    actions = list(AuditEvent.objects.filter(action__in=["appraisal_confirm", "point_revoke"])
                   .values_list("action", "object_id"))
    assert ("appraisal_confirm", str(record.pk)) in actions
    assert {("point_revoke", str(world[4].pk)), ("point_revoke", str(world[5].pk))} <= set(actions)


def test_confirming_twice_revokes_once(net, world):
    args = {"actor": net.desk_chief, "desk": net.city.desk, "year": YEAR, "top_n": 2, "threshold": D(12),
                "commend": [world[0].pk], "revoke": [world[4].pk]}
    first = appraisal_confirm(**args)
    events = AuditEvent.objects.count()
    again = appraisal_confirm(**args)
    assert again.pk == first.pk
    assert AuditEvent.objects.count() == events  # nothing written the second time
    assert Appraisal.objects.count() == 1 and AppraisalLine.objects.count() == 2
    with pytest.raises(ServiceError, match="不能再次确认不同的名单"):
        appraisal_confirm(**{**args, "revoke": [world[4].pk, world[5].pk]})
    assert DirectPoint.objects.get(pk=world[5].pk).revoked_on is None


def test_confirm_refuses_what_the_ledger_does_not_support(net, world):
    args = {"actor": net.desk_chief, "desk": net.city.desk, "year": YEAR, "top_n": 2, "threshold": D(12), "commend": []}
    with pytest.raises(ServiceError, match="不低于撤销门槛"):
        appraisal_confirm(**args, revoke=[world[3].pk])  # 东湖 has exactly 12
    with pytest.raises(ServiceError, match="既表扬又撤销"):
        appraisal_confirm(**{**args, "commend": [world[4].pk]}, revoke=[world[4].pk])
    with pytest.raises(ServiceError, match="不是本科室现有直报点"):
        appraisal_confirm(**args, revoke=[999999])
    with pytest.raises(ServiceError, match="考评年度"):
        appraisal_confirm(**{**args, "year": 2027}, revoke=[])
    assert not Appraisal.objects.exists()
    assert not DirectPoint.objects.filter(revoked_on__isnull=False).exists()


def test_only_the_desk_chief_or_an_admin_confirms(net, world):
    for persona in ("editor", "duty_officer", "leader", "reporter"):
        with pytest.raises(ServiceError) as refused:
            appraisal_confirm(actor=net.users[persona], desk=net.city.desk, year=YEAR, top_n=2, threshold=D(12),
                              commend=[], revoke=[world[4].pk])
        assert refused.value.code == "forbidden"
    assert DirectPoint.objects.get(pk=world[4].pk).revoked_on is None
    appraisal_confirm(actor=net.admin, desk=net.city.desk, year=YEAR, top_n=2, threshold=D(12),
                      commend=[], revoke=[world[4].pk])
    assert DirectPoint.objects.get(pk=world[4].pk).revoked_on is not None


# --- two-yearly excellence ---


def test_excellent_units_over_two_years(net, world):
    score(net, net.county, 25, on=dt.date(2025, 3, 1))
    units = appraisal.excellent_units(net.city.desk, *appraisal.two_years(YEAR), 2)
    # 中湖 has 5 + 100 (2025) = 105; 南湖 30; 东城县 25 …
    assert [(r.unit.name, r.figures.points, r.rank) for r in units] == [("中湖街道", D(105), 1), ("南湖街道", D(30), 2)]


def _items(net):
    """Three county items at the city desk, written by two people; adopted, forwarded up, instructed."""
    seed_default_levels()
    rules(net, net.city.desk, [line("adoption", 10), line("adoption_level", 30, level="guoban"),
                               line("instruction", 20)])
    first = at_city(net, title="东城县冬季安全生产大检查", writer_name="张三")
    second = at_city(net, title="东城县污水处理厂投入运行", writer_name="张三")
    cleared = make_user("mi_reporter", net.county, "reporter", clearance=Classification.SECRET, full_name="李四")
    third = entry_at(submitted(cleared, title="东城县秘密事项", classification=Classification.SECRET), net.city.desk)
    desk_services.entry_open(actor=net.editor, entry=third)
    adopt(net.editor, first)
    adopt(net.editor, first, "临江要情", issue_no="第2期")
    adopt(net.editor, second)
    desk_services.adoption_record(actor=net.editor, entry=second, publication="国办信息", issue_no="第9期",
                                  adopted_on=dt.date(2026, 11, 30), kind="full", external_level="guoban")
    adopt(net.editor, third)
    instructions.instruction_record(actor=net.editor, entry=third, leader_name="王市长", leader_title="市长",
                                    level="city", text="请抓好落实。", instructed_on=dt.date(2026, 11, 30))
    return first, second, third


def test_excellent_items_by_level_then_instructions_then_adoptions(net):
    first, second, third = _items(net)
    rows = appraisal.excellent_items(net.city.desk, *appraisal.two_years(YEAR), 10, net.editor)
    figures_ = [(r.item.pk, r.level, r.instructions, r.adoptions, r.points, r.rank) for r in rows]
    assert figures_ == [
        (second.item_id, "国办", 0, 2, D(40), 1),  # 10 at the city + 30 for 国办
        (third.item_id, "市级", 1, 1, D(30), 2),  # 10 + 20 for the instruction
        (first.item_id, "市级", 0, 2, D(20), 3),
    ]
    assert rows[1].title == "东城县秘密事项" and rows[1].writer == "李四"
    hidden = appraisal.excellent_items(net.city.desk, *appraisal.two_years(YEAR), 10, net.duty_officer)
    assert hidden[1].title == appraisal.SECRET_TITLE  # the duty officer is cleared for 内部 only
    assert [r.item.pk for r in appraisal.excellent_items(net.city.desk, *appraisal.two_years(YEAR), 1,
                                                          net.editor)] == [second.item_id]


def test_excellent_staff_by_the_items_they_wrote(net):
    _items(net)
    rows = appraisal.excellent_staff(net.city.desk, *appraisal.two_years(YEAR), 10)
    assert [(r.name, r.unit.name, r.items, r.adopted, r.points, r.rank) for r in rows] == [
        ("张三", "东城县委办公室", 2, 2, D(60), 1),
        ("李四", "东城县委办公室", 1, 1, D(30), 2),
    ]


def test_the_page_view_bounds_its_queries(net, world, django_assert_max_num_queries):
    _items(net)
    with django_assert_max_num_queries(20):
        view = appraisal.appraisal_view(net.city.desk, YEAR, top_n=2, threshold=D(12), size=10, user=net.editor)
        assert len(view.points.rows) == 6 and len(view.excellence.items) == 3 and view.confirmed is None
