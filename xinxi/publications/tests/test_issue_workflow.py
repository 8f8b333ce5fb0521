"""The issue's state machine (送签, 退回, 签发): one table, one history row per move, nothing else."""

import pytest

from xinxi.lib.errors import ConflictError, ServiceError
from xinxi.publications import services
from xinxi.publications.models import Issue, IssueEvent, IssueState
from xinxi.publications.tests.factories import pending_issue, periodical
from xinxi.publications.workflow import TRANSITIONS, allowed_actions, transition

CASES = [(action, state) for action in TRANSITIONS for state in IssueState.values]


def _issue_in(net, state):
    issue = services.issue_create(actor=net.editor, periodical=periodical(net))
    Issue.objects.filter(pk=issue.pk).update(state=state)
    issue.refresh_from_db()
    return issue


@pytest.mark.parametrize(("action", "state"), CASES)
def test_issue_table_allows_its_moves_and_refuses_every_other(net, action, state):
    rule = TRANSITIONS[action]
    issue = _issue_in(net, state)
    version = issue.version
    if state in rule.sources:
        transition(issue, action, net.desk_chief, reason="版面调整")
        issue.refresh_from_db()
        assert issue.state == rule.target and issue.version == version + 1
        event = IssueEvent.objects.get(issue=issue)
        assert (event.action, event.from_state, event.to_state) == (action, state, rule.target)
        assert event.actor == net.desk_chief and event.reason == "版面调整"
    else:
        with pytest.raises(ServiceError, match=r"不能|只有|已经签发"):
            transition(issue, action, net.desk_chief, reason="版面调整")
        issue.refresh_from_db()
        assert issue.state == state and issue.version == version
        assert not IssueEvent.objects.exists()


@pytest.mark.parametrize("action", ["return", "sign_off"])
def test_only_a_desk_chief_returns_or_signs(net, action):
    issue = _issue_in(net, IssueState.PENDING)
    with pytest.raises(ServiceError, match="没有权限"):
        transition(issue, action, net.editor, reason="理由")
    assert not IssueEvent.objects.exists() and Issue.objects.get(pk=issue.pk).state == IssueState.PENDING


def test_return_needs_a_reason_and_a_stale_version_conflicts(net):
    issue = _issue_in(net, IssueState.PENDING)
    with pytest.raises(ServiceError, match="须填写理由"):
        transition(issue, "return", net.desk_chief, reason=" ")
    with pytest.raises(ConflictError):
        transition(issue, "return", net.desk_chief, reason="重排", version=issue.version + 5)
    assert not IssueEvent.objects.exists() and Issue.objects.get(pk=issue.pk).state == IssueState.PENDING


def test_the_journey_of_an_issue_is_its_history(net):
    issue = pending_issue(net, periodical(net))
    services.issue_return(actor=net.desk_chief, issue=issue, reason="第二条标题过长")
    services.issue_send_for_signoff(actor=net.editor, issue=issue)
    services.issue_sign_off(actor=net.desk_chief, issue=issue)
    with pytest.raises(ServiceError, match="本期已经签发印发。"):
        services.issue_sign_off(actor=net.desk_chief, issue=issue)
    with pytest.raises(ServiceError, match="只有待签发的期才能退回"):
        services.issue_return(actor=net.desk_chief, issue=Issue.objects.get(pk=issue.pk), reason="晚了")
    moves = list(IssueEvent.objects.values_list("action", "from_state", "to_state", "actor__username", "reason"))
    assert moves == [
        ("send", "draft", "pending", net.editor.username, ""),
        ("return", "pending", "draft", net.desk_chief.username, "第二条标题过长"),
        ("send", "draft", "pending", net.editor.username, ""),
        ("sign_off", "pending", "issued", net.desk_chief.username, ""),
    ]
    assert allowed_actions(Issue.objects.get(pk=issue.pk)) == []


def test_issue_page_and_api_show_the_history_to_the_desk_only(net, client_for):
    issue = pending_issue(net, periodical(net))
    services.issue_return(actor=net.desk_chief, issue=issue, reason="第二条标题过长")
    services.issue_send_for_signoff(actor=net.editor, issue=issue)
    services.issue_sign_off(actor=net.desk_chief, issue=issue)
    page = client_for("editor").get(f"/publications/issues/{issue.pk}/").content.decode()
    assert "流转记录" in page and "第二条标题过长" in page
    api = client_for("editor").get(f"/api/v1/issues/{issue.pk}/").json()["history"]
    assert [h["action_label"] for h in api] == ["送签", "退回", "送签", "签发"]
    reader = client_for("reporter").get(f"/publications/issues/{issue.pk}/")
    assert reader.status_code == 200 and "第二条标题过长" not in reader.content.decode()
    assert client_for("reporter").get(f"/api/v1/issues/{issue.pk}/").json()["history"] == []
