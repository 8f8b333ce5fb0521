"""A desk's work on its entries: screen, assign, verify, edit, combine, forward, adopt.

Every function takes the acting user (an editor or desk chief of the entry's desk),
runs in one transaction, records a history row and an audit record, and notifies the
people below in the chain. Refusals raise ``ServiceError`` in Chinese.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from xinxi.accounts.models import Role, User
from xinxi.audit.services import audit_record
from xinxi.items import archive_docs, hooks, permissions, text
from xinxi.items.models import (
    Adoption,
    AdoptionKind,
    AdoptionLevel,
    Category,
    CombinedSource,
    DeskEntry,
    EntrySource,
    EntryState,
    EntryVersion,
    Item,
    ItemState,
    Submission,
    Verification,
    VerificationMethod,
    VerificationOutcome,
    received_text,
)
from xinxi.items.workflow import item_transition, record_event, transition
from xinxi.lib.errors import ConflictError, ServiceError
from xinxi.network.models import Level, Unit
from xinxi.network.services import parent_desk
from xinxi.notifications.models import NotificationKind as K
from xinxi.notifications.services import notify

NOT_ALLOWED = "您没有权限进行此操作。"
LEVEL_OF = {
    Level.PROVINCE: AdoptionLevel.PROVINCE,
    Level.CITY: AdoptionLevel.CITY,
    Level.COUNTY: AdoptionLevel.COUNTY,
    Level.TOWNSHIP: AdoptionLevel.COUNTY,
}


def _require_editor(actor: User, entry: DeskEntry) -> None:
    if not permissions.can_edit_at_desk(actor, entry.desk) or entry.classification > actor.clearance:
        raise ServiceError(NOT_ALLOWED, code="forbidden")


def _reason(reason: str) -> str:
    return text.clean_title(reason)[:500]


def entry_url(entry: DeskEntry) -> str:
    return f"/desk/entries/{entry.pk}/"


def chain_below(entry: DeskEntry) -> list[DeskEntry]:
    """The entries this one came from, down to the first desk (nearest first)."""
    below, current = [], entry
    while current.forwarded_from_id is not None:
        current = DeskEntry.objects.select_related("desk", "assignee").get(pk=current.forwarded_from_id)
        below.append(current)
    return below


def _notify_below(entry: DeskEntry, kind: str, **detail: str) -> None:
    """Tell everyone below an entry what happened: each desk below gets a link to its own
    entry, the writers of the original items a link to their item's feedback page."""
    for lower in chain_below(entry):
        notify(users=_desk_people(lower), kind=kind, obj=entry, url=entry_url(lower), detail=detail)
    for item, _unit in credited_items(entry):
        notify(users=[item.created_by], kind=kind, obj=entry, url=f"/items/{item.pk}/", detail=detail)


def _desk_people(entry: DeskEntry) -> Iterable[User]:
    if entry.assignee is not None:
        return [entry.assignee]
    return User.objects.filter(unit=entry.desk.unit, role_grants__role=Role.DESK_CHIEF, is_active=True)


def credited_items(entry: DeskEntry) -> list[tuple[Item, Unit]]:
    """The original items (and their units) an entry stands for: itself, or a combined item's sources."""
    root = entry
    while root.forwarded_from_id is not None:
        root = DeskEntry.objects.get(pk=root.forwarded_from_id)
    sources = list(DeskEntry.objects.filter(combined_into__combined=root).select_related("item__unit", "item"))
    if not sources:
        item = Item.objects.select_related("unit", "created_by").get(pk=root.item_id)
        return [(item, item.unit)]
    found: list[tuple[Item, Unit]] = []
    for source in sources:
        for pair in credited_items(source):
            if pair[0].pk not in {f[0].pk for f in found}:
                found.append(pair)
    return found


# --- screening ---


@transaction.atomic
def entry_open(*, actor: User, entry: DeskEntry) -> DeskEntry:
    """Mark the entry read by this user; a new entry becomes 处理中."""
    from xinxi.items.models import EntryRead

    if entry.desk_id != getattr(permissions.desk_of(actor), "pk", None):
        raise ServiceError(NOT_ALLOWED, code="forbidden")
    _mark, first_read = EntryRead.objects.get_or_create(entry=entry, user=actor)
    opened = entry.state == EntryState.NEW and permissions.can_edit_at_desk(actor, entry.desk)
    if opened:
        transition(entry, "open", actor)
    if first_read or opened:  # a later look writes nothing, so it leaves no row either
        audit_record(actor=actor, action="entry_open", obj=entry, detail={"opened": opened})
    return entry


@transaction.atomic
def entry_assign(*, actor: User, entry: DeskEntry, editor: User | None) -> DeskEntry:
    _require_editor(actor, entry)
    if editor is not None and not (
        editor.unit_id == entry.desk.unit_id and editor.has_role(Role.EDITOR, Role.DESK_CHIEF)
    ):
        raise ServiceError("只能分配给本科室的编辑。")
    DeskEntry.objects.filter(pk=entry.pk).update(assignee=editor, updated_at=timezone.now())
    entry.assignee = editor
    name = str(editor) if editor else "（无）"
    record_event(entry, actor, "assign", entry.state, entry.state, f"责任编辑：{name}")
    audit_record(actor=actor, action="entry_assign", obj=entry, detail={"editor": editor.pk if editor else None})
    if editor is not None and editor.pk != actor.pk:
        notify(users=[editor], kind=K.ENTRY_ASSIGNED, obj=entry, url=entry_url(entry))
    return entry


@transaction.atomic
def entry_return(*, actor: User, entry: DeskEntry, reason: str) -> DeskEntry:
    """退回修改: the sender revises and resubmits; this desk gets the new round."""
    _require_editor(actor, entry)
    if entry.source not in {EntrySource.DIRECT, EntrySource.POINT}:
        raise ServiceError("只有报送单位直接报来的信息才能退回修改；转报或综合的信息请“不采用”。")
    transition(entry, "return", actor, _reason(reason))
    item = Item.objects.get(pk=entry.item_id)
    if item.state == ItemState.SUBMITTED:  # another desk may have returned it already
        item_transition(item, "desk_return", actor, reason=f"{entry.desk.name}：{_reason(reason)}")
    audit_record(actor=actor, action="entry_return", obj=entry, detail={"reason": reason})
    _notify_below(entry, K.ENTRY_RETURNED, reason=_reason(reason))
    return entry


@transaction.atomic
def entry_preadopt(*, actor: User, entry: DeskEntry) -> DeskEntry:
    _require_editor(actor, entry)
    transition(entry, "preadopt", actor)
    audit_record(actor=actor, action="entry_preadopt", obj=entry)
    return entry


@transaction.atomic
def entry_not_adopt(*, actor: User, entry: DeskEntry, reason: str) -> DeskEntry:
    _require_editor(actor, entry)
    transition(entry, "not_adopt", actor, _reason(reason))
    audit_record(actor=actor, action="entry_not_adopt", obj=entry, detail={"reason": reason})
    _notify_below(entry, K.ENTRY_NOT_ADOPTED)
    return entry


@transaction.atomic
def entry_reconsider(*, actor: User, entry: DeskEntry) -> DeskEntry:
    _require_editor(actor, entry)
    transition(entry, "reconsider", actor, duplicate_of=None)
    audit_record(actor=actor, action="entry_reconsider", obj=entry)
    return entry


@transaction.atomic
def entry_mark_duplicate(*, actor: User, entry: DeskEntry, of: DeskEntry, reason: str = "") -> DeskEntry:
    _require_editor(actor, entry)
    if of.desk_id != entry.desk_id or of.pk == entry.pk:
        raise ServiceError("只能标记为本科室另一条信息的重复。")
    transition(entry, "duplicate", actor, _reason(reason) or "与本科室另一条信息重复", duplicate_of=of)
    audit_record(actor=actor, action="entry_duplicate", obj=entry, detail={"of": of.pk})
    return entry


# --- verification (核实) ---


def open_verifications(entry: DeskEntry) -> bool:
    return entry.verifications.filter(outcome=VerificationOutcome.OPEN).exists()


def _check_verified(entry: DeskEntry, doing: str) -> None:
    if entry.major_event and open_verifications(entry):
        raise ServiceError(f"该信息涉及重大事件，核实尚未完成，不能{doing}。")


@transaction.atomic
def verification_request(
    *, actor: User, entry: DeskEntry, method: str, question: str, related_unit: Unit | None = None
) -> Verification:
    _require_editor(actor, entry)
    if method not in VerificationMethod.values:
        raise ServiceError("未知的核实方式。")
    question = _reason(question)
    if not question:
        raise ServiceError("请写明需要核实的内容。")
    if method == VerificationMethod.RELATED and related_unit is None:
        raise ServiceError("向相关单位核实须选择单位。")
    verification = Verification.objects.create(
        entry=entry, method=method, question=question, related_unit=related_unit, requested_by=actor
    )
    record_event(entry, actor, "verify", entry.state, entry.state, f"{verification.get_method_display()}：{question}")
    audit_record(actor=actor, action="verification_request", obj=entry, detail={"method": method})
    if method == VerificationMethod.SENDER:
        _notify_below(entry, K.ENTRY_VERIFY, question=question)
    return verification


@transaction.atomic
def verification_close(*, actor: User, verification: Verification, outcome: str, note: str) -> Verification:
    entry = verification.entry
    _require_editor(actor, entry)
    if outcome not in VerificationOutcome.values or outcome == VerificationOutcome.OPEN:
        raise ServiceError("请选择核实结果。")
    updated = Verification.objects.filter(pk=verification.pk, outcome=VerificationOutcome.OPEN).update(
        outcome=outcome, outcome_note=_reason(note), closed_by=actor, closed_at=timezone.now()
    )
    if not updated:
        raise ServiceError("该核实已经办结。")
    verification.refresh_from_db()
    record_event(
        entry,
        actor,
        "verified",
        entry.state,
        entry.state,
        f"核实结果：{verification.get_outcome_display()}。{verification.outcome_note}",
    )
    audit_record(actor=actor, action="verification_close", obj=entry, detail={"outcome": outcome})
    return verification


@transaction.atomic
def entry_set_major_event(*, actor: User, entry: DeskEntry, major: bool) -> DeskEntry:
    _require_editor(actor, entry)
    DeskEntry.objects.filter(pk=entry.pk).update(major_event=major)
    entry.major_event = major
    record_event(
        entry, actor, "major_event", entry.state, entry.state, "标记为涉及重大事件" if major else "取消重大事件标记"
    )
    audit_record(actor=actor, action="entry_major_event", obj=entry, detail={"major": major})
    return entry


# --- editing (加工) ---


@transaction.atomic
def entry_edit(*, actor: User, entry: DeskEntry, version: int, title: str, body: str, note: str = "") -> EntryVersion:
    """Save the desk's new version. Saving over a version someone else has replaced fails loudly."""
    _require_editor(actor, entry)
    if entry.state in {EntryState.COMBINED, EntryState.DUPLICATE, EntryState.RETURNED}:
        raise ServiceError(f"该信息当前为“{entry.get_state_display()}”，不能编辑。")
    title, body = text.clean_title(title), text.clean_body(body)
    text.check_for_submission(title, body)
    updated = DeskEntry.objects.filter(pk=entry.pk, version=version).update(
        title=title, body=body, version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        latest = DeskEntry.objects.get(pk=entry.pk)
        who = latest.versions.order_by("-number").first()
        by = f"（{who.created_by} 于 {timezone.localtime(who.created_at):%H:%M} 保存了新版本）" if who else ""
        raise ConflictError(f"保存失败：您编辑的不是最新版本{by}。请刷新查看最新内容后再修改，您的修改未保存。")
    entry.title, entry.body, entry.version = title, body, version + 1
    edited = EntryVersion.objects.create(
        entry=entry, number=entry.version, title=title, body=body, note=text.clean_title(note)[:200], created_by=actor
    )
    record_event(entry, actor, "edit", entry.state, entry.state, f"保存第 {entry.version} 版")
    archive_docs.index_entry(entry)
    audit_record(actor=actor, action="entry_edit", obj=entry, detail={"version": entry.version})
    return edited


# --- combining (综合) ---


@transaction.atomic
def entry_combine(*, actor: User, entries: Sequence[DeskEntry], title: str, body: str) -> DeskEntry:
    """Write one comprehensive item from several entries of the desk; each source stays linked."""
    if len(entries) < 2:
        raise ServiceError("综合信息至少需要两条来源信息。")
    desk = entries[0].desk
    for entry in entries:
        _require_editor(actor, entry)
        if entry.desk_id != desk.pk:
            raise ServiceError("只能综合本科室的信息。")
        _check_verified(entry, "综合")
    title, body = text.clean_title(title), text.clean_body(body)
    text.check_for_submission(title, body)
    classification = max(e.classification for e in entries)
    urgency = max(e.urgency for e in entries)
    now = timezone.now()
    item = Item.objects.create(
        unit=desk.unit,
        created_by=actor,
        title=title,
        body=body,
        category=Category.COMPREHENSIVE,
        tone=entries[0].tone,
        classification=classification,
        urgency=urgency,
        combined_at=desk,
        state=ItemState.SUBMITTED,
        submitted_at=now,
        writer_name=actor.full_name,
    )
    submission = Submission.objects.create(
        item=item,
        round=1,
        receipt_no=f"ZH{timezone.localdate():%Y%m%d}-{item.pk:07d}-1",
        title=title,
        body=body,
        category=item.category,
        tone=item.tone,
        classification=classification,
        urgency=urgency,
        writer_name=item.writer_name,
        submitted_by=actor,
    )
    combined = DeskEntry.objects.create(
        desk=desk,
        item=item,
        submission=submission,
        origin_unit=desk.unit,
        source=EntrySource.COMBINED,
        received_title=title,
        received_body=body,
        title=title,
        body=body,
        classification=classification,
        urgency=urgency,
        category=item.category,
        tone=item.tone,
        received_at=now,
        state=EntryState.READ,
        assignee=actor,
        major_event=any(e.major_event for e in entries),
    )
    record_event(combined, actor, "combined", "", EntryState.READ, f"由 {len(entries)} 条信息综合")
    for entry in entries:
        CombinedSource.objects.create(combined=combined, source=entry)
        transition(entry, "combine", actor, f"综合进“{title}”")
    archive_docs.index_entry(combined)
    audit_record(actor=actor, action="entry_combine", obj=combined, detail={"sources": [e.pk for e in entries]})
    for entry in entries:
        _notify_below(entry, K.ENTRY_COMBINED)
    return combined


# --- forwarding (转报) ---


@transaction.atomic
def entry_forward(*, actor: User, entry: DeskEntry, note: str = "") -> DeskEntry:
    """Send this desk's current version to the parent desk, which receives a linked entry."""
    _require_editor(actor, entry)
    if entry.state in {EntryState.NEW, EntryState.RETURNED, EntryState.NOT_ADOPTED, EntryState.DUPLICATE}:
        raise ServiceError(f"该信息当前为“{entry.get_state_display()}”，不能转报。")
    _check_verified(entry, "转报")
    if entry.forwarded_at is not None:
        raise ServiceError("该信息已经转报过。")
    target = parent_desk(entry.desk.unit)
    if target is None:
        raise ServiceError("本科室没有上级信息科室，无法转报；国办、中办采用请手工录入采用记录。")
    if DeskEntry.objects.filter(desk=target, item=entry.item).exists():
        raise ServiceError(f"{target.name}已经直接收到该信息（直报），无需转报。")
    now = timezone.now()
    upper = DeskEntry.objects.create(
        desk=target,
        item=entry.item,
        submission=entry.submission,
        origin_unit=entry.origin_unit,
        source=EntrySource.FORWARDED,
        forwarded_from=entry,
        **received_text(entry),
        major_event=entry.major_event,
        received_at=now,
    )
    record_event(upper, actor, "receive", "", EntryState.NEW, f"{entry.desk.name}转报。{_reason(note)}")
    DeskEntry.objects.filter(pk=entry.pk).update(forwarded_at=now)
    entry.forwarded_at = now
    record_event(entry, actor, "forward", entry.state, entry.state, f"转报{target.name}。{_reason(note)}")
    archive_docs.index_entry(upper)
    audit_record(actor=actor, action="entry_forward", obj=entry, detail={"to": target.pk, "entry": upper.pk})
    editors = User.objects.filter(
        unit=target.unit, role_grants__role__in=[Role.EDITOR, Role.DESK_CHIEF], is_active=True
    ).distinct()
    hooks.ENTRY_FORWARDED.fire(actor=actor, entry=entry, upper=upper)
    notify(users=editors, kind=K.ENTRY_FORWARDED, obj=upper, url=entry_url(upper))
    _notify_below(upper, K.ENTRY_FORWARDED_UP)
    return upper


# --- adoption (采用) ---


@transaction.atomic
def adoption_record(
    *,
    actor: User,
    entry: DeskEntry,
    publication: str,
    issue_no: str,
    adopted_on: dt.date,
    kind: str,
    external_level: str | None = None,
    issue: Any = None,
) -> list[Adoption]:
    """Record that the entry was adopted: one record per credited unit (综合采用 per source).

    ``external_level`` is for adoption outside the system (国办/中办/省办 采用), entered by
    hand by the desk that forwarded the item there. ``issue`` links the records to the
    periodical issue that carried the entry.
    """
    _require_editor(actor, entry)
    publication = text.clean_title(publication)[:100]
    if not publication:
        raise ServiceError("请填写采用刊物的名称。")
    if kind not in AdoptionKind.values:
        raise ServiceError("未知的采用方式。")
    if adopted_on > timezone.localdate():
        raise ServiceError("采用日期不能晚于今天。")
    if external_level is not None and external_level not in AdoptionLevel.values:
        raise ServiceError("未知的采用层级。")
    _check_verified(entry, "采用")
    credited = credited_items(entry)
    sources = len(credited) > 1 or entry.source == EntrySource.COMBINED
    records = [
        Adoption.objects.create(
            entry=entry,
            item=item,
            unit=unit,
            desk=None if external_level else entry.desk,
            level=external_level or LEVEL_OF[Level(entry.desk.unit.level)],
            publication=publication,
            issue_no=text.clean_title(issue_no)[:50],
            adopted_on=adopted_on,
            kind=AdoptionKind.COMBINED if sources else kind,
            external=external_level is not None,
            created_by=actor,
            issue=issue,
        )
        for item, unit in credited
    ]
    if issue is not None:  # the archive finds the issue by its text, and the items by the periodical
        archive_docs.index_carried(issue=issue, entry=entry)
    if entry.state != EntryState.ADOPTED:
        transition(entry, "adopt", actor, f"{publication} {issue_no}")
    else:
        record_event(entry, actor, "adopt", entry.state, entry.state, f"{publication} {issue_no}")
    audit_record(
        actor=actor,
        action="adoption_record",
        obj=entry,
        detail={"publication": publication, "issue": issue_no, "external": external_level is not None},
    )
    hooks.ADOPTION_RECORDED.fire(actor=actor, entry=entry, adoptions=records)
    where = f"《{publication.strip('《》')}》{issue_no}"
    _notify_below(entry, K.ENTRY_ADOPTED, where=where)
    return records


@transaction.atomic
def adoption_withdraw(*, actor: User, entry: DeskEntry, adoption: Adoption, reason: str) -> list[Adoption]:
    """撤销采用: withdraw a recorded adoption (and the records it made for the other sources).

    The records stay, marked withdrawn with who, when and why; the points they earned
    are reversed in the ledger (``scoring``), never edited away.
    """
    _require_editor(actor, entry)
    reason = _reason(reason)
    if not reason:
        raise ServiceError("请填写撤销采用的理由。")
    if adoption.entry_id != entry.pk:
        raise ServiceError("该采用记录不属于这条信息。", code="not_found")
    group = list(
        Adoption.objects.select_for_update()
        .filter(entry=entry, publication=adoption.publication, issue_no=adoption.issue_no, withdrawn_at__isnull=True)
        .order_by("pk")
    )
    if not group:
        raise ServiceError("该采用记录已经撤销。")
    now = timezone.now()
    Adoption.objects.filter(pk__in=[a.pk for a in group]).update(
        withdrawn_at=now, withdrawn_by=actor, withdrawn_reason=reason
    )
    for record in group:
        record.withdrawn_at, record.withdrawn_by, record.withdrawn_reason = now, actor, reason
    record_event(entry, actor, "withdraw_adoption", entry.state, entry.state, f"撤销{adoption}：{reason}")
    audit_record(
        actor=actor,
        action="adoption_withdraw",
        obj=entry,
        detail={"adoptions": [a.pk for a in group], "reason": reason},
    )
    hooks.ADOPTION_WITHDRAWN.fire(actor=actor, adoptions=group, reason=reason)
    return group
