"""Hand-computed scenarios: every policy of a rule set, posted by the services that create the events."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from xinxi.instructions import services as instruction_services
from xinxi.instructions.levels import seed_default_levels
from xinxi.items import desk_services
from xinxi.items.hooks import ADOPTION_RECORDED
from xinxi.items.tests.factories import entry_at, submitted
from xinxi.lib.errors import ServiceError
from xinxi.scoring import services
from xinxi.scoring.models import EventKind, PeriodClose, RuleSetState, ScoreEntry
from xinxi.scoring.rules import split
from xinxi.scoring.tests.factories import ON, adopt, at_city, line, points, province_editor, rules

D = Decimal


def test_adoptions_add_up_when_the_rules_say_add(net):
    rules(net, net.city.desk, [line("adoption", 5, label="一般"), line("adoption", 10, label="同等条件的后一条")],
          multi_adoption="add")
    entry = at_city(net)
    adopt(net.editor, entry, "临江信息")
    adopt(net.editor, entry, "信息专报", issue_no="第3期")
    assert points(net.city.desk, net.county) == D(10)  # lines equally specific: the first in order, 5 + 5
    assert ScoreEntry.objects.filter(kind=EventKind.ADOPTION).count() == 2


def test_only_the_highest_counts_and_a_withdrawal_restores_the_next(net):
    from xinxi.publications.models import Periodical

    special = Periodical.objects.create(desk=net.city.desk, name="信息专报")
    rules(
        net, net.city.desk, [line("adoption", 5), line("adoption", 30, periodical=special.pk)],
        multi_adoption="highest",
    )
    entry = at_city(net)
    low = adopt(net.editor, entry, "临江信息")  # no issue: the general line, 5
    assert points(net.city.desk, net.county) == D(5)
    from xinxi.publications.models import Issue

    issue = Issue.objects.create(periodical=special, classification=0, urgency=0, editor=net.editor)
    high = adopt(net.editor, entry, "信息专报", issue_no="第3期", issue=issue)  # the periodical's line, 30
    assert points(net.city.desk, net.county) == D(30)
    adopt(net.editor, entry, "临江信息", issue_no="第9期")  # lower again: counts 0
    assert points(net.city.desk, net.county) == D(30)
    desk_services.adoption_withdraw(actor=net.editor, entry=entry, adoption=high[0], reason="误录")
    assert points(net.city.desk, net.county) == D(5)  # the best remaining adoption counts again
    assert not ScoreEntry.objects.filter(points__lt=0).exclude(reverses__isnull=False).exists()
    del low


def test_a_combined_item_splits_evenly_or_gives_each_in_full_or_a_fixed_figure(net):
    def combined_entry():
        a = at_city(net)
        other = submitted(net.users["reporter"], title="另一条")
        b = entry_at(other, net.city.desk)
        desk_services.entry_open(actor=net.editor, entry=b)
        return desk_services.entry_combine(actor=net.editor, entries=[a, b], title="综合", body="综合正文。" * 5)

    rules(net, net.city.desk, [line("adoption", 10)], joint="split")
    adopt(net.editor, combined_entry())
    # both sources are the county's: one unit credited once, in full
    assert points(net.city.desk, net.county) == D(10)


def test_joint_policies_between_two_units(net):
    from xinxi.network.testing import make_user

    dept_reporter = make_user("dept_xxy", net.city_dept, "reporter")

    def combined():
        a = at_city(net)
        b = entry_at(submitted(dept_reporter, title="应急局一条"), net.city.desk)
        desk_services.entry_open(actor=net.editor, entry=b)
        return desk_services.entry_combine(actor=net.editor, entries=[a, b], title="综合", body="综合正文。" * 5)

    rule_set = rules(net, net.city.desk, [line("adoption", 9)], joint="split")
    adopt(net.editor, combined())
    assert points(net.city.desk, net.county) + points(net.city.desk, net.city_dept) == D(9)
    assert {points(net.city.desk, net.county), points(net.city.desk, net.city_dept)} == {D("4.50")}
    correction = services.rule_set_correct(actor=net.desk_chief, rule_set=rule_set)
    services.rule_set_update(actor=net.desk_chief, rule_set=correction, version=None, joint="full")
    correction = services.rule_set_publish(actor=net.desk_chief, rule_set=correction)
    assert points(net.city.desk, net.county) == D(9) and points(net.city.desk, net.city_dept) == D(9)
    second = services.rule_set_correct(actor=net.desk_chief, rule_set=correction)
    services.rule_set_update(actor=net.desk_chief, rule_set=second, version=None, joint="fixed", joint_fixed_points="3")
    services.rule_set_publish(actor=net.desk_chief, rule_set=second)
    assert points(net.city.desk, net.county) == D(3) and points(net.city.desk, net.city_dept) == D(3)


def test_split_parts_add_up_to_the_cent():
    assert [split(D(10), 3, i) for i in range(3)] == [D("3.34"), D("3.33"), D("3.33")]
    assert sum(split(D("0.05"), 4, i) for i in range(4)) == D("0.05")


def test_category_multiplier_and_upward_adoption_policies(net):
    province_desk = net.province.desk
    rules(net, province_desk, [line("adoption", 8)])
    city_rules = rules(
        net, net.city.desk,
        [line("adoption", 10), line("adoption_level", 40, level="province"), line("forwarded", 2)],
        multipliers=[{"target": "research", "factor": "2"}],
        upward="times_k", upward_k="3",
    )
    entry = at_city(net, category="research")
    upper = desk_services.entry_forward(actor=net.editor, entry=entry)
    assert points(net.city.desk, net.county, kind="forwarded") == D(2)  # 报上级; no multiplier on forwarding
    adopt(province_editor(net), upper, "东海信息")
    # The province credits the city (its sender) under its own rules, which have no multiplier.
    assert points(province_desk, net.city) == D(8)
    # The city credits the county: its own adoption points 10 × 3 (one level up) × 2 (调研).
    assert points(net.city.desk, net.county, kind="adoption_level") == D(60)
    # Correcting the city's policy to its level lines rescores exactly that entry: 40 × 2.
    correction = services.rule_set_correct(actor=net.desk_chief, rule_set=city_rules)
    services.rule_set_update(actor=net.desk_chief, rule_set=correction, version=None, upward="level_lines")
    services.rule_set_publish(actor=net.desk_chief, rule_set=correction)
    assert points(net.city.desk, net.county, kind="adoption_level") == D(80)
    assert points(net.city.desk, net.county, kind="forwarded") == D(2)  # untouched: no reversal
    assert ScoreEntry.objects.filter(kind="forwarded").count() == 1
    city_rules.refresh_from_db()
    assert city_rules.state == RuleSetState.SUPERSEDED


def test_upward_policy_takes_the_upper_desks_own_points(net):
    rules(net, net.province.desk, [line("adoption", 25)])
    rules(net, net.city.desk, [line("adoption", 10)], upward="upper_points")
    upper = desk_services.entry_forward(actor=net.editor, entry=at_city(net))
    adopt(province_editor(net), upper, "东海信息")
    assert points(net.city.desk, net.county) == D(25)


def test_external_adoption_scores_by_level_at_the_recording_desk_and_below(net):
    rules(net, net.province.desk, [line("adoption_level", 80, level="guoban"), line("adoption_level", 5)])
    rules(net, net.city.desk, [line("adoption_level", 50, level="guoban")])
    upper = desk_services.entry_forward(actor=net.editor, entry=at_city(net))
    adopt(province_editor(net), upper, "国办《信息专报》", external_level="guoban")
    assert points(net.province.desk, net.city) == D(80)
    assert points(net.city.desk, net.county) == D(50)


def test_instruction_bonus_by_the_leaders_level_reaches_the_desks_below(net):
    seed_default_levels()
    rules(net, net.city.desk, [line("instruction", 40, leader_level="province"), line("instruction", 30)])
    rules(net, net.province.desk, [line("instruction", 50, leader_level="province")])
    upper = desk_services.entry_forward(actor=net.editor, entry=at_city(net))
    instruction_services.instruction_record(
        actor=province_editor(net), entry=upper, leader_name="张三", leader_title="副省长", level="province",
        text="请认真研究。", instructed_on=ON,
    )
    assert points(net.province.desk, net.city) == D(50)
    assert points(net.city.desk, net.county) == D(40)


def test_posting_the_same_event_twice_posts_once(net):
    rules(net, net.city.desk, [line("adoption", 10)])
    entry = at_city(net)
    records = adopt(net.editor, entry)
    ADOPTION_RECORDED.fire(actor=net.editor, entry=entry, adoptions=records)
    assert points(net.city.desk, net.county) == D(10)
    assert ScoreEntry.objects.count() == 1


def test_a_withdrawn_adoption_is_reversed_not_deleted(net):
    rules(net, net.city.desk, [line("adoption", 10)])
    entry = at_city(net)
    [record] = adopt(net.editor, entry)
    desk_services.adoption_withdraw(actor=net.editor, entry=entry, adoption=record, reason="刊发后发现内容失实")
    original, reversal = ScoreEntry.objects.order_by("pk")
    assert original.points == D(10) and reversal.points == D(-10) and reversal.reverses == original
    assert points(net.city.desk, net.county) == 0
    record.refresh_from_db()
    assert record.withdrawn_reason == "刊发后发现内容失实"
    with pytest.raises(ServiceError, match="已经撤销"):
        desk_services.adoption_withdraw(actor=net.editor, entry=entry, adoption=record, reason="再撤")


def test_penalties_post_their_line_and_a_wrong_one_is_reversed(net):
    rules(net, net.city.desk, [line("late_report", -10), line("false_item", -5)])
    penalty = services.penalty_record(
        actor=net.desk_chief, desk=net.city.desk, unit=net.county, kind="late_report", on=ON, reason="迟报 40 分钟"
    )
    assert points(net.city.desk, net.county) == D(-10)
    with pytest.raises(ServiceError, match="没有“紧急信息漏报”"):
        services.penalty_record(actor=net.desk_chief, desk=net.city.desk, unit=net.county, kind="missed_report",
                                on=ON, reason="漏报")
    with pytest.raises(ServiceError, match="权限"):
        services.penalty_record(actor=net.editor, desk=net.city.desk, unit=net.county, kind="false_item",
                                on=ON, reason="失实")
    [entry] = ScoreEntry.objects.filter(penalty=penalty)
    services.score_entry_reverse(actor=net.desk_chief, entry=entry, reason="核实后不属于迟报")
    assert points(net.city.desk, net.county) == 0
    with pytest.raises(ServiceError, match="已冲销"):
        services.score_entry_reverse(actor=net.desk_chief, entry=entry, reason="再次")


def test_a_posting_into_a_closed_period_lands_in_the_next_open_one(net):
    rules(net, net.city.desk, [line("adoption", 10)])
    PeriodClose.objects.create(
        desk=net.city.desk, kind="month", start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30),
        closed_by=net.desk_chief,
    )
    adopt(net.editor, at_city(net), adopted_on=dt.date(2026, 11, 20))
    [entry] = ScoreEntry.objects.all()
    assert entry.on == dt.date(2026, 12, 1) and "已关账" in entry.reason


def test_a_version_with_points_cannot_be_edited_and_a_penalty_line_must_deduct(net):
    rule_set = rules(net, net.city.desk, [line("adoption", 10)])
    with pytest.raises(ServiceError, match="不能修改"):
        services.rule_set_update(actor=net.desk_chief, rule_set=rule_set, version=None, name="改")
    with pytest.raises(ServiceError, match="扣分事项"):
        services.rule_set_create(actor=net.desk_chief, desk=net.city.desk, name="x", valid_from=ON,
                                 lines=[line("late_report", 10)])
    with pytest.raises(ServiceError, match="权限"):
        services.rule_set_create(actor=net.editor, desk=net.city.desk, name="x", valid_from=ON, lines=[])


def test_the_version_valid_on_the_event_date_scores_it(net):
    rules(net, net.city.desk, [line("adoption", 10)], valid_from=dt.date(2026, 1, 1))
    rules(net, net.city.desk, [line("adoption", 12)], valid_from=dt.date(2026, 11, 15))
    adopt(net.editor, at_city(net), adopted_on=dt.date(2026, 11, 10))
    adopt(net.editor, at_city(net), adopted_on=dt.date(2026, 11, 16))
    assert sorted(e.points for e in ScoreEntry.objects.all()) == [D(10), D(12)]
