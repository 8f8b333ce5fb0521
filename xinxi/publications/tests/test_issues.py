"""Composing, signing and issuing: numbering, adoption on issue, freezing, reading."""

import threading

import pytest
from django.db import connection

from xinxi.items.models import Adoption, EntryState
from xinxi.items.tests.factories import entry_at, submitted
from xinxi.lib.errors import ServiceError
from xinxi.notifications.testing import texts
from xinxi.publications import permissions, services
from xinxi.publications.models import Issue, IssueRead, IssueState
from xinxi.publications.tests.factories import pending_issue, periodical


def test_sign_off_numbers_issues_and_records_adoptions(net):
    p = periodical(net)
    first = services.issue_sign_off(actor=net.desk_chief, issue=pending_issue(net, p, 2))
    assert first.state == IssueState.ISSUED and first.number == 1 and first.signer == net.desk_chief
    assert first.label.endswith("年第1期")
    adoptions = Adoption.objects.filter(issue=first)
    assert adoptions.count() == 2 and {a.unit for a in adoptions} == {net.county}
    assert {a.publication for a in adoptions} == {"临江信息"} and {a.kind for a in adoptions} == {"full"}
    for item in first.items.all():
        assert item.entry.state == EntryState.ADOPTED
    assert any("临江信息" in text for text in texts(net.reporter))
    second = services.issue_sign_off(actor=net.desk_chief, issue=pending_issue(net, p))
    assert second.number == 2


def test_supplements_and_running_totals_are_numbered_separately(net):
    p = periodical(net, running_total=True, total_offset=417)
    regular = services.issue_sign_off(actor=net.desk_chief, issue=pending_issue(net, p))
    assert (regular.number, regular.total_number) == (1, 418)
    supplement = services.issue_create(actor=net.editor, periodical=p, supplement=True)
    services.issue_add_entries(
        actor=net.editor, issue=supplement, entries=[entry_at(submitted(net.reporter), net.city.desk)]
    )
    services.issue_send_for_signoff(actor=net.editor, issue=supplement)
    supplement = services.issue_sign_off(actor=net.desk_chief, issue=supplement)
    assert (supplement.number, supplement.total_number) == (1, None) and "增刊第1期" in supplement.label


def test_empty_issue_cannot_be_sent_or_signed(net):
    p = periodical(net)
    issue = services.issue_create(actor=net.editor, periodical=p)
    with pytest.raises(ServiceError, match="还没有编入任何信息"):
        services.issue_send_for_signoff(actor=net.editor, issue=issue)
    with pytest.raises(ServiceError, match="只有待签发的期才能签发"):
        services.issue_sign_off(actor=net.desk_chief, issue=issue)


def test_only_the_desk_chief_signs(net):
    p = periodical(net)
    issue = pending_issue(net, p)
    for persona in ("editor", "duty_officer", "leader", "reporter", "outsider", "admin"):
        with pytest.raises(ServiceError, match="没有权限"):
            services.issue_sign_off(actor=net.users[persona], issue=issue)
    assert Issue.objects.get(pk=issue.pk).number is None


def test_issued_issue_is_frozen(net):
    p = periodical(net)
    issue = services.issue_sign_off(actor=net.desk_chief, issue=pending_issue(net, p))
    item = issue.items.get()
    with pytest.raises(ServiceError, match="不能修改"):
        services.issue_item_update(actor=net.editor, item=item, title="改标题", body=item.body)
    with pytest.raises(ServiceError, match="不能修改"):
        services.issue_update(actor=net.editor, issue=issue, version=issue.version, editor_note="补充")
    with pytest.raises(ServiceError, match="不能修改"):
        services.issue_add_entries(
            actor=net.editor, issue=issue, entries=[entry_at(submitted(net.reporter), net.city.desk)]
        )
    correction = services.issue_create(actor=net.editor, periodical=p, corrects=issue)
    assert correction.corrects == issue and correction.state == IssueState.DRAFT


def test_return_to_editor(net):
    issue = pending_issue(net, periodical(net))
    with pytest.raises(ServiceError, match="须填写理由"):
        services.issue_return(actor=net.desk_chief, issue=issue, reason="")
    services.issue_return(actor=net.desk_chief, issue=issue, reason="第二条标题再精炼")
    assert Issue.objects.get(pk=issue.pk).state == IssueState.DRAFT
    assert any("第二条标题再精炼" in text for text in texts(net.editor))


def test_classification_follows_the_items_and_hides_the_issue(net):
    p = periodical(net, default_classification=0)
    issue = services.issue_create(actor=net.editor, periodical=p)
    secret = entry_at(submitted(net.reporter, classification=1), net.city.desk)
    services.issue_add_entries(actor=net.editor, issue=issue, entries=[secret])
    assert Issue.objects.get(pk=issue.pk).classification == 1
    with pytest.raises(ServiceError, match="不能低于"):
        services.issue_update(actor=net.editor, issue=issue, version=None, classification=0)
    services.issue_send_for_signoff(actor=net.editor, issue=issue)
    services.issue_sign_off(actor=net.desk_chief, issue=issue)
    assert permissions.visible_issues(net.reporter).filter(pk=issue.pk).exists()  # county reads, cleared 内部
    assert not permissions.visible_issues(net.no_clearance).filter(pk=issue.pk).exists()
    assert not permissions.visible_issues(net.outsider).filter(pk=issue.pk).exists()  # not on the reading list


def test_drafts_are_for_the_desk_composers_only(net):
    issue = services.issue_create(actor=net.editor, periodical=periodical(net))
    assert permissions.visible_issues(net.desk_chief).filter(pk=issue.pk).exists()
    for persona in ("leader", "duty_officer", "reporter", "outsider"):
        assert not permissions.visible_issues(net.users[persona]).filter(pk=issue.pk).exists(), persona


def test_reading_is_recorded(net):
    issue = services.issue_sign_off(actor=net.desk_chief, issue=pending_issue(net, periodical(net)))
    services.issue_mark_read(user=net.leader, issue=issue)
    services.issue_mark_read(user=net.leader, issue=issue)
    services.issue_mark_read(user=net.outsider, issue=issue)  # not a reader: nothing recorded
    read = IssueRead.objects.get()
    assert read.user == net.leader and read.times == 2


@pytest.mark.django_db(transaction=True)
def test_two_sign_offs_at_once_get_consecutive_numbers():
    from xinxi.network.testing import build_net

    net = build_net()
    p = periodical(net)
    issues = [pending_issue(net, p) for _ in range(2)]
    barrier = threading.Barrier(2)
    errors: list[Exception] = []
    test_db = dict(connection.settings_dict)

    def sign(issue):
        try:
            connection.settings_dict.update(test_db)  # this thread's own connection, to the test database
            barrier.wait(timeout=10)
            services.issue_sign_off(actor=net.desk_chief, issue=issue)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign, args=(i,)) for i in issues]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    numbers = sorted(Issue.objects.filter(periodical=p).values_list("number", flat=True))
    assert numbers == [1, 2]


def test_a_correction_corrects_an_issued_issue_of_the_same_periodical(net):
    p = periodical(net)
    pending = pending_issue(net, p)
    with pytest.raises(ServiceError, match="只能更正本刊物已印发的期"):
        services.issue_create(actor=net.editor, periodical=p, corrects=pending)
    services.issue_sign_off(actor=net.desk_chief, issue=pending)
    pending.refresh_from_db()
    other = periodical(net, name="信息摘编")
    with pytest.raises(ServiceError, match="只能更正本刊物已印发的期"):
        services.issue_create(actor=net.editor, periodical=other, corrects=pending)
    assert services.issue_create(actor=net.editor, periodical=p, corrects=pending).corrects == pending
