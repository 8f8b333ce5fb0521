"""An item's journey through the services: submit, return, revise, edit, combine, forward, adopt."""

import datetime as dt

import pytest

from xinxi.items import desk_services, permissions, services
from xinxi.items.models import Adoption, DeskEntry, EntrySource, EntryState, ItemState, Submission
from xinxi.items.tests.factories import draft, entry_at, submitted
from xinxi.lib.errors import ConflictError, ServiceError
from xinxi.network import services as network_services
from xinxi.network.testing import make_user
from xinxi.notifications.models import Notification
from xinxi.notifications.testing import text_of, texts


def one(user, words):
    """The user's one notification whose text (as they read it) contains ``words``."""
    [found] = [n for n in Notification.objects.filter(user=user) if words in text_of(n)]
    return found


def test_submit_reaches_the_parent_desk_with_a_receipt(net):
    item = draft(net.reporter)
    submission = services.item_submit(actor=net.reporter, item=item)
    assert submission.receipt_no.startswith("XX") and submission.round == 1
    entry = entry_at(item, net.city.desk)
    assert entry.state == EntryState.NEW and entry.source == EntrySource.DIRECT
    assert entry.origin_unit == net.county and entry.title == item.title
    assert any(text.startswith("新收信息") for text in texts(net.editor))
    assert not DeskEntry.objects.filter(desk=net.province.desk).exists()


def test_a_direct_point_also_reaches_the_higher_desk(net):
    chief = make_user("sheng_kz", net.province, "desk_chief")
    network_services.point_admit(actor=chief, unit=net.county, desk=net.province.desk,
                                 admitted_on=dt.date(2026, 1, 5), reason="直报点")
    item = submitted(net.reporter)
    assert entry_at(item, net.province.desk).source == EntrySource.POINT
    assert entry_at(item, net.city.desk).source == EntrySource.DIRECT


def test_retry_with_the_same_key_creates_one_submission(net):
    item = draft(net.reporter)
    first = services.item_submit(actor=net.reporter, item=item, idempotency_key="k-1")
    again = services.item_submit(actor=net.reporter, item=item, idempotency_key="k-1")
    assert first.pk == again.pk
    assert Submission.objects.count() == 1 and DeskEntry.objects.count() == 1
    with pytest.raises(ServiceError, match="不能再次报送"):
        services.item_submit(actor=net.reporter, item=item, idempotency_key="k-2")


def test_empty_title_cannot_be_submitted_but_the_draft_is_kept(net):
    item = draft(net.reporter, title="  ")
    with pytest.raises(ServiceError, match="标题不能为空"):
        services.item_submit(actor=net.reporter, item=item)
    item.refresh_from_db()
    assert item.state == ItemState.DRAFT and item.body


def test_signoff_required(net):
    net.county.requires_signoff = True
    net.county.save()
    item = draft(net.reporter)
    with pytest.raises(ServiceError, match="须经签发人签发"):
        services.item_submit(actor=net.reporter, item=item)
    services.item_request_signoff(actor=net.reporter, item=item)
    assert any(text.startswith("待签发") for text in texts(net.approver))
    services.item_return_signoff(actor=net.approver, item=item, reason="数字需核实")
    item.refresh_from_db()
    assert item.state == ItemState.SIGNOFF_RETURNED and item.signoff_reason == "数字需核实"
    services.item_update(actor=net.reporter, item=item, version=item.version, body=item.body + "（已核实）")
    services.item_request_signoff(actor=net.reporter, item=item)
    with pytest.raises(ServiceError):
        services.item_submit(actor=net.reporter, item=item)  # a reporter cannot sign
    submission = services.item_submit(actor=net.approver, item=item)
    assert submission.signed_off_by == net.approver


def test_return_revise_resubmit_keeps_every_round(net):
    item = submitted(net.reporter)
    entry = entry_at(item, net.city.desk)
    desk_services.entry_return(actor=net.editor, entry=entry, reason="请补充整改时限")
    item.refresh_from_db()
    assert item.state == ItemState.RETURNED
    note = one(net.reporter, "请补充整改时限")
    assert note.url == f"/items/{item.pk}/"  # writers are sent to their own item, never a desk page
    services.item_update(actor=net.reporter, item=item, version=item.version, body=item.body + "整改时限为12月31日。")
    services.item_submit(actor=net.reporter, item=item)
    entry.refresh_from_db()
    assert entry.state == EntryState.NEW and entry.body.endswith("12月31日。")
    assert list(item.submissions.values_list("round", flat=True)) == [1, 2]
    assert list(entry.events.values_list("action", flat=True)) == ["receive", "return", "resubmit"]


def test_editing_keeps_versions_and_refuses_a_stale_save(net):
    item = submitted(net.reporter)
    entry = entry_at(item, net.city.desk)
    desk_services.entry_edit(actor=net.editor, entry=entry, version=0, title="东城县冬季安全生产大检查整改隐患38处",
                             body=entry.body)
    with pytest.raises(ConflictError, match="不是最新版本"):
        desk_services.entry_edit(actor=net.desk_chief, entry=entry_at(item, net.city.desk), version=0,
                                 title="别的标题", body=entry.body)
    entry.refresh_from_db()
    assert entry.title == "东城县冬季安全生产大检查整改隐患38处" and entry.version == 1
    item.refresh_from_db()
    assert item.submissions.get().title == "东城县排查企业126家整改隐患38处"  # the original is untouched


def test_combine_forward_and_adopt_credit_every_source(net):
    a = submitted(net.reporter)
    b = submitted(net.reporter, title="东城镇排查隐患")
    c = services.item_create(actor=make_user("dept_r", net.city_dept, "reporter"), title="市应急局部署检查",
                             body="全市开展冬季安全生产检查，检查企业500家。")
    services.item_submit(actor=c.created_by, item=c)
    entries = [entry_at(x, net.city.desk) for x in (a, c)]
    combined = desk_services.entry_combine(actor=net.editor, entries=entries, title="我市扎实开展冬季安全生产大检查",
                                           body="综合正文，检查企业626家。")
    for e in entries:
        e.refresh_from_db()
        assert e.state == EntryState.COMBINED
    make_user("sheng_bj", net.province, "editor")
    upper = desk_services.entry_forward(actor=net.editor, entry=combined)
    assert upper.desk == net.province.desk and upper.forwarded_from == combined
    province_editor = type(net.editor).objects.get(username="sheng_bj")
    adoptions = desk_services.adoption_record(actor=province_editor, entry=upper, publication="东海信息",
                                              issue_no="2026年第12期", adopted_on=dt.date(2026, 11, 20), kind="full")
    assert {a.unit for a in adoptions} == {net.county, net.city_dept}
    assert {a.kind for a in adoptions} == {"combined"} and all(a.level == "province" for a in adoptions)
    # Feedback: the county reporter sees the province entry of the combined item.
    assert permissions.visible_entries(net.reporter).filter(pk=upper.pk).exists()
    assert one(net.reporter, "东海信息").url == f"/items/{a.pk}/"
    # The city desk hears about the province's adoption with a link to its own entry.
    assert one(net.editor, "东海信息").url == f"/desk/entries/{combined.pk}/"
    assert b.entries.get().state == EntryState.NEW
    # External adoption entered by hand by the province desk.
    desk_services.adoption_record(actor=province_editor, entry=upper, publication="国办《信息专报》", issue_no="第3期",
                                  adopted_on=dt.date(2026, 11, 21), kind="full", external_level="central")
    assert Adoption.objects.filter(external=True, level="central").count() == 2


def test_major_event_cannot_be_adopted_or_forwarded_while_verification_is_open(net):
    item = submitted(net.reporter, major_event=True)
    entry = entry_at(item, net.city.desk)
    desk_services.entry_open(actor=net.editor, entry=entry)
    verification = desk_services.verification_request(actor=net.editor, entry=entry, method="sender",
                                                      question="126家的口径？")
    with pytest.raises(ServiceError, match="核实尚未完成"):
        desk_services.entry_forward(actor=net.editor, entry=entry)
    with pytest.raises(ServiceError, match="核实尚未完成"):
        desk_services.adoption_record(actor=net.editor, entry=entry, publication="临江信息", issue_no="1",
                                      adopted_on=dt.date(2026, 11, 1), kind="full")
    desk_services.verification_close(actor=net.editor, verification=verification, outcome="confirmed", note="属实")
    desk_services.adoption_record(actor=net.editor, entry=entry, publication="临江信息", issue_no="1",
                                  adopted_on=dt.date(2026, 11, 1), kind="full")


def test_other_units_never_see_drafts_or_entries(net):
    item = draft(net.reporter)
    assert not permissions.visible_items(net.outsider).filter(pk=item.pk).exists()
    assert not permissions.visible_items(net.editor).filter(pk=item.pk).exists()
    services.item_submit(actor=net.reporter, item=item)
    assert not permissions.visible_entries(net.outsider).exists()
    assert permissions.desk_entries(net.editor).count() == 1


def test_classification_above_clearance_is_invisible(net):
    item = draft(net.reporter, classification=1)
    assert permissions.visible_items(net.no_clearance).filter(pk=item.pk).count() == 0
    services.item_submit(actor=net.reporter, item=item)
    assert permissions.desk_entries(net.duty_officer).count() == 1  # clearance 内部
    with pytest.raises(ServiceError, match="不能高于您本人的涉密等级"):
        draft(net.reporter, classification=2)


def test_target_desks_are_the_nearest_active_desk_above_and_the_point_desks_of_every_unit(net):
    from xinxi.items.models import Item
    from xinxi.network.models import Desk, Unit

    chief = make_user("sheng_kz", net.province, "desk_chief")
    network_services.point_admit(actor=chief, unit=net.county, desk=net.province.desk,
                                 admitted_on=dt.date(2026, 1, 5), reason="直报点")

    def expected(unit):
        parent = network_services.parent_desk(unit)
        points = Desk.objects.filter(active=True, points__unit=unit, points__revoked_on__isnull=True).order_by("pk")
        return ([(parent.pk, EntrySource.DIRECT)] if parent is not None else []) + [
            (d.pk, EntrySource.POINT) for d in points if parent is None or d.pk != parent.pk
        ]

    # With the city desk closed the province desk is the county's parent desk and its point desk: one entry.
    for round_ in ("all desks active", "the city desk closed"):
        for unit in Unit.objects.all():
            found = [(d.pk, source) for d, source in services.target_desks(Item(unit=unit))]
            assert found == expected(unit), (round_, unit.name)
        Desk.objects.filter(pk=net.city.desk.pk).update(active=False)
    assert [d for d, _ in services.target_desks(Item(unit=net.county))] == [net.province.desk]


def test_the_readers_of_a_fresh_round_read_from_the_rows_equal_the_lookup(net):
    chief = make_user("sheng_kz", net.province, "desk_chief")
    network_services.point_admit(actor=chief, unit=net.county, desk=net.province.desk,
                                 admitted_on=dt.date(2026, 1, 5), reason="直报点")
    item = submitted(net.reporter)
    entries = list(DeskEntry.objects.filter(item=item))
    assert len(entries) == 2
    looked_up = permissions.entries_readers([e.pk for e in entries])
    assert permissions.received_entries_readers(item, entries) == looked_up
    other = submitted(net.reporter)  # entries not of the item given: looked up as entries_readers does
    theirs = list(DeskEntry.objects.filter(item=other))
    assert permissions.received_entries_readers(item, theirs) == permissions.entries_readers([e.pk for e in theirs])
