"""Writes to periodicals and issues: compose, send for sign-off, sign off (number + issue), correct, read.

Signing off is the moment an issue gets its number: inside one transaction the
periodical row is locked, the next number for (periodical, year, supplement) is taken,
the issue is frozen and every carried entry gets its adoption record. Two sign-offs
at once therefore get consecutive numbers, never the same one and never a gap.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from xinxi.accounts.models import Role, User
from xinxi.audit.services import audit_record
from xinxi.items import desk_services
from xinxi.items import permissions as item_permissions
from xinxi.items.models import AdoptionKind, DeskEntry, EntryState
from xinxi.items.text import check_for_submission, clean_body, clean_title
from xinxi.lib.choices import Classification, Urgency
from xinxi.lib.errors import ConflictError, ServiceError
from xinxi.network.models import Desk, Unit
from xinxi.notifications.models import NotificationKind as K
from xinxi.notifications.services import notify
from xinxi.publications import permissions, workflow
from xinxi.publications.models import PERIODICAL_FIELDS, Column, Issue, IssueItem, IssueRead, IssueState, Periodical

NOT_ALLOWED = "您没有权限进行此操作。"
# Entries in these states may go into an issue (一条多用: an adopted item may be used again).
USABLE = {EntryState.READ, EntryState.PREADOPTED, EntryState.ADOPTED, EntryState.NEW}


def _require(allowed: bool) -> None:
    if not allowed:
        raise ServiceError(NOT_ALLOWED, code="forbidden")


def _require_draft(issue: Issue) -> None:
    if issue.state != IssueState.DRAFT:
        raise ServiceError(f"本期{issue.get_state_display()}，不能修改；已印发的期如需更正，请编发更正期。")


def _bump(issue: Issue, version: int | None) -> None:
    expected = issue.version if version is None else version
    updated = Issue.objects.filter(pk=issue.pk, version=expected, state=issue.state).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise ConflictError("本期已被他人修改或状态已变化，请刷新后再操作。")
    issue.version = expected + 1


@transaction.atomic
def issue_create(
    *, actor: User, periodical: Periodical, supplement: bool = False, corrects: Issue | None = None
) -> Issue:
    _require(permissions.can_compose(actor, periodical))
    if not periodical.active:
        raise ServiceError(f"{periodical}已停刊。")
    if corrects is not None and (corrects.periodical_id != periodical.pk or corrects.state != IssueState.ISSUED):
        raise ServiceError("只能更正本刊物已印发的期。")
    issue = Issue.objects.create(
        periodical=periodical,
        supplement=supplement,
        classification=periodical.default_classification,
        urgency=periodical.default_urgency,
        to_leaders=periodical.default_to_leaders,
        to_units=periodical.default_to_units,
        distribute=periodical.default_distribute,
        copies=periodical.default_copies,
        editor=actor,
        corrects=corrects,
    )
    audit_record(actor=actor, action="issue_create", obj=issue)
    return issue


def source_label(entry: DeskEntry) -> str:
    """The source in brackets under an item's title: the unit, or a combined item's source units."""
    units = []
    for _item, unit in desk_services.credited_items(entry):
        if unit.name not in units:
            units.append(unit.name)
    return "、".join(units)[:100]


@transaction.atomic
def issue_add_entries(
    *, actor: User, issue: Issue, entries: Sequence[DeskEntry], kind: str = AdoptionKind.FULL
) -> list[IssueItem]:
    _require(permissions.can_compose(actor, issue.periodical))
    _require_draft(issue)
    if kind not in AdoptionKind.values:
        raise ServiceError("未知的采用方式。")
    order = (issue.items.aggregate(m=Max("sort_order"))["m"] or 0) + 1
    added = []
    for entry in entries:
        if (
            entry.desk_id != issue.periodical.desk_id
            or not item_permissions.desk_entries(actor).filter(pk=entry.pk).exists()
        ):
            raise ServiceError("只能编入本科室收到的信息。")
        if entry.state not in USABLE:
            raise ServiceError(f"“{entry.title}”当前为“{entry.get_state_display()}”，不能编入刊物。")
        if entry.major_event and desk_services.open_verifications(entry):
            raise ServiceError(f"“{entry.title}”涉及重大事件，核实尚未完成，不能编入刊物。")
        if issue.items.filter(entry=entry).exists():
            raise ServiceError(f"“{entry.title}”已在本期中。")
        added.append(
            IssueItem.objects.create(
                issue=issue,
                entry=entry,
                sort_order=order,
                title=entry.title,
                body=entry.body,
                source_label=source_label(entry),
                kind=kind,
            )
        )
        order += 1
    highest = max([issue.classification, *(e.classification for e in entries)])
    if highest != issue.classification:
        Issue.objects.filter(pk=issue.pk).update(classification=highest)
        issue.classification = highest
    _bump(issue, None)
    audit_record(actor=actor, action="issue_add", obj=issue, detail={"entries": [e.pk for e in entries]})
    return added


@transaction.atomic
def issue_item_update(
    *,
    actor: User,
    item: IssueItem,
    title: str,
    body: str,
    editor_note: str = "",
    kind: str = AdoptionKind.FULL,
    column: Column | None = None,
    sort_order: int | None = None,
) -> IssueItem:
    issue = item.issue
    _require(permissions.can_compose(actor, issue.periodical))
    _require_draft(issue)
    title, body = clean_title(title), clean_body(body)
    check_for_submission(title, body)
    if kind not in AdoptionKind.values:
        raise ServiceError("未知的采用方式。")
    if column is not None and column.periodical_id != issue.periodical_id:
        raise ServiceError("栏目不属于本刊。")
    item.title, item.body, item.editor_note, item.kind, item.column = title, body, clean_body(editor_note), kind, column
    if sort_order is not None:
        item.sort_order = sort_order
    item.save(update_fields=["title", "body", "editor_note", "kind", "column", "sort_order"])
    _bump(issue, None)
    audit_record(actor=actor, action="issue_item_update", obj=issue, detail={"item": item.pk, "entry": item.entry_id})
    return item


@transaction.atomic
def issue_item_remove(*, actor: User, item: IssueItem) -> None:
    issue = item.issue
    _require(permissions.can_compose(actor, issue.periodical))
    _require_draft(issue)
    detail = {"item": item.pk, "entry": item.entry_id}
    item.delete()
    _bump(issue, None)
    audit_record(actor=actor, action="issue_item_remove", obj=issue, detail=detail)


@transaction.atomic
def issue_update(*, actor: User, issue: Issue, version: int | None, **fields: Any) -> Issue:
    """Change the issue's own fields: classification, urgency, editor's note, 报/送/发 and copies."""
    _require(permissions.can_compose(actor, issue.periodical))
    _require_draft(issue)
    allowed = {"classification", "urgency", "editor_note", "to_leaders", "to_units", "distribute", "copies"}
    unknown = set(fields) - allowed
    if unknown:
        raise ServiceError(f"不能修改：{'、'.join(sorted(unknown))}")
    if "classification" in fields:
        if fields["classification"] not in Classification.values:
            raise ServiceError("未知的密级。")
        lowest = max((i.entry.classification for i in issue.items.select_related("entry")), default=0)
        if fields["classification"] < lowest:
            raise ServiceError("本期密级不能低于所刊信息的最高密级。")
    if "urgency" in fields and fields["urgency"] not in Urgency.values:
        raise ServiceError("未知的紧急程度。")
    _bump(issue, version)
    before = {key: getattr(issue, key) for key in fields}
    for key, value in fields.items():
        setattr(issue, key, clean_body(value) if isinstance(value, str) else value)
    issue.save(update_fields=[*fields, "updated_at"])
    # The names of what changed, and the classification from and to; texts stay out of the log.
    detail: dict[str, Any] = {"fields": sorted(key for key in fields if before[key] != getattr(issue, key))}
    if "classification" in detail["fields"]:
        detail["classification"] = [before["classification"], issue.classification]
    audit_record(actor=actor, action="issue_update", obj=issue, detail=detail)
    return issue


@transaction.atomic
def issue_send_for_signoff(*, actor: User, issue: Issue) -> Issue:
    _require(permissions.can_compose(actor, issue.periodical))
    _require_draft(issue)
    if not issue.items.exists():
        raise ServiceError("本期还没有编入任何信息，不能送签。")
    workflow.transition(issue, "send", actor)
    audit_record(actor=actor, action="issue_send", obj=issue)
    chiefs = User.objects.filter(unit=issue.periodical.desk.unit, role_grants__role=Role.DESK_CHIEF, is_active=True)
    notify(
        users=chiefs,
        kind=K.ISSUE_PENDING,
        obj=issue,
        url=f"/publications/issues/{issue.pk}/",
        detail={"count": issue.items.count()},
    )
    return issue


@transaction.atomic
def issue_return(*, actor: User, issue: Issue, reason: str) -> Issue:
    _require(permissions.can_sign(actor, issue.periodical))
    reason = clean_title(reason)[:300]
    if not reason:
        raise ServiceError("退回须填写理由。")
    workflow.transition(issue, "return", actor, reason=reason)
    audit_record(actor=actor, action="issue_return", obj=issue, detail={"reason": reason})
    notify(
        users=[issue.editor], kind=K.ISSUE_RETURNED, obj=issue, url=f"/publications/issues/{issue.pk}/",
        detail={"reason": reason},
    )
    return issue


@transaction.atomic
def issue_sign_off(*, actor: User, issue: Issue) -> Issue:
    """签发: number the issue, freeze it, and record the adoption of every entry it carries."""
    periodical = Periodical.objects.select_for_update().get(pk=issue.periodical_id)
    _require(permissions.can_sign(actor, periodical))
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    refusal = workflow.machine.refusal(issue, "sign_off", actor)
    if refusal is not None:
        raise refusal
    items = list(issue.items.select_related("entry", "entry__desk", "entry__desk__unit"))
    if not items:
        raise ServiceError("本期没有信息，不能签发。")
    for item in items:
        if item.entry.classification > actor.clearance:
            raise ServiceError("本期含有高于您涉密等级的信息，不能由您签发。")
    today = timezone.localdate()
    taken = Issue.objects.filter(periodical=periodical, supplement=issue.supplement, year=today.year)
    number = (taken.aggregate(m=Max("number"))["m"] or 0) + 1
    total = None
    if periodical.running_total and not issue.supplement:
        issued = Issue.objects.filter(periodical=periodical, supplement=False, number__isnull=False).count()
        total = periodical.total_offset + issued + 1
    workflow.transition(
        issue, "sign_off", actor, year=today.year, number=number, total_number=total, signer=actor, signed_on=today
    )
    issue.refresh_from_db()
    for item in items:
        desk_services.adoption_record(
            actor=actor,
            entry=item.entry,
            publication=periodical.name,
            issue_no=issue.label,
            adopted_on=today,
            kind=item.kind,
            issue=issue,
        )
    audit_record(actor=actor, action="issue_sign_off", obj=issue, detail={"number": issue.label})
    notify(users=[issue.editor], kind=K.ISSUE_SIGNED, obj=issue, url=f"/publications/issues/{issue.pk}/")
    return issue


@transaction.atomic
def issue_mark_read(*, user: User, issue: Issue) -> None:
    """Record that the user opened an issued issue (first and latest time, how often)."""
    if issue.state != IssueState.ISSUED or not permissions.visible_issues(user).filter(pk=issue.pk).exists():
        return
    updated = IssueRead.objects.filter(issue=issue, user=user).update(times=F("times") + 1, last_at=timezone.now())
    if not updated:
        IssueRead.objects.create(issue=issue, user=user)
    # The reading log is a write like any other; reading the content itself is audited by
    # ``permissions.issue_for_reading`` (``issue_read`` for 秘密 and above).
    audit_record(actor=user, action="issue_mark_read", obj=issue)


@transaction.atomic
def issue_item_move(*, actor: User, item: IssueItem, step: int) -> None:
    """Move an item up (step -1) or down (+1) in its issue; the order is renumbered 1..n."""
    issue = item.issue
    _require(permissions.can_compose(actor, issue.periodical))
    _require_draft(issue)
    items = list(issue.items.order_by("sort_order", "id"))
    at = next(i for i, other in enumerate(items) if other.pk == item.pk)
    to = at + step
    if step not in (-1, 1) or not 0 <= to < len(items):
        return
    items[at], items[to] = items[to], items[at]
    for position, other in enumerate(items, start=1):
        if other.sort_order != position:
            IssueItem.objects.filter(pk=other.pk).update(sort_order=position)
    _bump(issue, None)
    audit_record(actor=actor, action="issue_item_move", obj=issue, detail={"item": item.pk, "to": to + 1})


@transaction.atomic
def periodical_save(
    *,
    actor: User,
    desk: Desk,
    periodical: Periodical | None = None,
    columns: Sequence[str] = (),
    readers: Iterable[Unit] = (),
    **fields: Any,
) -> Periodical:
    """Create or change one of the desk's periodicals with its columns (栏目) and reading units (desk chiefs)."""
    target = periodical if periodical is not None else Periodical(desk=desk)
    _require(target.desk_id == desk.pk and permissions.can_sign(actor, target))
    unknown = set(fields) - set(PERIODICAL_FIELDS)
    if unknown:
        raise ServiceError(f"不能修改：{'、'.join(sorted(unknown))}")
    if "name" in fields:
        fields["name"] = clean_title(fields["name"]).strip("《》〈〉 ")
        if not fields["name"]:
            raise ServiceError("请填写刊物名称。")
        if Periodical.objects.filter(desk=desk, name=fields["name"]).exclude(pk=target.pk).exists():
            raise ServiceError(f"本科室已有刊物《{fields['name']}》。")
    for key, value in fields.items():
        setattr(target, key, clean_body(value) if isinstance(value, str) and key != "name" else value)
    created = target.pk is None
    if created:
        target.save()
    else:
        target.save(update_fields=list(fields))
    target.readers.set(list(readers))
    _columns_save(target, columns)
    audit_record(actor=actor, action="periodical_create" if created else "periodical_update", obj=target)
    return target


def _columns_save(periodical: Periodical, names: Sequence[str]) -> None:
    wanted: list[str] = []
    for raw in names:
        name = clean_title(raw)
        if len(name) > 30:
            raise ServiceError(f"栏目名称“{name}”过长（不超过 30 字）。")
        if name and name not in wanted:
            wanted.append(name)
    existing = {c.name: c for c in periodical.columns.all()}
    for name, column in existing.items():
        if name in wanted:
            continue
        if IssueItem.objects.filter(column=column, issue__state=IssueState.ISSUED).exists():
            raise ServiceError(f"栏目“{name}”已用于已印发的期，不能删除。")
        column.delete()
    for position, name in enumerate(wanted, start=1):
        if name in existing:
            if existing[name].sort_order != position:
                Column.objects.filter(pk=existing[name].pk).update(sort_order=position)
        else:
            Column.objects.create(periodical=periodical, name=name, sort_order=position)
