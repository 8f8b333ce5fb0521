"""The desk's pages: the inbox, an entry with every action, editing with a diff, combining.

Thin views: reads go through ``items.permissions`` (an entry the user may not see is a
404, like a missing one), writes through ``desk_services`` (their Chinese refusal is
shown on the page, the user's input kept). Desk staff who only read (duty officers,
leaders) see the same pages without action buttons; their POSTs get the services'
"您没有权限进行此操作。" with status 403.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models.functions import Left
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST

from xinxi.accounts.models import Role, User
from xinxi.instructions import permissions as instruction_permissions
from xinxi.instructions import selectors as instruction_selectors
from xinxi.items import (
    desk_forms,
    desk_services,
    filters,
    inbox_rows,
    panels,
    permissions,
    signature_store,
    similarity,
    workflow,
)
from xinxi.items.models import (
    Adoption,
    DeskEntry,
    EntrySource,
    EntryState,
    EntryVersion,
    Item,
    VerificationOutcome,
)
from xinxi.lib.errors import ConflictError, ServiceError
from xinxi.lib.http import AuthedRequest
from xinxi.lib.listing import paginate, query_without
from xinxi.network import permissions as network_permissions
from xinxi.network.models import Desk
from xinxi.network.services import parent_desk

PAGE_SIZE = 50
SIMILAR_DAYS = 30
SIMILAR_CANDIDATES = 1000
SIMILAR_SHOWN = 10
NOT_EDITABLE = {EntryState.COMBINED, EntryState.DUPLICATE, EntryState.RETURNED}
NOT_FORWARDABLE = {EntryState.NEW, EntryState.RETURNED, EntryState.NOT_ADOPTED, EntryState.DUPLICATE}
EVENT_LABELS = {
    **{name: t.label for name, t in workflow.TRANSITIONS.items()},
    "receive": "收稿",
    "resubmit": "重新报送",
    "assign": "分配责任编辑",
    "verify": "发起核实",
    "verified": "核实办结",
    "major_event": "重大事件标记",
    "edit": "编辑",
    "combined": "综合生成",
    "forward": "转报",
    "intake": "邮件收稿",
}
VERIFIABLE = {EntryState.NEW, EntryState.READ, EntryState.PREADOPTED, EntryState.ADOPTED}


def _own_desk(user: User) -> Desk:
    """The desk the user works at; people without one find no desk pages at all."""
    desk = permissions.desk_of(user)
    if desk is None:
        raise Http404("未找到该页面")
    return desk


def _get_entry(user: User, pk: int) -> DeskEntry:
    """An entry the user may read: their own desk's (the fast, usual case) or one up or down their chain."""
    try:
        return permissions.get_desk_entry(user, pk)
    except Http404:
        return permissions.get_visible_entry(user, pk)


def _can_act(user: User, own: Desk, entry: DeskEntry) -> bool:
    return entry.desk_id == own.pk and permissions.can_edit_at_desk(user, own)


def _forbidden() -> ServiceError:
    return ServiceError(desk_services.NOT_ALLOWED, code="forbidden")


def _status(exc: ServiceError) -> int:
    if isinstance(exc, ConflictError):
        return 409
    return 403 if exc.code == "forbidden" else 400


# --- the inbox ---


@dataclass
class InboxRow:
    entry: DeskEntry
    tags: list[str]
    group: int | None = None  # number of the near-duplicate group on this page
    group_size: int = 0
    group_first: bool = False
    score: float | None = None  # similarity to the group's first entry
    badges: list[str] = field(default_factory=list)  # from ``panels.ENTRY_BADGES`` (e.g. 约稿)


def _tags_by_item(item_ids: list[int]) -> dict[int, list[str]]:
    through = Item.tags.through.objects.filter(item_id__in=item_ids).select_related("tag")
    found: dict[int, list[str]] = defaultdict(list)
    for link in through.order_by("tag__name"):
        found[link.item_id].append(link.tag.name)
    return found


def _grouped_rows(entries: list[DeskEntry], tags: dict[int, list[str]]) -> list[InboxRow]:
    """The page's rows with near-duplicates placed together, where the group's newest row stood."""
    rows = {e.pk: InboxRow(entry=e, tags=tags.get(e.item_id, [])) for e in entries}
    signatures = signature_store.local_signatures([(e.title, e.body) for e in entries])  # the warm-up filled them
    groups = similarity.group_similar(entries, signatures=signatures)
    members_of: dict[int, list[int]] = {}
    for number, group in enumerate(groups, start=1):
        ids = [e.pk for e, _score in group]
        for position, (member, score) in enumerate(group):
            row = rows[member.pk]
            row.group, row.group_size, row.score = number, len(group), score
            row.group_first = position == 0
            members_of[member.pk] = ids
    ordered: list[InboxRow] = []
    placed: set[int] = set()
    for entry in entries:
        if entry.pk in placed:
            continue
        for pk in members_of.get(entry.pk, [entry.pk]):
            ordered.append(rows[pk])
            placed.add(pk)
    return ordered


def _with_badges(rows: list[InboxRow], badges: dict[int, list[str]]) -> list[InboxRow]:
    for row in rows:
        row.badges = badges.get(row.entry.pk, [])
    return rows


@login_required
def inbox(request: AuthedRequest) -> HttpResponse:
    user = request.user
    desk = _own_desk(user)
    form = filters.InboxFilterForm(request.GET, clearance=user.clearance)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    result = filters.apply(permissions.desk_entries(user), data, user)
    listed = result.rows.select_related("origin_unit", "assignee").defer("received_title", "received_body")
    page = paginate(request, listed, PAGE_SIZE, count=result.total)  # known from the state counts
    entries = list(page.object_list)
    tags = _tags_by_item([e.item_id for e in entries])
    rows = _with_badges(_grouped_rows(entries, tags), panels.entry_badges(user, entries))
    can_act = permissions.can_edit_at_desk(user, desk)
    return render(
        request,
        "items/desk_inbox.html",
        {
            "desk": desk,
            "form": form,
            "page": page,
            "rows": rows,
            "rows_html": inbox_rows.rows_html(rows, can_act),
            "tabs": filters.state_tabs(result.state_counts),
            "state": result.state,
            "tab_query": query_without(request, "state", "page"),
            "can_act": can_act,
            "filtered": any(v for k, v in data.items() if k not in {"state", "sort"}),
            "panels": panels.inbox(user),
        },
    )


# --- an entry ---


def _chain(entry: DeskEntry) -> list[DeskEntry]:
    """The entry's journey, first desk first: the desks below, this one, the desks above."""
    below = desk_services.chain_below(entry)
    above: list[DeskEntry] = []
    current = entry
    for _ in range(5):  # county → city → province → centre at most
        upper = DeskEntry.objects.filter(forwarded_from=current).select_related("desk", "assignee").first()
        if upper is None:
            break
        above.append(upper)
        current = upper
    return [*reversed(below), entry, *above]


def _similar(user: User, entry: DeskEntry) -> list[tuple[DeskEntry, int]]:
    """Entries at the desk in the last 30 days that look like reports of the same event."""
    since = timezone.now() - dt.timedelta(days=SIMILAR_DAYS)
    candidates = (
        permissions.desk_entries(user)
        .filter(received_at__gte=since)
        .exclude(pk=entry.pk)
        .order_by("-received_at", "-id")
        .values_list("pk", "title", Left("body", similarity.BODY_CHARS))[:SIMILAR_CANDIDATES]
    )  # the texts only: a thousand model objects would cost more than comparing them
    rows = list(candidates)
    own, *others = signature_store.signatures([(entry.title, entry.body), *((t, b) for _, t, b in rows)])
    found = similarity.rank_similar(own, zip((pk for pk, _, _ in rows), others, strict=True))[:SIMILAR_SHOWN]
    shown = DeskEntry.objects.select_related("origin_unit").in_bulk([pk for pk, _ in found]) if found else {}
    return [(shown[pk], round(score * 100)) for pk, score in found if pk in shown]


def _events(entry: DeskEntry) -> list[Any]:
    events = list(entry.events.select_related("actor"))
    for event in events:
        event.label = EVENT_LABELS.get(event.action, event.action)  # type: ignore[attr-defined]
    return events


def _desk_editors(desk: Desk) -> Any:
    return (
        User.objects.filter(unit_id=desk.unit_id, role_grants__role__in=[Role.EDITOR, Role.DESK_CHIEF], is_active=True)
        .distinct()
        .order_by("full_name", "username")
    )


def _shown_actions(entry: DeskEntry, can_act: bool, has_parent: bool) -> set[str]:
    """The actions offered in the entry's current state (the workflow table decides)."""
    if not can_act:
        return set()
    allowed = set(workflow.allowed_actions(entry))
    shown = {"assign", "major"}
    shown |= allowed & {"preadopt", "not_adopt", "duplicate", "reconsider", "adopt"}
    if "return" in allowed and entry.source in {EntrySource.DIRECT, EntrySource.POINT}:
        shown.add("return")
    if entry.state in VERIFIABLE:
        shown.add("verify")
    if entry.state not in NOT_EDITABLE:
        shown.add("edit")
    if entry.state not in NOT_FORWARDABLE and entry.forwarded_at is None and has_parent:
        shown.add("forward")
    return shown


def _action_forms(user: User, entry: DeskEntry) -> dict[str, forms.Form]:
    return {name: spec.make(user, entry, None) for name, spec in ACTIONS.items()}


def _render_entry(
    request: AuthedRequest,
    entry: DeskEntry,
    *,
    bound: dict[str, forms.Form] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    user = request.user
    own = _own_desk(user)
    can_act = _can_act(user, own, entry)
    chain = _chain(entry)
    chain_ids = [e.pk for e in chain]
    visible_ids = {e.pk for e in chain if e.desk_id == own.pk}
    others = [pk for pk in chain_ids if pk not in visible_ids]
    if others:
        visible_ids |= set(permissions.visible_entries(user).filter(pk__in=others).values_list("pk", flat=True))
    versions: dict[int, list[EntryVersion]] = defaultdict(list)
    for version in EntryVersion.objects.filter(entry_id__in=chain_ids).select_related("created_by").order_by("number"):
        versions[version.entry_id].append(version)
    root = chain[0]
    sources = (
        list(DeskEntry.objects.filter(combined_into__combined=root).select_related("origin_unit", "desk"))
        if root.source == EntrySource.COMBINED
        else []
    )
    target = parent_desk(entry.desk.unit) if can_act and entry.forwarded_at is None else None
    action_forms = _action_forms(user, entry) if can_act else {}
    action_forms.update(bound or {})
    adoptions = list(Adoption.objects.filter(entry_id__in=chain_ids).select_related("unit", "entry__desk"))
    shown = _shown_actions(entry, can_act, target is not None)
    if can_act and any(a.entry_id == entry.pk and a.withdrawn_at is None for a in adoptions):
        shown.add("withdraw_adoption")
    context = {
        "entry": entry,
        "can_act": can_act,
        "at_own_desk": entry.desk_id == own.pk,
        "shown": shown,
        "forms": action_forms,
        "open_action": next(iter(bound), "") if bound else "",
        "error": error,
        "parent_desk": target,
        "chain": [
            {
                "entry": e,
                "visible": e.pk in visible_ids,
                "versions": versions.get(e.pk, []),
                "current": e.pk == entry.pk,
            }
            for e in chain
        ],
        "versions": versions.get(entry.pk, []),
        "edited": edited_version(entry, versions.get(entry.pk, [])),
        "events": _events(entry),
        "verifications": list(entry.verifications.select_related("related_unit", "requested_by", "closed_by")),
        "open_outcome": VerificationOutcome.OPEN,
        "adoptions": adoptions,
        "attachments": entry.item.attachments.all(),
        "rounds": entry.item.submissions.select_related("submitted_by", "signed_off_by"),
        "sources": sources,
        "credited": [unit for _item, unit in desk_services.credited_items(entry)] if sources else [],
        "combined_into": entry.combined_into.select_related("combined"),
        "duplicate_of": (
            permissions.desk_entries(user).filter(pk=entry.duplicate_of_id).first() if entry.duplicate_of_id else None
        ),
        "similar": _similar(user, entry) if entry.desk_id == own.pk else [],
        "instructions": instruction_selectors.instructions_for_entries(user, [entry.pk]),
        "item_panels": panels.item(user, entry.item),
        "record_url": f"/supervision/record/entry/{entry.pk}/"
        if instruction_permissions.can_record_on_entry(user, entry)
        else "",
    }
    return render(request, "items/entry_detail.html", context, status=status)


@login_required
def entry_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    entry = permissions.entry_for_reading(user, pk, what="page", desk_staff=True)
    own = _own_desk(user)
    if entry.desk_id == own.pk:
        try:
            desk_services.entry_open(actor=user, entry=entry)
        except ServiceError:
            entry = _get_entry(user, pk)  # changed meanwhile: show it as it is now
    return _render_entry(request, entry)


@dataclass(frozen=True)
class Action:
    """One action on the entry page: its form and the service call it makes."""

    make: Callable[[User, DeskEntry, Any], forms.Form]
    run: Callable[[User, DeskEntry, dict[str, Any]], str]


def _assign(user: User, entry: DeskEntry, data: dict[str, Any]) -> str:
    editor = data["editor"]
    desk_services.entry_assign(actor=user, entry=entry, editor=editor)
    return f"已分配给{editor}。" if editor else "已取消责任编辑。"


def _return(user: User, entry: DeskEntry, data: dict[str, Any]) -> str:
    desk_services.entry_return(actor=user, entry=entry, reason=data["reason"])
    return "已退回修改，报送单位会收到通知。"


def _preadopt(user: User, entry: DeskEntry, data: dict[str, Any]) -> str:
    desk_services.entry_preadopt(actor=user, entry=entry)
    return "已预采用。"


def _not_adopt(user: User, entry: DeskEntry, data: dict[str, Any]) -> str:
    desk_services.entry_not_adopt(actor=user, entry=entry, reason=data["reason"])
    return "已标记为不采用。"


def _duplicate(user: User, entry: DeskEntry, data: dict[str, Any]) -> str:
    desk_services.entry_mark_duplicate(actor=user, entry=entry, of=data["of"], reason=data["reason"])
    return f"已标记为与“{data['of'].title}”重复。"


def _reconsider(user: User, entry: DeskEntry, data: dict[str, Any]) -> str:
    desk_services.entry_reconsider(actor=user, entry=entry)
    return "已恢复为处理中。"


def _verify(user: User, entry: DeskEntry, data: dict[str, Any]) -> str:
    desk_services.verification_request(
        actor=user, entry=entry, method=data["method"], question=data["question"], related_unit=data["related_unit"]
    )
    return "已发起核实。"


def _verify_close(user: User, entry: DeskEntry, data: dict[str, Any]) -> str:
    verification = entry.verifications.filter(pk=data["verification"]).first()
    if verification is None:
        raise ServiceError("该核实不存在。")
    closed = desk_services.verification_close(
        actor=user, verification=verification, outcome=data["outcome"], note=data["note"]
    )
    return f"核实已办结：{closed.get_outcome_display()}。"


def _major(user: User, entry: DeskEntry, data: dict[str, Any]) -> str:
    desk_services.entry_set_major_event(actor=user, entry=entry, major=data["major"])
    return "已标记为涉及重大事件。" if data["major"] else "已取消重大事件标记。"


def _forward(user: User, entry: DeskEntry, data: dict[str, Any]) -> str:
    upper = desk_services.entry_forward(actor=user, entry=entry, note=data["note"])
    return f"已转报{upper.desk.name}。"


def _adopt(user: User, entry: DeskEntry, data: dict[str, Any]) -> str:
    records = desk_services.adoption_record(
        actor=user,
        entry=entry,
        publication=data["publication"],
        issue_no=data["issue_no"],
        adopted_on=data["adopted_on"],
        kind=data["kind"],
        external_level=data["external_level"] or None,
    )
    return f"已记录采用，计分单位 {len(records)} 个。"


def _withdraw_adoption(user: User, entry: DeskEntry, data: dict[str, Any]) -> str:
    group = desk_services.adoption_withdraw(actor=user, entry=entry, adoption=data["adoption"], reason=data["reason"])
    return f"已撤销采用（{group[0].publication} {group[0].issue_no}），所计积分已冲销。"


def _plain(user: User, entry: DeskEntry, data: Any) -> forms.Form:
    return forms.Form(data)


ACTIONS: dict[str, Action] = {
    "assign": Action(
        lambda u, e, d: desk_forms.AssignForm(d, editors=_desk_editors(e.desk), initial={"editor": e.assignee_id}),
        _assign,
    ),
    "return": Action(lambda u, e, d: desk_forms.ReasonForm(d, prefix="return"), _return),
    "preadopt": Action(_plain, _preadopt),
    "not_adopt": Action(lambda u, e, d: desk_forms.ReasonForm(d, prefix="not_adopt"), _not_adopt),
    "duplicate": Action(lambda u, e, d: desk_forms.DuplicateForm(d, entries=permissions.desk_entries(u)), _duplicate),
    "reconsider": Action(_plain, _reconsider),
    "verify": Action(lambda u, e, d: desk_forms.VerifyForm(d, units=network_permissions.visible_units(u)), _verify),
    "verify_close": Action(lambda u, e, d: desk_forms.VerifyCloseForm(d), _verify_close),
    "major": Action(lambda u, e, d: desk_forms.MajorEventForm(d), _major),
    "forward": Action(lambda u, e, d: desk_forms.NoteForm(d, prefix="forward"), _forward),
    "adopt": Action(lambda u, e, d: desk_forms.AdoptionForm(d, desk_level=e.desk.unit.level), _adopt),
    "withdraw_adoption": Action(lambda u, e, d: desk_forms.WithdrawAdoptionForm(d, entry=e), _withdraw_adoption),
}


@login_required
@require_POST
def entry_action(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    spec = ACTIONS.get(action.replace("-", "_"))
    if spec is None:
        raise Http404("未找到该操作")
    user = request.user
    own = _own_desk(user)
    entry = _get_entry(user, pk)
    if not _can_act(user, own, entry):
        return _render_entry(request, entry, error=desk_services.NOT_ALLOWED, status=403)
    form = spec.make(user, entry, request.POST)
    status = 400
    if form.is_valid():
        try:
            done = spec.run(user, entry, form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, exc)
            status = _status(exc)
        else:
            messages.success(request, done)
            return redirect("desk_entry", pk=entry.pk)
    message = "；".join(str(e) for e in form.non_field_errors())
    fresh = _get_entry(user, pk)
    name = action.replace("-", "_")
    return _render_entry(request, fresh, bound={name: form}, error=message or "请检查填写的内容。", status=status)


@login_required
def attachment_download(request: AuthedRequest, pk: int, attachment_pk: int) -> FileResponse:
    entry = permissions.entry_for_reading(request.user, pk, what=f"attachment #{attachment_pk}", desk_staff=True)
    attachment = entry.item.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404("未找到该附件")
    try:
        handle = attachment.file.open("rb")
    except OSError:
        raise Http404("附件文件已丢失，请联系系统管理员。") from None
    return FileResponse(handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type)


# --- editing and the diff ---


def char_diff(old: str, new: str) -> tuple[SafeString, SafeString]:
    """Side-by-side marks of what changed, by character (Chinese has no spaces between words).

    Both sides are HTML-escaped; only the <del>/<ins> marks are markup. Long texts are
    compared line by line first, so a 20,000-character report stays fast.
    """
    left: list[str] = []
    right: list[str] = []
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes():
        a, b = "".join(old_lines[i1:i2]), "".join(new_lines[j1:j2])
        if tag == "equal":
            left.append(escape(a))
            right.append(escape(b))
        elif tag == "replace" and len(a) + len(b) <= 6000:
            _mark_chars(a, b, left, right)
        else:
            if a:
                left.append(f"<del>{escape(a)}</del>")
            if b:
                right.append(f"<ins>{escape(b)}</ins>")
    return mark_safe("".join(left)), mark_safe("".join(right))  # noqa: S308 - every piece is escaped above


def _mark_chars(a: str, b: str, left: list[str], right: list[str]) -> None:
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        x, y = escape(a[i1:i2]), escape(b[j1:j2])
        if tag == "equal":
            left.append(x)
            right.append(y)
            continue
        if x:
            left.append(f"<del>{x}</del>")
        if y:
            right.append(f"<ins>{y}</ins>")


def edited_version(entry: DeskEntry, versions: list[EntryVersion]) -> EntryVersion | None:
    """The version the current text is, or None when it is the text as received.

    A resubmitted round replaces the text (and moves the version counter on), so the
    latest saved version is the current text only if its number is the entry's version.
    """
    latest = versions[-1] if versions else None
    return latest if latest is not None and latest.number == entry.version else None


def _compare_choices(entry: DeskEntry, versions: list[EntryVersion]) -> list[tuple[str, str]]:
    current = edited_version(entry, versions)
    choices = [("current", f"当前稿（第 {current.number} 版）" if current else "当前稿（未修改）")]
    if entry.source == EntrySource.FORWARDED:
        choices.append(("received", "转报来的稿件"))
    choices += [(str(v.number), f"第 {v.number} 版 · {v.created_by}") for v in reversed(versions)]
    return choices


def _diff_context(entry: DeskEntry, versions: list[EntryVersion], choice: str) -> dict[str, Any]:
    submission = entry.submission
    original_title = submission.title if submission else entry.received_title
    original_body = submission.body if submission else entry.received_body
    title, body, label = entry.title, entry.body, "当前稿"
    if choice == "received":
        title, body, label = entry.received_title, entry.received_body, "转报来的稿件"
    else:
        chosen = next((v for v in versions if str(v.number) == choice), None)
        if chosen is not None:
            title, body, label = chosen.title, chosen.body, f"第 {chosen.number} 版"
    title_old, title_new = char_diff(original_title, title)
    body_old, body_new = char_diff(original_body, body)
    return {
        "choices": _compare_choices(entry, versions),
        "choice": choice,
        "label": label,
        "title_old": title_old,
        "title_new": title_new,
        "body_old": body_old,
        "body_new": body_new,
        "unchanged": original_title == title and original_body == body,
    }


@login_required
def entry_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    entry = permissions.entry_for_reading(user, pk, what="versions", desk_staff=True)
    own = _own_desk(user)
    can_act = _can_act(user, own, entry)
    form = desk_forms.EditForm(initial={"title": entry.title, "body": entry.body, "version": entry.version})
    status, latest = 200, None
    if request.method == "POST":
        form = desk_forms.EditForm(request.POST)
        if not can_act:
            form.add_error(None, _forbidden())
            status = 403
        elif form.is_valid():
            data = form.cleaned_data
            try:
                saved = desk_services.entry_edit(
                    actor=user,
                    entry=entry,
                    version=data["version"],
                    title=data["title"],
                    body=data["body"],
                    note=data["note"],
                )
            except ServiceError as exc:
                form.add_error(None, exc)
                status = _status(exc)
                if isinstance(exc, ConflictError):
                    latest = _get_entry(user, pk)
            else:
                messages.success(request, f"已保存第 {saved.number} 版。")
                return redirect(f"{reverse('desk_entry_edit', args=[entry.pk])}?diff=current")
        else:
            status = 400
    versions = list(entry.versions.select_related("created_by").order_by("number"))
    context = {
        "entry": entry,
        "form": form,
        "can_act": can_act,
        "editable": can_act and entry.state not in NOT_EDITABLE,
        "versions": versions,
        "latest": latest,
        "edited": edited_version(entry, versions),
        "diff": _diff_context(entry, versions, request.GET.get("diff", "current")),
    }
    return render(request, "items/entry_edit.html", context, status=status)


# --- combining ---


@login_required
def combine(request: AuthedRequest) -> HttpResponse:
    user = request.user
    own = _own_desk(user)
    raw = [request.POST.get("ids", "")] if request.method == "POST" else request.GET.getlist("ids")
    ids = desk_forms.parse_ids(*raw)
    found = {
        e.pk: e
        for e in permissions.desk_entries(user).filter(pk__in=ids).select_related("desk", "desk__unit", "origin_unit")
    }
    if len(found) != len(ids):
        raise Http404("未找到该信息")
    entries = [found[i] for i in ids]
    context: dict[str, Any] = {"entries": entries, "ids": ",".join(map(str, ids)), "error": ""}
    if not permissions.can_edit_at_desk(user, own):
        context.update(form=None, error=desk_services.NOT_ALLOWED)
        return render(request, "items/desk_combine.html", context, status=403)
    initial = {
        "ids": context["ids"],
        "title": entries[0].title if entries else "",
        "body": "\n\n".join(e.body for e in entries),
    }
    form = desk_forms.CombineForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                combined = desk_services.entry_combine(
                    actor=user, entries=entries, title=data["title"], body=data["body"]
                )
            except ServiceError as exc:
                form.add_error(None, exc)
                status = _status(exc)
            else:
                messages.success(request, f"已综合 {len(entries)} 条信息，生成综合信息。")
                return redirect("desk_entry", pk=combined.pk)
    elif len(entries) < 2:
        context["error"] = "综合信息至少需要两条来源信息：请在收稿列表中勾选两条或更多。"
    context["form"] = form
    return render(request, "items/desk_combine.html", context, status=status)
