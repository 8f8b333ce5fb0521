"""The item's own state machine (送签, 签发退回, 报送, 签发, 科室退回): one table, one history row per move."""

import pytest

from xinxi.items import desk_services, services
from xinxi.items.models import DeskEntry, EntryEvent, Item, ItemEvent, ItemState
from xinxi.items.tests.factories import draft, entry_at, submitted
from xinxi.items.workflow import ITEM_TRANSITIONS, TRANSITIONS, entry_machine, item_machine, item_transition
from xinxi.lib.errors import ConflictError, ServiceError

ROLE_PERSONAS = ["reporter", "approver", "editor", "desk_chief"]
CASES = [(action, state) for action in ITEM_TRANSITIONS for state in ItemState.values]


def _actor(net, rule):
    name = next(p for p in ROLE_PERSONAS if getattr(net, p).has_role(*rule.roles))
    return getattr(net, name)


def _item_in(net, state):
    item = draft(net.reporter)
    Item.objects.filter(pk=item.pk).update(state=state)
    item.refresh_from_db()
    return item


@pytest.mark.parametrize(("action", "state"), CASES)
def test_item_table_allows_its_moves_and_refuses_every_other(net, action, state):
    rule = ITEM_TRANSITIONS[action]
    item = _item_in(net, state)
    actor = _actor(net, rule)
    if state in rule.sources:
        item_transition(item, action, actor, reason="核对后处理")
        item.refresh_from_db()
        assert item.state == rule.target and item.version == 2
        event = ItemEvent.objects.get(item=item)
        assert (event.action, event.from_state, event.to_state) == (action, state, rule.target)
        assert event.actor == actor and event.reason == "核对后处理"
    else:
        with pytest.raises(ServiceError, match=r"不能|只有") as refused:
            item_transition(item, action, actor, reason="核对后处理")
        assert ItemState(state).label in str(refused.value) or "只有待签发" in str(refused.value)
        item.refresh_from_db()
        assert item.state == state and item.version == 1
        assert not ItemEvent.objects.exists()


@pytest.mark.parametrize("action", list(ITEM_TRANSITIONS))
def test_item_moves_refuse_the_wrong_role_and_a_missing_reason(net, action):
    rule = ITEM_TRANSITIONS[action]
    item = _item_in(net, next(iter(rule.sources)))
    outsider_role = next(p for p in ["duty_officer", "leader"] if not getattr(net, p).has_role(*rule.roles))
    with pytest.raises(ServiceError, match="没有权限") as refused:
        item_transition(item, action, getattr(net, outsider_role))
    assert refused.value.code == "forbidden"
    if rule.needs_reason:
        with pytest.raises(ServiceError, match="须填写理由"):
            item_transition(item, action, _actor(net, rule), reason="  ")
    assert not ItemEvent.objects.exists() and Item.objects.get(pk=item.pk).state == item.state


def test_a_stale_version_is_a_conflict_and_writes_nothing(net):
    item = draft(net.reporter)
    with pytest.raises(ConflictError, match="刷新"):
        item_transition(item, "request_signoff", net.reporter, version=7)
    assert not ItemEvent.objects.exists() and Item.objects.get(pk=item.pk).state == ItemState.DRAFT


@pytest.mark.parametrize(("action", "state"), [(a, s) for a in TRANSITIONS for s in ["new", "returned", "adopted"]])
def test_entry_table_allows_its_moves_and_refuses_every_other(net, action, state):
    rule = TRANSITIONS[action]
    entry = entry_at(submitted(net.reporter), net.city.desk)
    DeskEntry.objects.filter(pk=entry.pk).update(state=state)
    entry.refresh_from_db()
    before = EntryEvent.objects.count()
    if state in rule.sources:
        entry_machine.apply(entry, action, net.editor, reason="理由")
        assert DeskEntry.objects.get(pk=entry.pk).state == rule.target
        assert EntryEvent.objects.count() == before + 1
    else:
        with pytest.raises(ServiceError, match="不能"):
            entry_machine.apply(entry, action, net.editor, reason="理由")
        assert DeskEntry.objects.get(pk=entry.pk).state == state and EntryEvent.objects.count() == before


def test_the_journey_of_an_item_is_its_history(net):
    net.county.requires_signoff = True
    net.county.save()
    item = draft(net.reporter)
    services.item_request_signoff(actor=net.reporter, item=item)
    services.item_return_signoff(actor=net.approver, item=item, reason="数字再核对")
    services.item_request_signoff(actor=net.reporter, item=item)
    services.item_submit(actor=net.approver, item=item)
    desk_services.entry_return(actor=net.editor, entry=entry_at(item, net.city.desk), reason="补充整改进度")
    item.refresh_from_db()
    services.item_submit(actor=net.approver, item=item)
    moves = list(ItemEvent.objects.filter(item=item).values_list("action", "from_state", "to_state", "actor__username"))
    assert moves == [
        ("request_signoff", "draft", "pending_signoff", net.reporter.username),
        ("return_signoff", "pending_signoff", "signoff_returned", net.approver.username),
        ("request_signoff", "signoff_returned", "pending_signoff", net.reporter.username),
        ("sign", "pending_signoff", "submitted", net.approver.username),
        ("desk_return", "submitted", "returned", net.editor.username),
        ("submit", "returned", "submitted", net.approver.username),
    ]
    assert ItemEvent.objects.get(item=item, action="return_signoff").reason == "数字再核对"
    assert "补充整改进度" in ItemEvent.objects.get(item=item, action="desk_return").reason


def test_a_refused_service_call_writes_no_history(net):
    item = submitted(net.reporter)
    with pytest.raises(ServiceError, match="该信息已报送，不能送签。"):
        services.item_request_signoff(actor=net.reporter, item=item)
    with pytest.raises(ServiceError, match="不能再次报送"):
        services.item_submit(actor=net.reporter, item=item, idempotency_key="another")
    assert list(ItemEvent.objects.filter(item=item).values_list("action", flat=True)) == ["submit"]


def test_item_page_and_api_show_the_history(net, client_for):
    net.county.requires_signoff = True
    net.county.save()
    item = draft(net.reporter)
    services.item_request_signoff(actor=net.reporter, item=item)
    services.item_return_signoff(actor=net.approver, item=item, reason="请补充数据来源")
    page = client_for("reporter").get(f"/items/{item.pk}/").content.decode()
    assert "流转记录" in page and "签发退回" in page and "请补充数据来源" in page
    history = client_for("reporter").get(f"/api/v1/items/{item.pk}/").json()["history"]
    assert [(h["action"], h["action_label"], h["to_state"]) for h in history] == [
        ("request_signoff", "送签", "pending_signoff"),
        ("return_signoff", "签发退回", "signoff_returned"),
    ]
    assert history[1]["reason"] == "请补充数据来源" and history[1]["actor_name"]
    assert item_machine.allowed_actions(Item.objects.get(pk=item.pk), net.reporter) == ["request_signoff", "submit"]
