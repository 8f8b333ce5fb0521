"""Channels: after commit, each configured channel gets the notifications of a send, worded per recipient."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.db import transaction

from xinxi.items import desk_services
from xinxi.items.tests.factories import entry_at, submitted
from xinxi.lib.choices import Classification
from xinxi.network.testing import Net
from xinxi.notifications.models import Notification, NotificationKind
from xinxi.notifications.services import notify
from xinxi.notifications.tests.outbox import OUTBOX, UrgentOnlyChannel

OUTBOX_CHANNEL = "xinxi.notifications.tests.outbox.OutboxChannel"


@pytest.fixture
def outbox(settings: Any) -> list[Any]:
    settings.XINXI_NOTIFICATION_CHANNELS = [OUTBOX_CHANNEL]
    OUTBOX.clear()
    return OUTBOX


def test_a_channel_gets_each_recipients_own_wording_after_commit(
    net: Net, outbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    item = submitted(net.reporter, title="东城县排查企业126家")
    entry = entry_at(item, net.city.desk)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        desk_services.entry_return(actor=net.editor, entry=entry, reason="请补充整改时限")
        assert outbox == []  # nothing leaves before the transaction commits
    for callback in callbacks:
        callback()
    [message] = outbox
    assert message.recipient.pk == net.reporter.pk and message.kind == NotificationKind.ENTRY_RETURNED
    assert message.text == "临江市委办公室信息科退回修改：东城县排查企业126家（请补充整改时限）"
    assert message.url == f"/items/{item.pk}/"
    assert message.notification_id == Notification.objects.get(user=net.reporter, kind=message.kind).pk


def test_a_rolled_back_service_sends_nothing_anywhere(
    net: Net, outbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    entry = entry_at(submitted(net.reporter), net.city.desk)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        desk_services.entry_not_adopt(actor=net.editor, entry=entry, reason="雷同")
        raise RuntimeError("崩溃")
    assert outbox == [] and not Notification.objects.filter(kind=NotificationKind.ENTRY_NOT_ADOPTED).exists()


def test_a_broken_channel_is_logged_and_the_others_still_deliver(
    net: Net, settings: Any, django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    settings.XINXI_NOTIFICATION_CHANNELS = ["xinxi.notifications.tests.outbox.BrokenChannel", OUTBOX_CHANNEL]
    OUTBOX.clear()
    entry = entry_at(submitted(net.reporter), net.city.desk)
    logs = caplog.at_level(logging.ERROR, logger="xinxi.notifications.channels")
    with logs, django_capture_on_commit_callbacks(execute=True):
        desk_services.entry_not_adopt(actor=net.editor, entry=entry, reason="雷同")
    assert [m.recipient.pk for m in OUTBOX] == [net.reporter.pk]
    assert "故障通道" in caplog.text
    assert Notification.objects.filter(user=net.reporter, kind=NotificationKind.ENTRY_NOT_ADOPTED).exists()


def test_a_channel_can_carry_only_some_kinds(
    net: Net, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.XINXI_NOTIFICATION_CHANNELS = ["xinxi.notifications.tests.outbox.UrgentOnlyChannel"]
    UrgentOnlyChannel.seen.clear()
    entry = entry_at(submitted(net.reporter), net.city.desk)
    with django_capture_on_commit_callbacks(execute=True):
        desk_services.entry_not_adopt(actor=net.editor, entry=entry, reason="雷同")
    assert UrgentOnlyChannel.seen == []


def test_a_setting_that_names_no_channel_is_refused(net: Net, settings: Any) -> None:
    entry = entry_at(submitted(net.reporter), net.city.desk)
    settings.XINXI_NOTIFICATION_CHANNELS = ["xinxi.notifications.models.Notification"]
    with pytest.raises(TypeError, match="not a notification Channel"):
        notify(users=[net.editor], kind=NotificationKind.ENTRY_ASSIGNED, obj=entry)


def test_a_channel_never_gets_text_above_the_recipients_clearance_now(
    net: Net, outbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    """Worded at delivery: a recipient whose clearance dropped before delivery gets nothing."""
    for user in (net.reporter, net.editor, net.desk_chief):
        user.clearance = Classification.CONFIDENTIAL
        user.save(update_fields=["clearance"])
    entry = entry_at(
        submitted(net.reporter, title="涉密标题", classification=Classification.CONFIDENTIAL), net.city.desk
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        desk_services.entry_assign(actor=net.desk_chief, entry=entry, editor=net.editor)
    assert Notification.objects.filter(user=net.editor, kind=NotificationKind.ENTRY_ASSIGNED).exists()
    type(net.editor).objects.filter(pk=net.editor.pk).update(clearance=Classification.SECRET)
    for callback in callbacks:
        callback()
    assert outbox == []


def test_without_channels_nothing_waits_for_commit(
    net: Net, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.XINXI_NOTIFICATION_CHANNELS = []
    entry = entry_at(submitted(net.reporter), net.city.desk)
    with django_capture_on_commit_callbacks() as callbacks:
        desk_services.entry_not_adopt(actor=net.editor, entry=entry, reason="雷同")
    assert callbacks == []
