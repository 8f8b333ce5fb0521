"""Every public function of every services module writes an audit row.

The test walks ``xinxi/*/services.py`` and ``xinxi/items/desk_services.py`` and fails for a
function that has neither a scenario below nor a place in the commented exemption list,
so a new service cannot be added without saying which audit row it writes. Each scenario
prepares its objects, then calls the service; only rows written by that call count.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

import xinxi
from xinxi.accounts import services as accounts
from xinxi.accounts.models import Role
from xinxi.audit import services as audit
from xinxi.audit.models import ACTION_LABELS, AuditEvent
from xinxi.audit.testing import EXEMPT as APP_EXEMPT
from xinxi.audit.testing import SCENARIOS, Call, scenario
from xinxi.instructions import services as instructions
from xinxi.instructions.tests.factories import instruction_on_item, task_for
from xinxi.items import desk_services
from xinxi.items import services as items
from xinxi.items.models import EntryState
from xinxi.items.tests.factories import BODY, draft, entry_at, submitted
from xinxi.lib.choices import Classification
from xinxi.lib.errors import ServiceError
from xinxi.network import services as network
from xinxi.network.models import StaffRole, UnitKind
from xinxi.network.testing import PASSWORD, Net
from xinxi.notifications import services as notifications
from xinxi.notifications.models import NotificationKind
from xinxi.notifications.testing import told
from xinxi.publications import services as publications
from xinxi.publications.tests.factories import pending_issue, periodical

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% test\n"
DAY = dt.date(2026, 3, 2)  # a fixed date for admissions; nothing here depends on today

# Public functions of the services modules that write nothing: pure helpers and reads.
EXEMPT = {
    # accounts: the lock-out message, and who an actor may manage or grant (reads)
    "xinxi.accounts.services.locked_message",
    "xinxi.accounts.services.manageable_users",
    "xinxi.accounts.services.assignable_roles",
    # instructions: who receives a notice (read), the units behind an instruction (read),
    # which reminder is due for a task on a day (pure)
    "xinxi.instructions.services.unit_staff",
    "xinxi.instructions.services.source_units",
    "xinxi.instructions.services.reminder_key",
    # items: the desks a submission goes to (read), a retry's earlier receipt (read)
    "xinxi.items.services.target_desks",
    "xinxi.items.services.earlier_submission",
    # items (desk side): an entry's address (pure), its chain and credited units (reads),
    # whether a verification is open (read)
    "xinxi.items.desk_services.entry_url",
    "xinxi.items.desk_services.chain_below",
    "xinxi.items.desk_services.credited_items",
    "xinxi.items.desk_services.open_verifications",
    # network: the nearest desk above a unit (read), form data to service arguments (pure)
    "xinxi.network.services.parent_desk",
    "xinxi.network.services.unit_fields_from",
    # notifications: the unread count (read)
    "xinxi.notifications.services.unread_count",
    # publications: the source line printed under an item (pure)
    "xinxi.publications.services.source_label",
}

def _load_app_scenarios() -> None:
    """Import every app's ``tests/audit_scenarios*.py``: they register into ``audit.testing``."""
    root = Path(xinxi.__file__).parent
    for path in sorted(root.glob("*/tests/audit_scenarios*.py")):
        importlib.import_module(".".join(path.relative_to(root.parent).with_suffix("").parts))


# --- builders ---


def _entry(net: Net, **extra: Any) -> Any:
    return entry_at(submitted(net.reporter, **extra), net.city.desk)


def _opened(net: Net, **extra: Any) -> Any:
    return desk_services.entry_open(actor=net.editor, entry=_entry(net, **extra))


def _issue_with_items(net: Net, n: int = 2) -> Any:
    issue = publications.issue_create(actor=net.editor, periodical=periodical(net))
    entries = [_entry(net, title=f"东城县第{i}条信息标题写得具体明白") for i in range(n)]
    publications.issue_add_entries(actor=net.editor, issue=issue, entries=entries)
    return issue


def _issued(net: Net) -> Any:
    return publications.issue_sign_off(actor=net.desk_chief, issue=pending_issue(net, periodical(net)))


def _deactivated_town(net: Net) -> Any:
    return network.unit_deactivate(actor=net.admin, unit=net.town, reason="撤并")


def _point(net: Net) -> Any:
    return network.point_admit(actor=net.admin, unit=net.county, desk=net.province.desk, admitted_on=DAY, reason="好")


def _member(net: Net) -> Any:
    return network.staff_add(actor=net.admin, unit=net.county, name="刘信息", role=StaffRole.FULLTIME)


def _with_attachment(net: Net) -> Any:
    item = draft(net.reporter)
    items.attachment_add(actor=net.reporter, item=item, upload=SimpleUploadedFile("现场.pdf", PDF))
    return item


def _task_reported(net: Net) -> Any:
    task = task_for(net)
    instructions.report_submit(actor=net.reporter, task=task, text="已完成整改。")
    task.refresh_from_db()
    return task


def _task_accepted(net: Net) -> Any:
    task = _task_reported(net)
    instructions.report_accept(actor=net.editor, task=task)
    task.refresh_from_db()
    return task


def _verification(net: Net) -> Any:
    entry = _opened(net)
    return desk_services.verification_request(actor=net.editor, entry=entry, method="sender", question="数字是否准确？")


# --- accounts ---


@scenario("xinxi.accounts.services.login_check", "login_failed")
def _login_check(net: Net) -> Call:
    def call() -> None:
        with pytest.raises(ServiceError):
            accounts.login_check(request=None, username="reporter", password="wrong")

    return call


@scenario("xinxi.accounts.services.user_create", "user_create")
def _user_create(net: Net) -> Call:
    return lambda: accounts.user_create(
        actor=net.admin, username="new_user", full_name="新用户", unit=net.county, roles=[Role.REPORTER],
        clearance=Classification.INTERNAL, password=PASSWORD,
    )


@scenario("xinxi.accounts.services.user_update", "user_update")
def _user_update(net: Net) -> Call:
    return lambda: accounts.user_update(
        actor=net.admin, user=net.reporter, full_name="张信息员", unit=net.county, roles=[Role.REPORTER],
        clearance=Classification.INTERNAL, phone="", is_active=True,
    )


@scenario("xinxi.accounts.services.user_set_password", "user_set_password")
def _user_set_password(net: Net) -> Call:
    return lambda: accounts.user_set_password(actor=net.admin, user=net.reporter, password="Another@Pass2026")


@scenario("xinxi.accounts.services.user_unlock", "user_unlock")
def _user_unlock(net: Net) -> Call:
    return lambda: accounts.user_unlock(actor=net.admin, user=net.reporter)


@scenario("xinxi.audit.services.audit_record", "user_unlock")
def _audit_record(net: Net) -> Call:
    return lambda: audit.audit_record(actor=net.admin, action="user_unlock", obj=net.reporter)


@scenario("xinxi.audit.services.audit_batch", "user_unlock")
def _audit_batch(net: Net) -> Call:
    def run() -> None:
        with audit.audit_batch():  # the batch writes what was recorded in it
            audit.audit_record(actor=net.admin, action="user_unlock", obj=net.reporter)

    return run


@scenario("xinxi.audit.services.audit_system_records", "notify")
def _audit_system_records(net: Net) -> Call:
    return lambda: audit.audit_system_records(action="notify", details=[{"kind": "urgent_warning", "object_id": 1}])


# --- network ---


@scenario("xinxi.network.services.unit_create", "unit_create")
def _unit_create(net: Net) -> Call:
    return lambda: network.unit_create(
        actor=net.admin, name="南城县委办公室", kind=UnitKind.PARTY_OFFICE, level=net.county.level,
        region_code="370103", parent=net.city,
    )


@scenario("xinxi.network.services.unit_update", "unit_update")
def _unit_update(net: Net) -> Call:
    county = net.county
    return lambda: network.unit_update(
        actor=net.admin, unit=county, version=county.version, name="东城区委办公室", kind=county.kind,
        level=county.level, region_code=county.region_code, unit_class=None,
    )


@scenario("xinxi.network.services.unit_move", "unit_move")
def _unit_move(net: Net) -> Call:
    return lambda: network.unit_move(actor=net.admin, unit=net.town, new_parent=net.city, version=net.town.version)


@scenario("xinxi.network.services.unit_deactivate", "unit_deactivate")
def _unit_deactivate(net: Net) -> Call:
    return lambda: _deactivated_town(net)


@scenario("xinxi.network.services.unit_reactivate", "unit_reactivate")
def _unit_reactivate(net: Net) -> Call:
    town = _deactivated_town(net)
    return lambda: network.unit_reactivate(actor=net.admin, unit=town)


@scenario("xinxi.network.services.desk_create", "desk_create")
def _desk_create(net: Net) -> Call:
    return lambda: network.desk_create(actor=net.admin, unit=net.county, name="东城县委办信息科")


@scenario("xinxi.network.services.desk_update_settings", "desk_update")
def _desk_update_settings(net: Net) -> Call:
    return lambda: network.desk_update_settings(
        actor=net.desk_chief, desk=net.city.desk, name="临江市委办信息科",
        urgent_phone_limit_minutes=30, urgent_written_limit_minutes=60,
    )


@scenario("xinxi.network.services.point_admit", "point_admit")
def _point_admit(net: Net) -> Call:
    return lambda: _point(net)


@scenario("xinxi.network.services.point_revoke", "point_revoke")
def _point_revoke(net: Net) -> Call:
    point = _point(net)
    return lambda: network.point_revoke(actor=net.admin, point=point, revoked_on=DAY, reason="撤销")


@scenario("xinxi.network.services.staff_add", "staff_add")
def _staff_add(net: Net) -> Call:
    return lambda: _member(net)


@scenario("xinxi.network.services.staff_update", "staff_update")
def _staff_update(net: Net) -> Call:
    member = _member(net)
    return lambda: network.staff_update(
        actor=net.admin, member=member, name="刘信息", role=StaffRole.PARTTIME, title="", phone="", mobile="",
        active=True,
    )


@scenario("xinxi.network.services.staff_remove", "staff_remove")
def _staff_remove(net: Net) -> Call:
    member = _member(net)
    return lambda: network.staff_remove(actor=net.admin, member=member)


# --- items: the unit's side ---


@scenario("xinxi.items.services.item_create", "item_create")
def _item_create(net: Net) -> Call:
    return lambda: draft(net.reporter)


@scenario("xinxi.items.services.item_update", "item_update")
def _item_update(net: Net) -> Call:
    item = draft(net.reporter)
    return lambda: items.item_update(actor=net.reporter, item=item, version=item.version, title="东城县新标题写具体")


@scenario("xinxi.items.services.item_discard", "item_discard")
def _item_discard(net: Net) -> Call:
    item = draft(net.reporter)
    return lambda: items.item_discard(actor=net.reporter, item=item)


@scenario("xinxi.items.services.attachment_add", "attachment_add")
def _attachment_add(net: Net) -> Call:
    item = draft(net.reporter)
    return lambda: items.attachment_add(actor=net.reporter, item=item, upload=SimpleUploadedFile("现场.pdf", PDF))


@scenario("xinxi.items.services.attachment_remove", "attachment_remove")
def _attachment_remove(net: Net) -> Call:
    attachment = _with_attachment(net).attachments.get()
    return lambda: items.attachment_remove(actor=net.reporter, attachment=attachment)


@scenario("xinxi.items.services.item_request_signoff", "item_request_signoff")
def _item_request_signoff(net: Net) -> Call:
    item = draft(net.reporter)
    return lambda: items.item_request_signoff(actor=net.reporter, item=item)


@scenario("xinxi.items.services.item_return_signoff", "item_return_signoff")
def _item_return_signoff(net: Net) -> Call:
    item = items.item_request_signoff(actor=net.reporter, item=draft(net.reporter))
    return lambda: items.item_return_signoff(actor=net.approver, item=item, reason="数字再核")


@scenario("xinxi.items.services.item_submit", "item_submit")
def _item_submit(net: Net) -> Call:
    item = draft(net.reporter)
    return lambda: items.item_submit(actor=net.reporter, item=item)


@scenario("xinxi.items.services.item_create_and_submit", "item_submit")
def _item_create_and_submit(net: Net) -> Call:
    return lambda: items.item_create_and_submit(
        actor=net.reporter, title="东城县排查企业126家整改隐患38处", body=BODY, idempotency_key="audit-1"
    )


# --- items: the desk's side ---


@scenario("xinxi.items.desk_services.entry_open", "entry_open")
def _entry_open(net: Net) -> Call:
    entry = _entry(net)
    return lambda: desk_services.entry_open(actor=net.editor, entry=entry)


@scenario("xinxi.items.desk_services.entry_assign", "entry_assign")
def _entry_assign(net: Net) -> Call:
    entry = _opened(net)
    return lambda: desk_services.entry_assign(actor=net.editor, entry=entry, editor=net.desk_chief)


@scenario("xinxi.items.desk_services.entry_return", "entry_return")
def _entry_return(net: Net) -> Call:
    entry = _opened(net)
    return lambda: desk_services.entry_return(actor=net.editor, entry=entry, reason="请补充数字")


@scenario("xinxi.items.desk_services.entry_preadopt", "entry_preadopt")
def _entry_preadopt(net: Net) -> Call:
    entry = _opened(net)
    return lambda: desk_services.entry_preadopt(actor=net.editor, entry=entry)


@scenario("xinxi.items.desk_services.entry_not_adopt", "entry_not_adopt")
def _entry_not_adopt(net: Net) -> Call:
    entry = _opened(net)
    return lambda: desk_services.entry_not_adopt(actor=net.editor, entry=entry, reason="价值不大")


@scenario("xinxi.items.desk_services.entry_reconsider", "entry_reconsider")
def _entry_reconsider(net: Net) -> Call:
    entry = desk_services.entry_not_adopt(actor=net.editor, entry=_opened(net), reason="价值不大")
    return lambda: desk_services.entry_reconsider(actor=net.editor, entry=entry)


@scenario("xinxi.items.desk_services.entry_mark_duplicate", "entry_duplicate")
def _entry_mark_duplicate(net: Net) -> Call:
    entry, of = _opened(net), _opened(net, title="东城县排查企业整改隐患的另一条信息")
    return lambda: desk_services.entry_mark_duplicate(actor=net.editor, entry=entry, of=of)


@scenario("xinxi.items.desk_services.verification_request", "verification_request")
def _verification_request(net: Net) -> Call:
    return lambda: _verification(net)


@scenario("xinxi.items.desk_services.verification_close", "verification_close")
def _verification_close(net: Net) -> Call:
    verification = _verification(net)
    return lambda: desk_services.verification_close(
        actor=net.editor, verification=verification, outcome="confirmed", note="属实"
    )


@scenario("xinxi.items.desk_services.entry_set_major_event", "entry_major_event")
def _entry_set_major_event(net: Net) -> Call:
    entry = _opened(net)
    return lambda: desk_services.entry_set_major_event(actor=net.editor, entry=entry, major=True)


@scenario("xinxi.items.desk_services.entry_edit", "entry_edit")
def _entry_edit(net: Net) -> Call:
    entry = _opened(net)
    return lambda: desk_services.entry_edit(
        actor=net.editor, entry=entry, version=entry.version, title="东城县整改隐患38处", body=entry.body
    )


@scenario("xinxi.items.desk_services.entry_combine", "entry_combine")
def _entry_combine(net: Net) -> Call:
    a, b = _opened(net), _opened(net, title="东城县另一条安全生产信息标题")
    return lambda: desk_services.entry_combine(
        actor=net.editor, entries=[a, b], title="我市扎实开展安全生产大检查", body=a.body
    )


@scenario("xinxi.items.desk_services.entry_forward", "entry_forward")
def _entry_forward(net: Net) -> Call:
    entry = _opened(net)
    return lambda: desk_services.entry_forward(actor=net.editor, entry=entry)


@scenario("xinxi.items.desk_services.adoption_record", "adoption_record")
def _adoption_record(net: Net) -> Call:
    entry = _opened(net)
    return lambda: desk_services.adoption_record(
        actor=net.editor, entry=entry, publication="临江信息", issue_no="第1期", adopted_on=DAY, kind="full"
    )


# --- publications ---


@scenario("xinxi.publications.services.issue_create", "issue_create")
def _issue_create(net: Net) -> Call:
    p = periodical(net)
    return lambda: publications.issue_create(actor=net.editor, periodical=p)


@scenario("xinxi.publications.services.issue_add_entries", "issue_add")
def _issue_add_entries(net: Net) -> Call:
    issue = publications.issue_create(actor=net.editor, periodical=periodical(net))
    entry = _entry(net)
    return lambda: publications.issue_add_entries(actor=net.editor, issue=issue, entries=[entry])


@scenario("xinxi.publications.services.issue_item_update", "issue_item_update")
def _issue_item_update(net: Net) -> Call:
    item = _issue_with_items(net).items.first()
    return lambda: publications.issue_item_update(
        actor=net.editor, item=item, title="改后的标题写得具体", body=item.body
    )


@scenario("xinxi.publications.services.issue_item_remove", "issue_item_remove")
def _issue_item_remove(net: Net) -> Call:
    item = _issue_with_items(net).items.first()
    return lambda: publications.issue_item_remove(actor=net.editor, item=item)


@scenario("xinxi.publications.services.issue_update", "issue_update")
def _issue_update(net: Net) -> Call:
    issue = _issue_with_items(net)
    return lambda: publications.issue_update(
        actor=net.editor, issue=issue, version=issue.version, classification=Classification.SECRET
    )


@scenario("xinxi.publications.services.issue_send_for_signoff", "issue_send")
def _issue_send_for_signoff(net: Net) -> Call:
    issue = _issue_with_items(net)
    return lambda: publications.issue_send_for_signoff(actor=net.editor, issue=issue)


@scenario("xinxi.publications.services.issue_return", "issue_return")
def _issue_return(net: Net) -> Call:
    issue = pending_issue(net, periodical(net))
    return lambda: publications.issue_return(actor=net.desk_chief, issue=issue, reason="再改")


@scenario("xinxi.publications.services.issue_sign_off", "issue_sign_off")
def _issue_sign_off(net: Net) -> Call:
    return lambda: _issued(net)


@scenario("xinxi.publications.services.issue_mark_read", "issue_mark_read")
def _issue_mark_read(net: Net) -> Call:
    issue = _issued(net)
    return lambda: publications.issue_mark_read(user=net.reporter, issue=issue)


@scenario("xinxi.publications.services.issue_item_move", "issue_item_move")
def _issue_item_move(net: Net) -> Call:
    item = _issue_with_items(net).items.order_by("sort_order").first()
    return lambda: publications.issue_item_move(actor=net.editor, item=item, step=1)


@scenario("xinxi.publications.services.periodical_save", "periodical_create")
def _periodical_save(net: Net) -> Call:
    return lambda: publications.periodical_save(actor=net.desk_chief, desk=net.city.desk, name="临江专报")


# --- instructions and supervision ---


@scenario("xinxi.instructions.services.instruction_record", "instruction_record")
def _instruction_record(net: Net) -> Call:
    return lambda: instruction_on_item(net)


@scenario("xinxi.instructions.services.tasks_create", "supervision_create")
def _tasks_create(net: Net) -> Call:
    return lambda: task_for(net)


@scenario("xinxi.instructions.services.report_submit", "handling_report")
def _report_submit(net: Net) -> Call:
    task = task_for(net)
    return lambda: instructions.report_submit(actor=net.reporter, task=task, text="已完成整改。")


@scenario("xinxi.instructions.services.report_accept", "handling_accept")
def _report_accept(net: Net) -> Call:
    task = _task_reported(net)
    return lambda: instructions.report_accept(actor=net.editor, task=task)


@scenario("xinxi.instructions.services.report_return", "handling_return")
def _report_return(net: Net) -> Call:
    task = _task_reported(net)
    return lambda: instructions.report_return(actor=net.editor, task=task, reason="请补充")


@scenario("xinxi.instructions.services.task_close", "supervision_close")
def _task_close(net: Net) -> Call:
    task = _task_accepted(net)
    return lambda: instructions.task_close(actor=net.editor, task=task)


@scenario("xinxi.instructions.services.task_extend", "supervision_extend")
def _task_extend(net: Net) -> Call:
    task = task_for(net)
    return lambda: instructions.task_extend(
        actor=net.editor, task=task, due_on=task.due_on + dt.timedelta(days=7), reason="情况复杂"
    )


@scenario("xinxi.instructions.services.send_reminders", "supervision_remind")
def _send_reminders(net: Net) -> Call:
    task = task_for(net)
    return lambda: instructions.send_reminders(today=task.due_on)


# --- notifications ---


@scenario("xinxi.notifications.services.notify", "notify")
def _notify(net: Net) -> Call:
    entry = _entry(net)
    return lambda: notifications.notify(
        users=[net.editor], kind=NotificationKind.ENTRY_ASSIGNED, obj=entry, url=f"/desk/{entry.pk}/"
    )


@scenario("xinxi.notifications.services.notifications_mark_read", "notifications_mark_read")
def _notifications_mark_read(net: Net) -> Call:
    told(net.editor, "测试通知", url="/desk/")
    return lambda: notifications.notifications_mark_read(user=net.editor)


def service_functions() -> list[str]:
    """Every public function defined in a services module, as ``module.name``."""
    root = Path(xinxi.__file__).parent
    paths = [*sorted(root.glob("*/services.py")), *sorted(root.glob("*/services_*.py"))]
    paths.append(root / "items" / "desk_services.py")
    found = []
    for path in paths:
        module = importlib.import_module(".".join(path.relative_to(root.parent).with_suffix("").parts))
        for name, func in inspect.getmembers(module, inspect.isfunction):
            if not name.startswith("_") and func.__module__ == module.__name__:
                found.append(f"{module.__name__}.{name}")
    return found


_load_app_scenarios()
EXEMPT |= APP_EXEMPT


def test_every_service_function_has_a_scenario_or_a_stated_exemption() -> None:
    functions = set(service_functions())
    assert len(functions) > 60  # the walk found the modules
    missing = sorted(functions - set(SCENARIOS) - EXEMPT)
    assert not missing, f"service functions without an audit scenario (add one, or exempt a pure read): {missing}"
    stale = sorted((set(SCENARIOS) | EXEMPT) - functions)
    assert not stale, f"scenarios or exemptions for functions that no longer exist: {stale}"
    assert not set(SCENARIOS) & EXEMPT


def test_every_audited_action_has_a_label_for_the_audit_page() -> None:
    assert not [action for action, _setup in SCENARIOS.values() if action not in ACTION_LABELS]


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_the_service_writes_its_audit_row(name: str, net: Net, settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    action, setup = SCENARIOS[name]
    call = setup(net)
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    call()
    written = list(AuditEvent.objects.filter(id__gt=before).values_list("action", flat=True))
    assert action in written, f"{name} wrote {written or 'no audit row'}"


def test_opening_an_entry_again_writes_nothing_and_leaves_no_row(net: Net) -> None:
    entry = _opened(net)
    assert entry.state == EntryState.READ
    before = AuditEvent.objects.count()
    desk_services.entry_open(actor=net.editor, entry=entry)
    assert AuditEvent.objects.count() == before


def test_changing_an_issues_classification_names_both_levels(net: Net) -> None:
    issue = _issue_with_items(net)
    was = issue.classification
    publications.issue_update(actor=net.editor, issue=issue, version=issue.version, classification=2)
    event = AuditEvent.objects.get(action="issue_update")
    assert event.actor == net.editor and event.object_id == str(issue.pk)
    assert was < Classification.SECRET
    assert event.detail == {"fields": ["classification"], "classification": [was, Classification.SECRET]}


def test_a_notification_row_names_recipients_but_not_the_text(net: Net) -> None:
    entry = _entry(net)
    url = f"/desk/entries/{entry.pk}/"
    notifications.notify(users=[net.editor, net.desk_chief], kind=NotificationKind.ENTRY_ASSIGNED, obj=entry, url=url)
    event = AuditEvent.objects.filter(action="notify").latest("id")
    assert event.detail == {
        "kind": "entry_assigned",
        "object_id": entry.pk,
        "recipients": sorted([net.editor.pk, net.desk_chief.pk]),
        "url": url,
    }
    assert entry.title not in str(event.detail) + event.object_repr


def test_reminders_are_audited_once_however_often_the_sweep_runs(net: Net) -> None:
    task = task_for(net)
    instructions.send_reminders(today=task.due_on)
    instructions.send_reminders(today=task.due_on)
    assert AuditEvent.objects.filter(action="supervision_remind", object_id=str(task.pk)).count() == 1
