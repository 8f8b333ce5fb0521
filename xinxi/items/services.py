"""A unit's side of an item: drafting, attachments, sign-off (签发) and submission (报送).

Every function takes the acting user and keyword-only arguments, runs in one
transaction, writes an audit record and raises ``ServiceError`` in Chinese.
Submission is acknowledged (a receipt number) only after commit, and a retry with
the same idempotency key returns the first acknowledgement instead of a second item.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from xinxi.accounts.models import Role, RoleGrant, User, with_roles
from xinxi.audit.services import audit_batch, audit_record
from xinxi.items import archive_docs, hooks, permissions, text, workflow
from xinxi.items.attachments import store_attachment
from xinxi.items.models import (
    DRAFT_FIELDS,
    Attachment,
    Category,
    DeskEntry,
    EntrySource,
    EntryState,
    Item,
    ItemState,
    Submission,
    Tag,
    Tone,
    received_text,
)
from xinxi.items.workflow import SENDABLE, item_transition, record_event, record_received
from xinxi.lib.choices import Classification, Urgency
from xinxi.lib.compiled import Compiled
from xinxi.lib.errors import ConflictError, ServiceError
from xinxi.network.models import Desk, DirectPoint
from xinxi.network.permissions import know_desk
from xinxi.notifications.models import NotificationKind as K
from xinxi.notifications.services import notify

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

NOT_ALLOWED = "您没有权限进行此操作。"
MAX_TAGS = 10


def _require(allowed: bool) -> None:
    if not allowed:
        raise ServiceError(NOT_ALLOWED, code="forbidden")


def _check_choices(*, category: str, tone: str, classification: int, urgency: int, actor: User) -> None:
    if category not in Category.values:
        raise ServiceError("未知的信息类别。")
    if tone not in Tone.values:
        raise ServiceError("未知的基调。")
    if urgency not in Urgency.values:
        raise ServiceError("未知的紧急程度。")
    if classification not in Classification.values:
        raise ServiceError("未知的密级。")
    if classification > actor.clearance:
        raise ServiceError("信息密级不能高于您本人的涉密等级。")


def _clean_tags(names: Iterable[str]) -> list[str]:
    cleaned = []
    for name in names:
        name = text.clean_title(name)[:30]
        if name and name not in cleaned:
            cleaned.append(name)
    if len(cleaned) > MAX_TAGS:
        raise ServiceError(f"标签最多 {MAX_TAGS} 个。")
    return cleaned


def _set_tags(item: Item, names: list[str]) -> None:
    tags = []
    for name in names:
        tag, _ = Tag.objects.get_or_create(name=name)
        tags.append(tag)
    item.tags.set(tags)


def _apply(item: Item, actor: User, fields: dict[str, Any]) -> list[str]:
    """Clean and set the draft fields present in ``fields``; returns tag names if given."""
    if "title" in fields:
        fields["title"] = text.clean_title(fields["title"])
    if "body" in fields:
        fields["body"] = text.clean_body(fields["body"])
    for name in DRAFT_FIELDS:
        if name in fields:
            setattr(item, name, fields[name])
    item.writer_name = text.clean_title(item.writer_name)[:50]
    item.writer_phone = text.clean_title(item.writer_phone)[:30]
    text.check_lengths(item.title, item.body)
    _check_choices(
        category=item.category, tone=item.tone, classification=item.classification, urgency=item.urgency, actor=actor
    )
    return _clean_tags(fields.get("tags") or [])


@transaction.atomic
def item_create(*, actor: User, **fields: Any) -> Item:
    """A new draft of the actor's unit. Any of the draft fields and ``tags`` may be given."""
    return _create(actor, fields)


def _create(actor: User, fields: dict[str, Any]) -> Item:
    item, tags = _new(actor, fields)
    item.save()
    _created(actor, item, tags)
    return item


def _new(actor: User, fields: dict[str, Any]) -> tuple[Item, list[Any]]:
    """A draft of the actor's unit, checked but not written yet, and its tags."""
    _require(permissions.can_write_items(actor))
    item = Item(unit=actor.unit, created_by=actor, writer_name=actor.full_name, writer_phone=actor.phone)
    return item, _apply(item, actor, fields)


def _created(actor: User, item: Item, tags: list[Any]) -> None:
    """What follows the insert of a new item: its tags and the audit record."""
    if tags:  # a new item has none to clear
        _set_tags(item, tags)
    audit_record(actor=actor, action="item_create", obj=item)


@transaction.atomic
def item_update(*, actor: User, item: Item, version: int | None, **fields: Any) -> Item:
    """Save a draft (also what autosave calls). A stale ``version`` raises ``ConflictError``."""
    _require(permissions.visible_items(actor).filter(pk=item.pk).exists())
    if not item.is_editable:
        raise ServiceError(f"该信息{item.get_state_display()}，不能修改。")
    expected = item.version if version is None else version
    classification = item.classification
    tags = _apply(item, actor, dict(fields))
    updated = Item.objects.filter(pk=item.pk, version=expected, state=item.state).update(
        version=F("version") + 1, **{k: getattr(item, k) for k in DRAFT_FIELDS}, updated_at=timezone.now()
    )
    if not updated:
        raise ConflictError("该信息已在别处修改（或已送签、报送），请刷新后再改。")
    item.version = expected + 1
    if "tags" in fields:
        _set_tags(item, tags)
    if item.classification != classification and item.submitted_at is not None:
        archive_docs.index_item(item)  # the sent rounds are seen at the item's current classification
    audit_record(actor=actor, action="item_update", obj=item, detail={"version": item.version})
    return item


@transaction.atomic
def item_discard(*, actor: User, item: Item) -> None:
    """Delete a draft that never left the unit."""
    _require(permissions.visible_items(actor).filter(pk=item.pk).exists())
    if item.submissions.exists() or item.state not in SENDABLE - {ItemState.RETURNED}:
        raise ServiceError("已报送过的信息不能删除。")
    audit_record(actor=actor, action="item_discard", obj=item)
    for attachment in item.attachments.all():
        attachment.file.delete(save=False)
    item.delete()


@transaction.atomic
def attachment_add(*, actor: User, item: Item, upload: UploadedFile) -> Attachment:
    _require(permissions.visible_items(actor).filter(pk=item.pk).exists())
    if not item.is_editable:
        raise ServiceError("该信息已报送，不能再添加附件。")
    attachment = store_attachment(item=item, upload=upload, actor=actor)
    audit_record(actor=actor, action="attachment_add", obj=item, detail={"name": attachment.name})
    return attachment


@transaction.atomic
def attachment_remove(*, actor: User, attachment: Attachment) -> None:
    item = attachment.item
    _require(permissions.visible_items(actor).filter(pk=item.pk).exists())
    if not item.is_editable:
        raise ServiceError("该信息已报送，附件不能删除。")
    audit_record(actor=actor, action="attachment_remove", obj=item, detail={"name": attachment.name})
    attachment.file.delete(save=False)
    attachment.delete()


# --- sign-off (签发) ---


def _approvers(item: Item) -> Iterable[User]:
    return User.objects.filter(unit_id=item.unit_id, role_grants__role=Role.APPROVER, is_active=True)


@transaction.atomic
def item_request_signoff(*, actor: User, item: Item, version: int | None = None) -> Item:
    _require(permissions.visible_items(actor).filter(pk=item.pk).exists())
    refusal = workflow.item_machine.refusal(item, "request_signoff", actor)
    if refusal is not None:
        raise refusal
    text.check_for_submission(item.title, item.body)
    item_transition(item, "request_signoff", actor, version=version)
    audit_record(actor=actor, action="item_request_signoff", obj=item)
    notify(users=_approvers(item), kind=K.ITEM_SIGNOFF_REQUESTED, obj=item, url=f"/items/{item.pk}/")
    return item


@transaction.atomic
def item_return_signoff(*, actor: User, item: Item, reason: str) -> Item:
    _require(actor.has_role(Role.APPROVER) and actor.unit_id == item.unit_id)
    _require(permissions.visible_items(actor).filter(pk=item.pk).exists())
    reason = text.clean_title(reason)[:300]
    if not reason:
        raise ServiceError("退回须填写理由。")
    item_transition(item, "return_signoff", actor, reason=reason, signoff_reason=reason)
    audit_record(actor=actor, action="item_return_signoff", obj=item, detail={"reason": reason})
    notify(
        users=[item.created_by], kind=K.ITEM_SIGNOFF_RETURNED, obj=item, url=f"/items/{item.pk}/",
        detail={"reason": reason},
    )
    return item


# --- submission (报送) ---


def _desks_for(unit_id: int, ancestors: list[int]) -> QuerySet[Desk]:
    point = DirectPoint.objects.filter(desk=OuterRef("pk"), unit_id=unit_id, revoked_on__isnull=True)
    return (
        Desk.objects.filter(active=True)
        .select_related("unit")
        .annotate(is_point=Exists(point))
        .filter(Q(unit_id__in=ancestors) | Q(is_point=True))
        .order_by("pk")
    )


# Compiled once per process: it runs on every submission (a unit is 1–5 levels deep, or a point of a few desks).
_target_desks = Compiled(Desk, _desks_for, warm=[(0, list(range(1, depth + 1))) for depth in range(1, 6)])


def target_desks(item: Item) -> list[tuple[Desk, str]]:
    """Where a first submission goes: the parent desk (the nearest active desk above the
    unit, as ``network.services.parent_desk``), and every desk the unit is a point of.

    One query: the active desks of the unit's ancestors and the desks it is a point of.
    """
    ancestors = item.unit.ancestor_ids
    desks = _target_desks(item.unit_id, list(ancestors))
    depth = {unit_id: i for i, unit_id in enumerate(ancestors)}
    above = [d for d in desks if d.unit_id in depth]
    parent = max(above, key=lambda d: depth[d.unit_id]) if above else None
    targets: list[tuple[Desk, str]] = [(parent, EntrySource.DIRECT)] if parent is not None else []
    targets += [(d, EntrySource.POINT) for d in desks if d.is_point and d is not parent]  # type: ignore[attr-defined]
    return targets


def _receipt_no(item: Item, round_no: int) -> str:
    return f"XX{timezone.localdate():%Y%m%d}-{item.pk:07d}-{round_no}"


def item_submit(
    *, actor: User, item: Item, version: int | None = None, idempotency_key: str | None = None
) -> Submission:
    """Send the item to its desks; returns the (possibly earlier, for a retry) submission."""
    key = (idempotency_key or "").strip()[:80] or None
    archive_docs.segment_ahead(item.title, item.body)
    try:
        with transaction.atomic():
            return _submit(actor=actor, item=item, version=version, key=key)
    except (IntegrityError, ServiceError):
        # A retry (double click, resent API call) whose twin already went through gets
        # the twin's receipt; anything else is a real refusal.
        earlier = _earlier(actor, key)
        if earlier is None:
            raise
        return earlier


def item_create_and_submit(*, actor: User, idempotency_key: str | None = None, **fields: Any) -> Submission:
    """A new item sent at once, in one transaction: either both happen or neither.

    With an idempotency key a retry gets the first receipt and makes no second item (and
    a refused submission leaves no draft behind).
    """
    key = (idempotency_key or "").strip()[:80] or None
    try:
        # One transaction, no savepoints, and the request's audit records in one insert.
        # The key is checked once, by its unique index when the round is written: a retry
        # (rare) does the work again, is rolled back and gets the first receipt. The draft is
        # checked and its text segmented before the transaction: nothing is written yet, and
        # SQLite holds its write lock from the transaction's start.
        item, tags = _new(actor, dict(fields))
        archive_docs.segment_ahead(item.title, item.body)
        with transaction.atomic(), audit_batch():
            return _submit(actor=actor, item=item, version=None, key=key, fresh=True, tags=tags)
    except (IntegrityError, ServiceError):
        # A retry whose twin went through (or is committing now: the index waits for it)
        # gets the twin's receipt; anything else is a real refusal.
        earlier = _earlier(actor, key)
        if earlier is None:
            raise
        return earlier


def earlier_submission(actor: User, key: str | None) -> Submission | None:
    """The actor's submission made with this idempotency key, if any (a retry's receipt)."""
    return _earlier(actor, (key or "").strip()[:80] or None)


# Compiled once per process (``lib.compiled``): every submission with a key asks it.
_by_key = Compiled(
    Submission,
    lambda user_id, key: Submission.objects.filter(submitted_by_id=user_id, idempotency_key=key).order_by("pk")[:1],
    warm=[(0, "key")],
)


def _earlier(actor: User, key: str | None) -> Submission | None:
    if key is None:
        return None
    found = _by_key(actor.pk, key)
    return found[0] if found else None


def _submit(
    *, actor: User, item: Item, version: int | None, key: str | None, fresh: bool = False, tags: list[Any] | None = None
) -> Submission:
    """Send ``item`` (inside a transaction); ``fresh``: the actor created it a moment ago in
    this transaction (a first round of a draft the actor can see, no earlier key, nothing
    else refers to it yet), so those checks are known."""
    if not fresh:
        _require(permissions.visible_items(actor).filter(pk=item.pk).exists())
        earlier = _earlier(actor, key)
        if earlier is not None:
            return earlier
        item.refresh_from_db()
    unit = item.unit
    signing = item.state == ItemState.PENDING_SIGNOFF
    action = "sign" if signing else "submit"
    refusal = workflow.item_machine.refusal(item, action, actor)
    if refusal is not None:
        raise refusal
    if not signing and unit.requires_signoff and not actor.has_role(Role.APPROVER):
        raise ServiceError("本单位规定信息须经签发人签发后报送，请先“送签”。")
    text.check_for_submission(item.title, item.body)
    resubmission = not fresh and (
        item.state == ItemState.RETURNED or (signing and item.entries.filter(state=EntryState.RETURNED).exists())
    )
    if resubmission:
        returned = list(item.entries.filter(state=EntryState.RETURNED).select_related("desk__unit"))
        targets = [(e.desk, e.source) for e in returned]
    else:
        targets = target_desks(item)
    if not targets:
        raise ServiceError("本单位没有上级信息科室，也不是任何科室的直报点，无处报送。")
    round_no = 1 if fresh else item.submissions.count() + 1
    if item.pk is None:  # created in this request: written once, already sent
        workflow.item_machine.insert(item, action, actor, reason="第 1 轮", submitted_at=timezone.now())
        _created(actor, item, tags or [])
    else:
        item_transition(
            item,
            action,
            actor,
            reason=f"第 {round_no} 轮",
            version=version,
            submitted_at=item.submitted_at or timezone.now(),
        )
    submission = Submission.objects.create(
        item=item,
        round=round_no,
        receipt_no=_receipt_no(item, round_no),
        title=item.title,
        body=item.body,
        category=item.category,
        tone=item.tone,
        classification=item.classification,
        urgency=item.urgency,
        writer_name=item.writer_name,
        writer_phone=item.writer_phone,
        event_time=item.event_time,
        submitted_by=actor,
        signed_off_by=actor if signing or actor.has_role(Role.APPROVER) else None,
        idempotency_key=key,
    )
    now = timezone.now()
    if resubmission:
        archive_docs.index_submission(submission)
        for entry in returned:
            _receive_round(entry, submission, actor, now)
    else:
        # Entries, their history rows and every search document: one insert each.
        entries = DeskEntry.objects.bulk_create(
            DeskEntry(
                desk=desk,
                item=item,
                submission=submission,
                origin_unit=unit,
                source=source,
                **received_text(submission),
                major_event=item.major_event,
                received_at=now,
            )
            for desk, source in targets
        )
        record_received(entries, actor, f"回执号 {submission.receipt_no}")
        if round_no == 1:
            archive_docs.index_first_round(submission, item, entries)
        else:  # a later round after a withdrawal: earlier rounds and carried keys to follow
            archive_docs.index_submission(submission)
            for entry in entries:
                archive_docs.index_entry(entry)
    audit_record(
        actor=actor,
        action="item_submit",
        obj=item,
        detail={"receipt": submission.receipt_no, "round": round_no, "desks": [d.pk for d, _ in targets]},
    )
    submission.reached_desks = [d for d, _ in targets]
    notify(users=_desk_editors(submission.reached_desks), kind=K.ITEM_RECEIVED, obj=submission, url="/desk/")
    hooks.ITEM_SUBMITTED.fire(actor=actor, item=item, submission=submission, fresh=fresh)
    return submission


def _receive_round(entry: DeskEntry, submission: Submission, actor: User, now: dt.datetime) -> None:
    """A revised round reaches a desk that returned the item: it starts over there."""
    DeskEntry.objects.filter(pk=entry.pk).update(
        submission=submission,
        state=EntryState.NEW,
        **received_text(submission),
        received_at=now,
        version=F("version") + 1,
    )
    entry.refresh_from_db()
    record_event(entry, actor, "resubmit", EntryState.RETURNED, EntryState.NEW, f"第 {submission.round} 轮报送")
    archive_docs.index_entry(entry)


def _editors_of(unit_ids: list[int]) -> QuerySet[User]:
    editing = RoleGrant.objects.filter(user=OuterRef("pk"), role__in=[Role.EDITOR, Role.DESK_CHIEF])
    return with_roles(User.objects.filter(Exists(editing), unit_id__in=unit_ids, is_active=True))


_editors = Compiled(User, _editors_of, warm=[(list(range(1, n + 1)),) for n in range(1, 4)])


def _desk_editors(desks: list[Desk]) -> list[User]:
    """The editors and chiefs of the desks, with their roles and their desk (what the
    visibility check of the 新收信息 notification reads): one query."""
    users = _editors([d.unit_id for d in desks])
    own: dict[int | None, Desk] = {d.unit_id: d for d in desks}  # a unit has at most one desk
    for user in users:
        know_desk(user, own[user.unit_id] if own[user.unit_id].active else None)
    return users
