"""Pages of periodicals and issues: the list and archive, composing, the issue as read, periodical settings.

Thin views: reads go through ``publications.permissions`` (an issue the user may not see
is a 404, like a missing one), writes through ``publications.services`` (their Chinese
refusal is shown on the page with the user's input kept). Desk staff who may see an
issue but not act on it get the service's "您没有权限进行此操作。" with status 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from xinxi.accounts.models import DESK_ROLES
from xinxi.instructions import permissions as instruction_permissions
from xinxi.instructions import selectors as instruction_selectors
from xinxi.items import permissions as item_permissions
from xinxi.items.models import AdoptionKind, DeskEntry, EntryState
from xinxi.lib.db import replica_reads
from xinxi.lib.errors import ConflictError, ServiceError, error_text
from xinxi.lib.http import AuthedRequest
from xinxi.lib.listing import int_param, paginate, text_param
from xinxi.network.models import Desk, Unit
from xinxi.network.permissions import user_desk
from xinxi.publications import forms, permissions, services, workflow
from xinxi.publications.models import Issue, IssueItem, IssueRead, IssueState, Periodical

PAGE_SIZE = 30
CANDIDATES_SHOWN = 100
# Pre-adopted entries first, then those being handled or waiting, then adopted ones (一条多用).
CANDIDATE_ORDER = Case(
    When(state=EntryState.PREADOPTED, then=Value(0)),
    When(state__in=[EntryState.READ, EntryState.NEW], then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def _status(exc: ServiceError) -> int:
    if isinstance(exc, ConflictError):
        return 409
    return 403 if exc.code == "forbidden" else 400


def number_line(issue: Issue) -> str:
    """“2026年第12期（总第418期）”, or “（未编号）” before sign-off."""
    if issue.total_number:
        return f"{issue.label}（总第{issue.total_number}期）"
    return issue.label


def _is_desk_staff(user: Any, periodical: Periodical) -> bool:
    desk = user_desk(user)
    return desk is not None and desk.pk == periodical.desk_id and user.has_role(*DESK_ROLES)


# --- the list and the archive ---


def _desk_panel(user: Any) -> dict[str, Any]:
    """The desk's periodicals, each with its latest issued issue, and the issues being worked on."""
    latest = Issue.objects.filter(periodical=OuterRef("pk"), state=IssueState.ISSUED).order_by("-signed_on", "-id")
    periodicals = list(permissions.desk_periodicals(user).annotate(latest_id=Subquery(latest.values("pk")[:1])))
    if not periodicals:
        return {"periodicals": [], "working": []}
    latest_ids = [p.latest_id for p in periodicals if p.latest_id]  # type: ignore[attr-defined]
    latest_issues = {i.pk: i for i in Issue.objects.filter(pk__in=latest_ids)}
    for p in periodicals:
        p.latest = latest_issues.get(p.latest_id)  # type: ignore[attr-defined]
        p.can_compose = permissions.can_compose(user, p)  # type: ignore[attr-defined]
    working = (
        permissions.visible_issues(user)
        .filter(periodical__in=periodicals)
        .exclude(state=IssueState.ISSUED)
        .select_related("periodical", "editor")
        .annotate(n_items=Count("items"))
        .order_by("-updated_at", "-id")
    )
    return {"periodicals": periodicals, "working": list(working)}


@login_required
@replica_reads
def issue_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    issued = permissions.visible_issues(user).filter(state=IssueState.ISSUED)
    readable = Periodical.objects.filter(pk__in=issued.values("periodical_id")).order_by("name")
    years = list(issued.exclude(year=None).values_list("year", flat=True).distinct().order_by("-year"))
    shown = issued
    periodical = int_param(request, "periodical")
    year = int_param(request, "year")
    q = text_param(request)
    if periodical is not None:
        shown = shown.filter(periodical_id=periodical)
    if year is not None:
        shown = shown.filter(year=year)
    if q:
        titles = IssueItem.objects.filter(issue=OuterRef("pk"), title__contains=q)
        shown = shown.filter(Exists(titles))
    shown = (
        shown.select_related("periodical", "periodical__desk__unit")
        .annotate(n_items=Count("items"))
        .order_by("-signed_on", "-year", "-number", "-id")
    )
    page = paginate(request, shown, PAGE_SIZE)
    for issue in page.object_list:
        issue.number_line = number_line(issue)  # type: ignore[attr-defined]
    context = {
        **_desk_panel(user),
        "page": page,
        "readable": readable,
        "years": years,
        "periodical": "" if periodical is None else str(periodical),
        "year": "" if year is None else str(year),
        "q": q,
        "can_configure": user.has_role("desk_chief") and user_desk(user) is not None,
    }
    return render(request, "publications/issue_list.html", context)


@login_required
@require_POST
def issue_new(request: AuthedRequest, pk: int) -> HttpResponse:
    periodical = permissions.desk_periodicals(request.user).filter(pk=pk).first()
    if periodical is None or not permissions.can_compose(request.user, periodical):
        raise Http404("未找到该刊物")
    try:
        issue = services.issue_create(
            actor=request.user, periodical=periodical, supplement=request.POST.get("supplement") == "1"
        )
    except ServiceError as exc:
        messages.error(request, error_text(exc))
        return redirect("publications")
    messages.success(request, f"已新建{periodical}{'增刊' if issue.supplement else ''}，请编入信息。")
    return redirect("issue_edit", pk=issue.pk)


# --- composing ---


def _composable(user: Any, pk: int) -> Issue:
    """An issue the user may compose: composers of its desk; everyone else finds no such page."""
    issue = permissions.get_issue(user, pk)
    if not permissions.can_compose(user, issue.periodical):
        raise Http404("未找到该期刊物")
    return issue


def _candidates(user: Any, issue: Issue) -> QuerySet[DeskEntry]:
    return (
        item_permissions.desk_entries(user)
        .filter(state__in=services.USABLE)
        .exclude(pk__in=issue.items.values("entry_id"))
        .annotate(rank=CANDIDATE_ORDER)
        .order_by("rank", "-received_at", "-id")
    )


def _issue_initial(issue: Issue) -> dict[str, Any]:
    names = ["classification", "urgency", "editor_note", "to_leaders", "to_units", "distribute", "copies", "version"]
    return {name: getattr(issue, name) for name in names}


def _item_form(item: IssueItem, data: Any = None) -> forms.IssueItemForm:
    initial = {
        "title": item.title,
        "body": item.body,
        "column": item.column_id,
        "editor_note": item.editor_note,
        "kind": item.kind,
    }
    return forms.IssueItemForm(data, periodical=item.issue.periodical, initial=initial, prefix=f"item-{item.pk}")


def _render_compose(
    request: AuthedRequest,
    issue: Issue,
    *,
    issue_form: forms.IssueForm | None = None,
    item_forms: dict[int, forms.IssueItemForm] | None = None,
    add_form: forms.AddEntriesForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    user = request.user
    items = list(issue.items.select_related("column", "entry", "issue__periodical").order_by("sort_order", "id"))
    bound = item_forms or {}
    rows = [{"item": item, "form": bound.get(item.pk) or _item_form(item)} for item in items]
    candidates = _candidates(user, issue).select_related("origin_unit")
    context = {
        "issue": issue,
        "number_line": number_line(issue),
        "editable": issue.state == IssueState.DRAFT,
        "rows": rows,
        "issue_form": issue_form or forms.IssueForm(initial=_issue_initial(issue)),
        "add_form": add_form,
        "candidates": list(candidates[:CANDIDATES_SHOWN]),
        "kind_choices": AdoptionKind.choices,
        "picked": set(request.POST.getlist("entries")) if add_form is not None else set(),
        "error": error,
    }
    return render(request, "publications/issue_compose.html", context, status=status)


@login_required
def issue_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    issue = _composable(user, pk)
    if request.method != "POST":
        return _render_compose(request, issue)
    form = forms.IssueForm(request.POST)
    if not form.is_valid():
        return _render_compose(request, issue, issue_form=form, error="请检查本期设置。", status=400)
    data = dict(form.cleaned_data)
    version = data.pop("version")
    try:
        services.issue_update(actor=user, issue=issue, version=version, **data)
    except ServiceError as exc:
        form.add_error(None, exc)
        fresh = _composable(user, pk)
        return _render_compose(request, fresh, issue_form=form, error=error_text(exc), status=_status(exc))
    messages.success(request, "已保存本期设置。")
    return redirect("issue_edit", pk=issue.pk)


def _own_item(issue: Issue, item_pk: int) -> IssueItem:
    item = issue.items.select_related("issue__periodical").filter(pk=item_pk).first()
    if item is None:
        raise Http404("本期没有这条信息")
    return item


@login_required
@require_POST
def issue_item_save(request: AuthedRequest, pk: int, item_pk: int) -> HttpResponse:
    user = request.user
    issue = _composable(user, pk)
    item = _own_item(issue, item_pk)
    form = _item_form(item, request.POST)
    status, error = 400, "请检查该条信息的填写。"
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.issue_item_update(
                actor=user,
                item=item,
                title=data["title"],
                body=data["body"],
                editor_note=data["editor_note"],
                kind=data["kind"],
                column=data["column"],
            )
        except ServiceError as exc:
            form.add_error(None, exc)
            status, error = _status(exc), error_text(exc)
        else:
            messages.success(request, f"已保存“{item.title}”。")
            return redirect(f"{reverse('issue_edit', args=[issue.pk])}#item-{item.pk}")
    return _render_compose(request, _composable(user, pk), item_forms={item.pk: form}, error=error, status=status)


def _compose_action(request: AuthedRequest, issue: Issue, run: Any, done: str) -> HttpResponse:
    try:
        run()
    except ServiceError as exc:
        return _render_compose(
            request, _composable(request.user, issue.pk), error=error_text(exc), status=_status(exc)
        )
    messages.success(request, done)
    return redirect("issue_edit", pk=issue.pk)


@login_required
@require_POST
def issue_item_move(request: AuthedRequest, pk: int, item_pk: int) -> HttpResponse:
    issue = _composable(request.user, pk)
    item = _own_item(issue, item_pk)
    step = -1 if request.POST.get("direction") == "up" else 1
    return _compose_action(
        request,
        issue,
        lambda: services.issue_item_move(actor=request.user, item=item, step=step),
        "已调整顺序。",
    )


@login_required
@require_POST
def issue_item_remove(request: AuthedRequest, pk: int, item_pk: int) -> HttpResponse:
    issue = _composable(request.user, pk)
    item = _own_item(issue, item_pk)
    return _compose_action(
        request,
        issue,
        lambda: services.issue_item_remove(actor=request.user, item=item),
        f"已从本期移除“{item.title}”。",
    )


@login_required
@require_POST
def issue_add(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    issue = _composable(user, pk)
    form = forms.AddEntriesForm(request.POST, candidates=_candidates(user, issue))
    if not form.is_valid():
        return _render_compose(request, issue, add_form=form, error=error_text_of(form), status=400)
    entries = sorted(form.cleaned_data["entries"], key=lambda e: request.POST.getlist("entries").index(str(e.pk)))
    try:
        services.issue_add_entries(actor=user, issue=issue, entries=entries, kind=form.cleaned_data["kind"])
    except ServiceError as exc:
        return _render_compose(
            request, _composable(user, pk), add_form=form, error=error_text(exc), status=_status(exc)
        )
    messages.success(request, f"已编入 {len(entries)} 条信息。")
    return redirect("issue_edit", pk=issue.pk)


def error_text_of(form: Any) -> str:
    return "；".join(str(e) for errors in form.errors.values() for e in errors)


@login_required
@require_POST
def issue_send(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    issue = _composable(user, pk)
    try:
        services.issue_send_for_signoff(actor=user, issue=issue)
    except ServiceError as exc:
        return _render_compose(request, _composable(user, pk), error=error_text(exc), status=_status(exc))
    messages.success(request, "已送签，等待科长签发。")
    return redirect("issue_detail", pk=issue.pk)


# --- the issue as read ---


def _render_issue(
    request: AuthedRequest, issue: Issue, *, error: str = "", return_form: Any = None, status: int = 200
) -> HttpResponse:
    user = request.user
    periodical = issue.periodical
    items = list(issue.items.select_related("column").order_by("sort_order", "id"))
    previous_column = None
    for item in items:
        item.column_head = item.column.name if item.column and item.column_id != previous_column else ""  # type: ignore[attr-defined]
        previous_column = item.column_id
    desk_staff = _is_desk_staff(user, periodical)
    context = {
        "issue": issue,
        "periodical": periodical,
        "number_line": number_line(issue),
        "items": items,
        "desk_staff": desk_staff,
        "can_compose": permissions.can_compose(user, periodical),
        "can_sign": permissions.can_sign(user, periodical),
        "reads": list(IssueRead.objects.filter(issue=issue).select_related("user", "user__unit"))
        if desk_staff
        else [],
        "corrects": permissions.visible_issues(user).filter(pk=issue.corrects_id).first()
        if issue.corrects_id
        else None,
        "corrections": list(permissions.visible_issues(user).filter(corrects=issue).order_by("id")),
        "return_form": return_form or forms.ReasonForm(),
        "error": error,
        "instructions": instruction_selectors.instructions_on_issue(user, issue.pk),
        "history": workflow.machine.history(issue.events.select_related("actor")) if desk_staff else [],
        "record_url": f"/supervision/record/issue/{issue.pk}/"
        if issue.state == IssueState.ISSUED and _records_here(user, periodical)
        else "",
    }
    return render(request, "publications/issue_detail.html", context, status=status)


def _records_here(user: Any, periodical: Periodical) -> bool:
    desk = instruction_permissions.recording_desk(user)
    return desk is not None and desk.pk == periodical.desk_id


@login_required
@replica_reads
def issue_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    issue = permissions.issue_for_reading(request.user, pk, what="page")
    if issue.state == IssueState.ISSUED:
        services.issue_mark_read(user=request.user, issue=issue)
    return _render_issue(request, issue)


@login_required
@require_POST
def issue_sign(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    issue = permissions.get_issue(user, pk)
    try:
        signed = services.issue_sign_off(actor=user, issue=issue)
    except ServiceError as exc:
        return _render_issue(request, permissions.get_issue(user, pk), error=error_text(exc), status=_status(exc))
    messages.success(request, f"已签发：{signed.periodical}{number_line(signed)}。")
    return redirect("issue_detail", pk=issue.pk)


@login_required
@require_POST
def issue_return(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    issue = permissions.get_issue(user, pk)
    form = forms.ReasonForm(request.POST)
    status, error = 400, "请检查退回理由。"
    if form.is_valid():
        try:
            services.issue_return(actor=user, issue=issue, reason=form.cleaned_data["reason"])
        except ServiceError as exc:
            status, error = _status(exc), error_text(exc)
        else:
            messages.success(request, "已退回编辑修改。")
            return redirect("issue_detail", pk=issue.pk)
    return _render_issue(request, permissions.get_issue(user, pk), error=error, return_form=form, status=status)


@login_required
@require_POST
def issue_correct(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    issue = permissions.get_issue(user, pk)
    try:
        if issue.state != IssueState.ISSUED:
            raise ServiceError("只有已印发的期才能编发更正期。")
        correction = services.issue_create(
            actor=user, periodical=issue.periodical, supplement=issue.supplement, corrects=issue
        )
    except ServiceError as exc:
        return _render_issue(request, issue, error=error_text(exc), status=_status(exc))
    messages.success(request, f"已新建更正期（更正{issue.periodical}{number_line(issue)}），请编入更正内容。")
    return redirect("issue_edit", pk=correction.pk)


# --- periodical settings (desk chiefs) ---


def _reading_units(desk: Desk, periodical: Periodical | None) -> QuerySet[Unit]:
    """Units a periodical may be read by: the desk's unit and two levels below, plus those already chosen."""
    unit = desk.unit
    near = Unit.objects.filter(path__startswith=unit.path, depth__lte=unit.depth + 2, active=True)
    chosen = periodical.readers.values("pk") if periodical is not None else Unit.objects.none().values("pk")
    return Unit.objects.filter(pk__in=near.values("pk")) | Unit.objects.filter(pk__in=chosen)


@login_required
def periodical_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    desk = user_desk(user)
    if desk is None or not user.has_role("desk_chief"):
        raise Http404("未找到该页面")
    periodical = None
    if pk is not None:
        periodical = permissions.desk_periodicals(user).filter(pk=pk).first()
        if periodical is None:
            raise Http404("未找到该刊物")
    units = _reading_units(desk, periodical).order_by("path")
    initial = forms.periodical_initial(periodical) if periodical is not None else {}
    form = forms.PeriodicalForm(request.POST if request.method == "POST" else None, units=units, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                saved = services.periodical_save(
                    actor=user,
                    desk=desk,
                    periodical=periodical,
                    columns=form.column_names(),
                    readers=form.cleaned_data["readers"],
                    **form.model_fields(),
                )
            except ServiceError as exc:
                form.add_error(None, exc)
                status = _status(exc)
            else:
                messages.success(request, f"已保存{saved}。")
                return redirect("publications")
    return render(
        request, "publications/periodical_form.html", {"form": form, "periodical": periodical}, status=status
    )
