"""Reads of classified content, allowed or refused, leave audit rows; the user sees only a 404.

The rows come from the one read path the pages and the API share (``entry_for_reading``,
``item_for_reading``, ``instruction_for_reading``, ``task_for_reading``,
``issue_for_reading``). A refused read of a 秘密+ object answers exactly like a missing
one; a refused read of an unclassified object, or of a missing one, writes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from xinxi.audit.models import AuditEvent
from xinxi.instructions import services as instructions
from xinxi.items.tests.factories import entry_at, submitted
from xinxi.lib.choices import Classification
from xinxi.network.testing import Net, make_user
from xinxi.publications import services as publications
from xinxi.publications.tests.factories import pending_issue, periodical

pytestmark = pytest.mark.django_db

TITLE = "东城县机密事项处置情况的详细报告"
MISSING = 987654


@pytest.fixture
def secret(net: Net) -> dict[str, Any]:
    """A 机密 item and its entry at the city desk, an instruction and a task on it, a 秘密 issue."""
    author = make_user("conf_reporter", net.county, "reporter", clearance=Classification.CONFIDENTIAL)
    item = submitted(author, title=TITLE, classification=Classification.CONFIDENTIAL)
    entry = entry_at(item, net.city.desk)
    instruction = instructions.instruction_record(
        actor=net.desk_chief, entry=entry, leader_name="王市长", leader_title="市长", level="city",
        text="请抓紧处置。", instructed_on=timezone.localdate(),
    )
    due = timezone.localdate() + dt.timedelta(days=10)  # the service refuses a past due date
    [task] = instructions.tasks_create(actor=net.desk_chief, instruction=instruction, units=[net.county], due_on=due)
    issue = pending_issue(net, periodical(net))
    publications.issue_return(actor=net.desk_chief, issue=issue, reason="定密")
    issue.refresh_from_db()
    publications.issue_update(actor=net.editor, issue=issue, version=issue.version, classification=2)
    publications.issue_send_for_signoff(actor=net.editor, issue=issue)
    publications.issue_sign_off(actor=net.desk_chief, issue=issue)
    AuditEvent.objects.all().delete()
    return {"author": author, "item": item, "entry": entry, "instruction": instruction, "task": task, "issue": issue}


def as_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    AuditEvent.objects.filter(action="login").delete()
    return client


def without_tokens(content: bytes) -> str:
    """The page with its per-response CSRF token blanked out (the only part that differs by design)."""
    text = content.decode()
    text = re.sub(r'"X-CSRFToken": "[^"]+"', '"X-CSRFToken": ""', text)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value=""', text)


# (persona refused, url with {pk}, key of the object, action, what)
REFUSED = [
    ("editor", "/desk/entries/{pk}/", "entry", "entry_read", "page"),
    ("editor", "/desk/entries/{pk}/edit/", "entry", "entry_read", "versions"),
    ("no_clearance", "/desk/entries/{pk}/", "entry", "entry_read", "page"),
    ("outsider", "/desk/entries/{pk}/edit/", "entry", "entry_read", "versions"),
    ("editor", "/api/v1/entries/{pk}/", "entry", "entry_read", "api"),
    ("editor", "/api/v1/entries/{pk}/versions/", "entry", "entry_read", "api versions"),
    ("no_clearance", "/items/{pk}/", "item", "item_read", "page"),
    ("no_clearance", "/api/v1/items/{pk}/", "item", "item_read", "api"),
    ("no_clearance", "/api/v1/items/{pk}/feedback/", "item", "item_read", "api feedback"),
    ("editor", "/supervision/instructions/{pk}/", "instruction", "instruction_read", "page"),
    ("editor", "/api/v1/instructions/{pk}/", "instruction", "instruction_read", "api"),
    ("reporter", "/supervision/tasks/{pk}/", "task", "supervision_read", "page"),
    ("reporter", "/api/v1/supervision-tasks/{pk}/", "task", "supervision_read", "api"),
    ("reporter", "/publications/issues/{pk}/", "issue", "issue_read", "page"),
    ("reporter", "/api/v1/issues/{pk}/", "issue", "issue_read", "api"),
    ("reporter", "/publications/issues/{pk}/export.docx", "issue", "issue_export", "docx"),
    ("reporter", "/publications/issues/{pk}/export.pdf", "issue", "issue_export", "pdf"),
    ("reporter", "/api/v1/issues/{pk}/export/docx/", "issue", "issue_export", "api docx"),
    ("reporter", "/api/v1/issues/{pk}/export/pdf/", "issue", "issue_export", "api pdf"),
]


@pytest.mark.parametrize(("persona", "url", "key", "action", "what"), REFUSED)
def test_a_refused_classified_read_is_a_plain_404_and_an_audit_row(
    net: Net, secret: dict[str, Any], persona: str, url: str, key: str, action: str, what: str
) -> None:
    client = as_user(net.users[persona])
    target = secret[key]
    missing = client.get(url.format(pk=MISSING))
    assert not AuditEvent.objects.exists()  # a missing record leaves nothing
    refused = client.get(url.format(pk=target.pk))
    assert refused.status_code == missing.status_code == 404
    assert without_tokens(refused.content) == without_tokens(missing.content)  # forbidden looks missing
    [row] = AuditEvent.objects.all()
    assert (row.action, row.actor, row.object_id) == (f"{action}_refused", net.users[persona], str(target.pk))
    assert row.detail == {"what": what}
    assert TITLE not in row.object_repr  # the log never shows a classified title


# (persona allowed, url, key, action, what)
ALLOWED = [
    ("desk_chief", "/desk/entries/{pk}/", "entry", "entry_read", "page"),
    ("desk_chief", "/api/v1/entries/{pk}/", "entry", "entry_read", "api"),
    ("author", "/items/{pk}/", "item", "item_read", "page"),
    ("author", "/api/v1/items/{pk}/", "item", "item_read", "api"),
    ("leader", "/supervision/instructions/{pk}/", "instruction", "instruction_read", "page"),
    ("desk_chief", "/api/v1/supervision-tasks/{pk}/", "task", "supervision_read", "api"),
    ("editor", "/publications/issues/{pk}/", "issue", "issue_read", "page"),
    ("editor", "/publications/issues/{pk}/export.docx?copy=2", "issue", "issue_export", "docx 份号000002"),
    ("editor", "/api/v1/issues/{pk}/export/docx/?copy=2", "issue", "issue_export", "api docx 份号000002"),
]


@pytest.mark.parametrize(("persona", "url", "key", "action", "what"), ALLOWED)
def test_an_allowed_classified_read_is_audited_once(
    net: Net, secret: dict[str, Any], persona: str, url: str, key: str, action: str, what: str
) -> None:
    user = secret["author"] if persona == "author" else net.users[persona]
    client = as_user(user)
    target = secret[key]
    assert client.get(url.format(pk=target.pk)).status_code == 200
    [row] = AuditEvent.objects.filter(action=action)
    assert (row.actor, row.object_id, row.detail) == (user, str(target.pk), {"what": what})
    assert not AuditEvent.objects.filter(action__endswith="_refused").exists()


def test_a_refused_read_of_an_unclassified_record_writes_nothing(net: Net, client_for: Any) -> None:
    item = submitted(net.reporter)
    entry = entry_at(item, net.city.desk)
    outsider = as_user(net.outsider)
    AuditEvent.objects.all().delete()
    assert outsider.get(f"/api/v1/entries/{entry.pk}/").status_code == 404
    assert outsider.get(f"/items/{item.pk}/").status_code == 404
    assert not AuditEvent.objects.exists()


def test_reading_an_unclassified_record_writes_nothing(net: Net) -> None:
    item = submitted(net.reporter)
    entry = entry_at(item, net.city.desk)
    editor = as_user(net.editor)
    assert editor.get(f"/api/v1/entries/{entry.pk}/").status_code == 200
    assert not AuditEvent.objects.filter(action__in=["entry_read", "entry_read_refused"]).exists()


def test_an_administrator_reading_the_log_sees_no_classified_title(net: Net, secret: dict[str, Any]) -> None:
    as_user(net.editor).get(f"/desk/entries/{secret['entry'].pk}/")
    as_user(net.desk_chief).get(f"/desk/entries/{secret['entry'].pk}/")
    page = as_user(net.admin).get("/audit/").content.decode()
    assert "查阅涉密信息被拒" in page and "查阅涉密信息" in page
    assert f"科室收稿 #{secret['entry'].pk}（机密）" in page
    assert TITLE not in page
