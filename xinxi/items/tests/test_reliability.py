"""Nothing acknowledged is lost; nothing half-done is kept; retries never duplicate."""

import pytest

from xinxi.items import archive_docs, desk_services, services
from xinxi.items.models import DeskEntry, EntryEvent, EntryState, Item, ItemState, Submission
from xinxi.items.tests.factories import draft, entry_at, submitted
from xinxi.lib.errors import ConflictError


class Crash(Exception):
    pass


def test_a_crash_before_commit_leaves_the_draft_as_it_was(net, monkeypatch):
    item = draft(net.reporter)

    def crash(*args):
        raise Crash("断电")

    # The last step before commit: indexing the round and its entries.
    monkeypatch.setattr(archive_docs, "index_first_round", crash)
    with pytest.raises(Crash):
        services.item_submit(actor=net.reporter, item=item, idempotency_key="k")
    item.refresh_from_db()
    assert item.state == ItemState.DRAFT and item.title
    assert not Submission.objects.exists() and not DeskEntry.objects.exists() and not EntryEvent.objects.exists()
    monkeypatch.undo()
    # The same key, retried after the crash, now goes through once.
    submission = services.item_submit(actor=net.reporter, item=item, idempotency_key="k")
    assert services.item_submit(actor=net.reporter, item=item, idempotency_key="k").pk == submission.pk
    assert Submission.objects.count() == 1 and DeskEntry.objects.count() == 1


def test_an_acknowledged_submission_survives_a_later_failure(net, monkeypatch):
    item = submitted(net.reporter)
    receipt = item.submissions.get().receipt_no
    entry = entry_at(item, net.city.desk)
    monkeypatch.setattr(archive_docs, "index_entry", lambda e: (_ for _ in ()).throw(Crash()))
    with pytest.raises(Crash):
        desk_services.entry_edit(actor=net.editor, entry=entry, version=0, title="新标题", body=entry.body)
    entry.refresh_from_db()
    assert entry.title == item.title and entry.version == 0 and not entry.versions.exists()
    assert Submission.objects.get(receipt_no=receipt).item_id == item.pk


def test_two_editors_saving_the_same_version(net):
    entry = entry_at(submitted(net.reporter), net.city.desk)
    first = DeskEntry.objects.get(pk=entry.pk)
    second = DeskEntry.objects.get(pk=entry.pk)
    desk_services.entry_edit(actor=net.editor, entry=first, version=0, title="编辑甲的标题", body=entry.body)
    with pytest.raises(ConflictError) as info:
        desk_services.entry_edit(actor=net.desk_chief, entry=second, version=0, title="科长的标题", body=entry.body)
    assert "王编辑" in info.value.messages[0]
    entry.refresh_from_db()
    assert entry.title == "编辑甲的标题" and entry.versions.count() == 1


def test_stale_autosave_does_not_overwrite(net):
    item = draft(net.reporter)
    services.item_update(actor=net.reporter, item=Item.objects.get(pk=item.pk), version=1, body="第一台电脑上的正文")
    with pytest.raises(ConflictError):
        services.item_update(actor=net.reporter, item=Item.objects.get(pk=item.pk), version=1, body="旧页面的正文")
    assert Item.objects.get(pk=item.pk).body == "第一台电脑上的正文"


def test_a_state_change_racing_an_action_fails_loudly(net):
    entry = entry_at(submitted(net.reporter), net.city.desk)
    stale = DeskEntry.objects.get(pk=entry.pk)
    desk_services.entry_preadopt(actor=net.editor, entry=entry)
    with pytest.raises(ConflictError):
        desk_services.entry_not_adopt(actor=net.desk_chief, entry=stale, reason="与预采用同时操作")
    assert DeskEntry.objects.get(pk=entry.pk).state == EntryState.PREADOPTED
