"""A reporting unit's pages: 我的信息, drafting, sign-off (签发), submission and feedback (反馈).

Only the unit's reporters and approvers use these pages; anyone else gets 404, the
same as for a missing item. Every read goes through ``items.permissions``; every
write is a service call.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from typing import Any

import jieba
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from xinxi.accounts.models import Role
from xinxi.instructions import selectors as instruction_selectors
from xinxi.items import attachments, panels, permissions, services, text, workflow
from xinxi.items.forms import ItemForm, ReturnForm, initial_for, new_key, unchanged
from xinxi.items.models import (
    Adoption,
    Category,
    CombinedSource,
    DeskEntry,
    EntryEvent,
    EntrySource,
    EntryState,
    Item,
    ItemState,
    Submission,
)
from xinxi.lib.errors import ConflictError, ServiceError, error_text
from xinxi.lib.http import AuthedRequest
from xinxi.lib.listing import choice_param, paginate

PAGE_SIZE = 20
# The history a unit is shown of its item at a desk (assignment and reads stay internal).
SHOWN_EVENTS = {
    "receive": "收到",
    "resubmit": "收到修改稿",
    "return": "退回修改",
    "preadopt": "预采用",
    "not_adopt": "不采用",
    "duplicate": "标记重复",
    "reconsider": "重新处理",
    "combine": "综合",
    "forward": "转报",
    "adopt": "采用",
    "verify": "请求核实",
    "verified": "核实办结",
}
# Reasons the services write with another entry's title in them (综合进“…”, 与“…”重复): that
# entry may be another unit's or above the user's clearance, so only the action is shown.
QUIET_REASONS = {"combine", "duplicate"}


def _require_unit_user(user: Any) -> None:
    if not permissions.can_write_items(user):
        raise Http404("未找到该页面")


def _is_approver(user: Any) -> bool:
    return permissions.can_write_items(user) and user.has_role(Role.APPROVER)


# --- 我的信息 ---


@login_required
def my_items(request: AuthedRequest) -> HttpResponse:
    user = request.user
    _require_unit_user(user)
    items = permissions.visible_items(user).filter(combined_at__isnull=True)
    state = choice_param(request, "state", ItemState.values)
    category = choice_param(request, "category", Category.values)
    if state:
        items = items.filter(state=state)
    if category:
        items = items.filter(category=category)
    entries = permissions.visible_entries(user).select_related("desk").order_by("received_at", "id")
    page = paginate(
        request,
        items.select_related("created_by")
        .prefetch_related(Prefetch("entries", queryset=entries, to_attr="desk_entries"))
        .annotate(rounds=Count("submissions"))
        .order_by("-updated_at", "-id"),
        PAGE_SIZE,
    )
    marks = panels.row_marks(user, list(page))
    for row in page:
        row.marks = marks.get(row.pk, "")
    pending = 0
    if _is_approver(user):
        pending = permissions.visible_items(user).filter(state=ItemState.PENDING_SIGNOFF).count()
    return render(
        request,
        "items/my_items.html",
        {
            "page": page,
            "state": state,
            "category": category,
            "states": ItemState.choices,
            "categories": Category.choices,
            "pending_signoff": pending,
            "is_approver": _is_approver(user),
        },
    )


# --- drafting ---


def _editable(request: AuthedRequest, pk: int) -> Item:
    item = permissions.get_item(request.user, pk)
    if item.combined_at_id is not None:
        raise Http404("未找到该信息")
    return item


@login_required
def item_new(request: AuthedRequest) -> HttpResponse:
    _require_unit_user(request.user)
    return _draft_page(request, None)


@login_required
def item_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    item = _editable(request, pk)
    if not item.is_editable:
        if request.method == "POST" and request.POST.get("action") == "submit":
            # A second click of 报送 whose first click already went through gets its receipt.
            return _already_done(request, item)
        messages.info(request, f"该信息{item.get_state_display()}，不能修改。")
        return redirect("item_detail", pk=item.pk)
    return _draft_page(request, item)


def _draft_page(request: AuthedRequest, item: Item | None) -> HttpResponse:
    user = request.user
    if request.method != "POST":
        form = ItemForm(initial=initial_for(item, user), user=user, item=item)
        return _render_draft(request, form, item)
    form = ItemForm(request.POST, user=user, item=item)
    action = request.POST.get("action", "save")
    if action == "import":
        return _import_body(request, form, item)
    if not form.is_valid():
        return _render_draft(request, form, item)
    if action == "submit":
        earlier = _earlier_submission(request)
        if earlier is not None:
            return _receipt(request, earlier)
    try:
        item = _save(request, form, item)
    except ConflictError as exc:
        if action == "submit" and (earlier := _earlier_submission(request)) is not None:
            return _receipt(request, earlier)
        form.add_error(None, f"{error_text(exc)} 您在本页的内容还在下面，请先复制保存，再刷新页面。")
        return _render_draft(request, form, item)
    except ServiceError as exc:
        _add_service_error(form, exc)
        return _render_draft(request, form, item)
    try:
        response = _after_save(request, form, item, action)
    except ServiceError as exc:
        # The draft was saved; show the refusal on the saved draft, keeping what was typed.
        form = _rebind(request, item)
        _add_service_error(form, exc)
        return _render_draft(request, form, item)
    return response


def _after_save(request: AuthedRequest, form: ItemForm, item: Item, action: str) -> HttpResponse:
    user = request.user
    panels.form_save(user, item, request.POST)
    upload = request.FILES.get("attachment")
    if upload is not None:
        attachment = services.attachment_add(actor=user, item=item, upload=upload)
        messages.success(request, f"已上传附件“{attachment.name}”。")
    elif action == "upload":
        raise ServiceError("请先选择要上传的附件文件。")
    if action.startswith("remove-"):
        found = item.attachments.filter(pk=_int(action.removeprefix("remove-"))).first()
        if found is not None:
            services.attachment_remove(actor=user, attachment=found)
            messages.success(request, f"已删除附件“{found.name}”。")
    if action == "submit":
        submission = services.item_submit(
            actor=user, item=item, version=item.version, idempotency_key=request.POST.get("idempotency_key") or None
        )
        return _receipt(request, submission)
    if action == "signoff":
        services.item_request_signoff(actor=user, item=item, version=item.version)
        messages.success(request, "已送签，等待本单位签发人签发。签发后自动报送。")
        return redirect("item_detail", pk=item.pk)
    if action == "save":
        messages.success(request, f"草稿已保存（{timezone.localtime():%H:%M:%S}）。")
    return redirect("item_edit", pk=item.pk)


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        return 0


def _save(request: AuthedRequest, form: ItemForm, item: Item | None) -> Item:
    fields = form.service_fields()
    if item is None:
        return services.item_create(actor=request.user, **fields)
    if unchanged(item, fields):
        return item
    return services.item_update(actor=request.user, item=item, version=form.cleaned_data["version"], **fields)


def _rebind(request: AuthedRequest, item: Item) -> ItemForm:
    """The posted form again, now against the saved draft's id and version."""
    data = request.POST.copy()
    data["version"] = str(item.version)
    form = ItemForm(data, user=request.user, item=item)
    form.is_valid()
    return form


def _add_service_error(form: ItemForm, exc: ServiceError) -> None:
    message = error_text(exc)
    if message.startswith("标题"):
        form.add_error("title", message)
    elif message.startswith("正文"):
        form.add_error("body", message)
    else:
        form.add_error(None, message)


def _earlier_submission(request: AuthedRequest) -> Submission | None:
    """The submission an earlier click of this very form made (same idempotency key)."""
    key = request.POST.get("idempotency_key", "").strip()[:80]
    if not key:
        return None
    return (
        Submission.objects.filter(
            submitted_by=request.user, idempotency_key=key, item__in=permissions.visible_items(request.user)
        )
        .select_related("item")
        .first()
    )


def _already_done(request: AuthedRequest, item: Item) -> HttpResponse:
    earlier = _earlier_submission(request)
    if earlier is not None:
        return _receipt(request, earlier)
    messages.error(request, f"该信息{item.get_state_display()}，不能再次报送。")
    return redirect("item_detail", pk=item.pk)


def _receipt(request: AuthedRequest, submission: Submission) -> HttpResponse:
    desks = [
        e.desk.name
        for e in permissions.visible_entries(request.user).filter(submission=submission).select_related("desk")
    ]
    where = f"，报送至：{'、'.join(desks)}" if desks else ""
    verb = "已签发并报送" if submission.signed_off_by_id == request.user.pk else "已报送"
    messages.success(request, f"{verb}，回执号 {submission.receipt_no}{where}。")
    return redirect("item_detail", pk=submission.item_id)


def _import_body(request: AuthedRequest, form: ItemForm, item: Item | None) -> HttpResponse:
    """Take a DOCX/TXT file's text into the body field; nothing is saved until the user saves."""
    upload = request.FILES.get("import_file")
    if upload is None:
        form.is_valid()
        form.add_error(None, "请先选择要导入正文的 DOCX 或 TXT 文件。")
        return _render_draft(request, form, item)
    try:
        imported = attachments.text_from_file(upload)
    except ServiceError as exc:
        message = error_text(exc)
    except Exception:  # a damaged DOCX can fail deep inside the XML parser
        message = f"无法读取“{upload.name}”的内容，文件可能已损坏。"
    else:
        message = ""
    if message:
        form.is_valid()
        form.add_error(None, message)
        return _render_draft(request, form, item)
    data = request.POST.copy()
    typed = text.clean_body(data.get("body", ""))
    data["body"] = f"{typed}\n\n{imported}" if typed else imported
    form = ItemForm(data, user=request.user, item=item)
    form.is_valid()
    where = "接在原正文之后" if typed else "填入正文"
    messages.info(request, f"已将“{upload.name}”的文字（{len(imported)} 字）{where}，请检查后保存。")
    return _render_draft(request, form, item)


def _render_draft(request: AuthedRequest, form: ItemForm, item: Item | None) -> HttpResponse:
    user = request.user
    if form.is_bound:
        title, body = form.data.get("title", ""), form.data.get("body", "")
    else:
        title, body = form.initial.get("title", ""), form.initial.get("body", "")
    requires_signoff = user.unit is not None and user.unit.requires_signoff
    context = {
        "form": form,
        "item": item,
        "hints": text.writing_hints(text.clean_title(title), text.clean_body(body)),
        "submit_key": _submit_key(request),
        "form_action": reverse("item_edit", args=[item.pk]) if item else reverse("item_new"),
        "autosave_url": reverse("item_autosave", args=[item.pk]) if item else reverse("item_autosave_new"),
        "attachments": list(item.attachments.all()) if item else [],
        "needs_signoff": requires_signoff and not user.has_role(Role.APPROVER),
        "signs_itself": requires_signoff and user.has_role(Role.APPROVER),
        "desk_returns": _desk_returns(user, item) if item and item.state == ItemState.RETURNED else [],
        "can_discard": item is not None and item.state != ItemState.RETURNED and not item.submissions.exists(),
        "max_attachment_mb": attachments.max_bytes() // 1048576,
        "kinds": attachments.KINDS,
        "form_panels": panels.form_fields(user, item, request.POST if form.is_bound else request.GET),
    }
    return render(request, "items/item_form.html", context)


def _submit_key(request: AuthedRequest) -> str:
    """The idempotency key of this rendering: kept while the same form is posted again."""
    posted = request.POST.get("idempotency_key", "").strip()[:80] if request.method == "POST" else ""
    return posted or new_key()


def _desk_returns(user: Any, item: Item) -> list[EntryEvent]:
    entries = permissions.visible_entries(user).filter(item=item, state=EntryState.RETURNED)
    return list(
        EntryEvent.objects.filter(entry__in=entries, action="return").select_related("entry__desk").order_by("-at")
    )


@require_POST
@login_required
def item_autosave(request: AuthedRequest, pk: int | None = None) -> JsonResponse:
    """Save the draft as it stands in the browser; the page keeps the returned version."""
    user = request.user
    if pk is None:
        _require_unit_user(user)
        item = None
    else:
        item = _editable(request, pk)
    form = ItemForm(request.POST, user=user, item=item)
    if not form.is_valid():
        errors = [str(e) for errs in form.errors.values() for e in errs]
        return JsonResponse({"ok": False, "error": "；".join(errors)}, status=400)
    try:
        item = _save(request, form, item)
    except ConflictError as exc:
        return JsonResponse({"ok": False, "conflict": True, "error": f"自动保存未执行：{error_text(exc)}"}, status=409)
    except ServiceError as exc:
        return JsonResponse({"ok": False, "error": error_text(exc)}, status=400)
    return JsonResponse(
        {
            "ok": True,
            "id": item.pk,
            "version": item.version,
            "saved_at": f"{timezone.localtime():%H:%M:%S}",
            "edit_url": reverse("item_edit", args=[item.pk]),
            "autosave_url": reverse("item_autosave", args=[item.pk]),
        }
    )


@require_POST
@login_required
def item_hints(request: AuthedRequest) -> HttpResponse:
    _require_unit_user(request.user)
    title = text.clean_title(request.POST.get("title", ""))
    body = text.clean_body(request.POST.get("body", ""))
    return render(request, "items/_hints.html", {"hints": text.writing_hints(title, body)})


@require_POST
@login_required
def item_discard(request: AuthedRequest, pk: int) -> HttpResponse:
    item = _editable(request, pk)
    try:
        services.item_discard(actor=request.user, item=item)
    except ServiceError as exc:
        messages.error(request, error_text(exc))
        return redirect("item_detail", pk=item.pk)
    messages.success(request, f"已删除草稿“{item}”。")
    return redirect("my_items")


@login_required
def attachment_download(request: AuthedRequest, pk: int, attachment_pk: int) -> FileResponse:
    item = permissions.item_for_reading(request.user, pk, what=f"attachment #{attachment_pk}")
    attachment = get_object_or_404(item.attachments, pk=attachment_pk)
    try:
        handle = attachment.file.open("rb")
    except OSError:
        raise Http404("附件文件不存在") from None
    return FileResponse(handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type)


# --- sign-off (签发) ---


@login_required
def signoff_queue(request: AuthedRequest) -> HttpResponse:
    if not _is_approver(request.user):
        raise Http404("未找到该页面")
    items = (
        permissions.visible_items(request.user)
        .filter(state=ItemState.PENDING_SIGNOFF)
        .select_related("created_by")
        .prefetch_related("attachments")
        .order_by("updated_at", "id")
    )
    page = paginate(request, items, PAGE_SIZE)
    for item in page:
        item.submit_key = new_key()  # type: ignore[attr-defined]
    return render(request, "items/signoff_queue.html", {"page": page, "return_form": ReturnForm()})


@require_POST
@login_required
def signoff_act(request: AuthedRequest, pk: int) -> HttpResponse:
    """The approver signs off (签发并报送) or returns the item with a reason."""
    if not _is_approver(request.user):
        raise Http404("未找到该页面")
    item = permissions.get_item(request.user, pk)
    back = redirect("item_detail", pk=item.pk) if request.POST.get("next") == "detail" else redirect("signoff_queue")
    if request.POST.get("action") == "return":
        form = ReturnForm(request.POST)
        if not form.is_valid():
            messages.error(request, f"未退回“{item}”：{form.errors['reason'][0]}")
            return back
        try:
            services.item_return_signoff(actor=request.user, item=item, reason=form.cleaned_data["reason"])
        except ServiceError as exc:
            messages.error(request, error_text(exc))
            return back
        messages.success(request, f"已将“{item}”退回给{item.created_by}：{form.cleaned_data['reason']}")
        return back
    key = request.POST.get("idempotency_key", "")
    try:
        submission = services.item_submit(actor=request.user, item=item, idempotency_key=key or None)
    except ServiceError as exc:
        messages.error(request, f"未能签发“{item}”：{error_text(exc)}")
        return back
    _receipt(request, submission)
    return back


# --- feedback (反馈) ---


def carrier_item_ids(item: Item) -> set[int]:
    """This item and the comprehensive items (综合信息) built from it, at any depth."""
    ids, frontier = {item.pk}, {item.pk}
    for _ in range(4):
        found = set(
            DeskEntry.objects.filter(source=EntrySource.COMBINED, sources__source__item_id__in=frontier).values_list(
                "item_id", flat=True
            )
        )
        frontier = found - ids
        if not frontier:
            break
        ids |= frontier
    return ids


def _feedback_entries(user: Any, item: Item) -> list[DeskEntry]:
    """The item's entry at every desk up the chain that the user may see, oldest first."""
    entries = list(
        permissions.visible_entries(user)
        .filter(item_id__in=carrier_item_ids(item))
        .select_related("desk", "forwarded_from__desk", "submission", "item")
        .order_by("received_at", "id")
    )
    events: dict[int, list[EntryEvent]] = defaultdict(list)
    for event in EntryEvent.objects.filter(entry__in=[e.pk for e in entries], action__in=SHOWN_EVENTS).order_by(
        "at", "id"
    ):
        events[event.entry_id].append(event)
    combined_into: dict[int, list[DeskEntry]] = defaultdict(list)
    visible_ids = {e.pk for e in entries}
    for link in CombinedSource.objects.filter(source_id__in=visible_ids, combined_id__in=visible_ids):
        combined_into[link.source_id].append(next(e for e in entries if e.pk == link.combined_id))
    for entry in entries:
        entry.shown_events = [  # type: ignore[attr-defined]
            (SHOWN_EVENTS[e.action], "" if e.action in QUIET_REASONS else e.reason, e) for e in events[entry.pk]
        ]
        entry.combined_into_entries = combined_into[entry.pk]  # type: ignore[attr-defined]
        entry.is_combined_item = entry.item_id != item.pk  # type: ignore[attr-defined]
        original = _original(entry, item)
        entry.edited = (entry.title, entry.body) != (original.title, original.body)  # type: ignore[attr-defined]
    return entries


def _original(entry: DeskEntry, item: Item) -> Submission:
    """What the unit sent that this entry stands for (its round, or the latest round)."""
    if entry.item_id == item.pk and entry.submission is not None:
        return entry.submission
    latest = item.submissions.order_by("-round").first()
    if latest is None:
        raise Http404("未找到该信息")
    return latest


@login_required
def item_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    item = permissions.item_for_reading(user, pk, what="page")
    entries = _feedback_entries(user, item) if item.submissions.exists() else []
    adoptions = Adoption.objects.filter(item=item, entry_id__in=[e.pk for e in entries]).select_related("desk")
    is_approver = _is_approver(user)
    context = {
        "item": item,
        "tags": item.tags.all(),
        "submissions": item.submissions.select_related("submitted_by", "signed_off_by").order_by("-round"),
        "entries": entries,
        "adoptions": adoptions,
        "attachments": item.attachments.all(),
        "can_sign": is_approver and item.state == ItemState.PENDING_SIGNOFF,
        "submit_key": new_key(),
        "return_form": ReturnForm(),
        "can_edit": item.is_editable and item.combined_at_id is None,
        "instructions": instruction_selectors.instructions_for_entries(user, [e.pk for e in entries]),
        "history": workflow.item_machine.history(item.events.select_related("actor")),
        "item_panels": panels.item(user, item),
    }
    return render(request, "items/item_detail.html", context)


def _words(text_: str) -> list[str]:
    jieba.setLogLevel(60)
    return jieba.lcut(text_, HMM=False)


def diff_segments(before: str, after: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """A word-level diff of Chinese text (jieba words): (kind, text) runs for the old and new side.

    Characters alone make poor diffs in Chinese (排查 and 检查 share 查); words read naturally.
    """
    a, b = _words(before), _words(after)
    old: list[tuple[str, str]] = []
    new: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            old.append(("same", "".join(a[a1:a2])))
            new.append(("same", "".join(b[b1:b2])))
            continue
        if a2 > a1:
            old.append(("del", "".join(a[a1:a2])))
        if b2 > b1:
            new.append(("ins", "".join(b[b1:b2])))
    return old, new


@login_required
def entry_diff(request: AuthedRequest, pk: int, entry_pk: int) -> HttpResponse:
    """A desk's current text of the item against what the unit sent (查看修改)."""
    user = request.user
    item = permissions.item_for_reading(user, pk, what=f"diff #{entry_pk}")
    entries = permissions.visible_entries(user).filter(item_id__in=carrier_item_ids(item))
    entry = get_object_or_404(entries.select_related("desk", "submission"), pk=entry_pk)
    original = _original(entry, item)
    title_old, title_new = diff_segments(original.title, entry.title)
    body_old, body_new = diff_segments(original.body, entry.body)
    ratio = difflib.SequenceMatcher(None, original.body, entry.body, autojunk=False).ratio()
    return render(
        request,
        "items/item_diff.html",
        {
            "item": item,
            "entry": entry,
            "original": original,
            "title_old": title_old,
            "title_new": title_new,
            "body_old": body_old,
            "body_new": body_new,
            "kept": round(ratio * 100),
            "combined": entry.item_id != item.pk,
        },
    )
