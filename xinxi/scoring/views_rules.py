"""Pages of a desk's 计分办法: versions, the draft editor, publish / correct / copy, the
preview, penalties, and the reversal (冲销) of a ledger entry.

Who: the desk's staff read their desk's rules (``permissions.scoring_desks``); its desk
chief and admins change them (``permissions.can_manage_rules``). Another desk's rule
set, penalty or entry is missing (404); a rule set the user reads but may not change is
403 on the changing pages. Views parse, call a service, render.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from xinxi.items.models import Item
from xinxi.lib.errors import ConflictError, ServiceError
from xinxi.lib.http import AuthedRequest
from xinxi.network.models import Desk
from xinxi.scoring import forms_rules as forms
from xinxi.scoring import permissions, preview_rules, services
from xinxi.scoring.models import Penalty, RuleSet, RuleSetState, ScoreEntry


def _status(exc: ServiceError) -> int:
    if isinstance(exc, ConflictError):
        return 409
    return 403 if exc.code == "forbidden" else 400


def _forbidden(request: AuthedRequest, text: str = services.NOT_ALLOWED) -> HttpResponse:
    return render(request, "scoring/rules/forbidden.html", {"reason": text}, status=403)


def chosen_desk(request: AuthedRequest) -> Desk:
    """The desk the page is about: the user's own; an admin chooses with ?desk= (default the first)."""
    desks = permissions.scoring_desks(request.user).select_related("unit").order_by("unit__path", "pk")
    raw = request.GET.get("desk") or request.POST.get("desk")
    if raw:
        return permissions.get_scoring_desk(request.user, raw)
    desk = desks.first()
    if desk is None:
        raise Http404("未找到该页面")
    return desk


def visible_rule_sets(user: Any) -> QuerySet[RuleSet]:
    return RuleSet.objects.filter(desk__in=permissions.scoring_desks(user))


def _rule_set(request: AuthedRequest, pk: int) -> RuleSet:
    found = visible_rule_sets(request.user).select_related("desk__unit", "published_by", "supersedes").filter(pk=pk)
    rule_set = found.first()
    if rule_set is None:
        raise Http404("未找到该计分办法")
    return rule_set


def _choices(desk: Desk) -> dict[str, list[tuple[str, str]]]:
    from xinxi.publications.models import Periodical

    periodicals = [(str(p.pk), p.name) for p in Periodical.objects.filter(desk=desk).order_by("name", "pk")]
    return {"periodicals": periodicals, "leader_levels": forms.leader_level_choices()}


# --- versions ---


@login_required
def rule_list(request: AuthedRequest) -> HttpResponse:
    desk = chosen_desk(request)
    posted = (
        ScoreEntry.objects.filter(rule_set=OuterRef("pk")).order_by().values("rule_set").annotate(n=Count("pk"))
        .values("n")
    )
    rule_sets = (
        RuleSet.objects.filter(desk=desk)
        .select_related("published_by", "created_by", "supersedes")
        .annotate(n_lines=Count("lines", distinct=True), n_entries=Subquery(posted))
        .order_by("-valid_from", "-id")
    )
    context = {
        "desk": desk,
        "desks": permissions.scoring_desks(request.user).select_related("unit").order_by("unit__path", "pk"),
        "rule_sets": rule_sets,
        "can_manage": permissions.can_manage_rules(request.user, desk),
        "is_admin": request.user.is_admin,
    }
    return render(request, "scoring/rules/list.html", context)


@login_required
def rule_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    rule_set = _rule_set(request, pk)
    context = {
        "rule_set": rule_set,
        "lines": rule_set.lines.select_related("periodical"),
        "multipliers": rule_set.multipliers.all(),
        "can_manage": permissions.can_manage_rules(request.user, rule_set.desk),
        "entries": ScoreEntry.objects.filter(rule_set=rule_set).count(),
        "pending_correction": rule_set.corrections.filter(state=RuleSetState.DRAFT).first(),
    }
    return render(request, "scoring/rules/detail.html", context)


def _policy_form(rule_set: RuleSet | None, data: Any) -> forms.RuleSetForm:
    """The policy form; a correction keeps the date of the version it corrects (shown, not editable)."""
    initial = forms.rule_set_initial(rule_set) if rule_set is not None else {}
    form = forms.RuleSetForm(data, initial=initial)
    if rule_set is not None and rule_set.supersedes_id is not None:
        form.fields["valid_from"].disabled = True
        form.fields["valid_from"].help_text = "更正版本与被更正的版本同日生效。"
    return form


def _editor_forms(request: AuthedRequest, desk: Desk, rule_set: RuleSet | None) -> tuple[Any, Any, Any, bool]:
    """The policy form, the line and multiplier formsets, and whether a row was only added."""
    choices = _choices(desk)
    if request.method == "POST":
        data = request.POST
        added = False
        if "add_line" in data:
            data, added = forms.with_added_row(data, "lines"), True
        if "add_multiplier" in data:
            data, added = forms.with_added_row(data, "multipliers"), True
        return (
            _policy_form(rule_set, data),
            forms.LineFormSet(data, prefix="lines", form_kwargs=choices),
            forms.MultiplierFormSet(data, prefix="multipliers"),
            added,
        )
    if rule_set is None:
        lines: list[dict[str, Any]] = [{}]
        multipliers: list[dict[str, Any]] = []
    else:
        lines = [
            {
                "kind": line.kind, "label": line.label,
                "periodical": str(line.periodical_id) if line.periodical_id else "",
                "column": line.column, "adoption_kind": line.adoption_kind, "issue_kind": line.issue_kind,
                "level": line.level, "leader_level": line.leader_level, "points": line.points,
            }
            for line in rule_set.lines.all()
        ]
        multipliers = [{"target": m.target, "factor": m.factor} for m in rule_set.multipliers.all()]
    return (
        _policy_form(rule_set, None),
        forms.LineFormSet(initial=lines, prefix="lines", form_kwargs=choices),
        forms.MultiplierFormSet(initial=multipliers, prefix="multipliers"),
        False,
    )


def _edit(request: AuthedRequest, desk: Desk, rule_set: RuleSet | None) -> HttpResponse:
    form, lines, multipliers, added = _editor_forms(request, desk, rule_set)
    status = 200
    if request.method == "POST" and not added:
        status = 400
        if form.is_valid() and lines.is_valid() and multipliers.is_valid():
            line_rows = [f.line() for f in forms.rows(lines)]
            factor_rows = [{"target": f.cleaned_data["target"], "factor": f.cleaned_data["factor"]}
                           for f in forms.rows(multipliers)]
            common = {"name": form.cleaned_data["name"], "valid_from": form.cleaned_data["valid_from"],
                      "lines": line_rows, "multipliers": factor_rows, "note": form.cleaned_data["note"],
                      **form.policies()}
            try:
                if rule_set is None:
                    saved = services.rule_set_create(actor=request.user, desk=desk, **common)
                else:
                    if rule_set.supersedes_id is not None:
                        common.pop("valid_from")
                    saved = services.rule_set_update(actor=request.user, rule_set=rule_set,
                                                     version=form.cleaned_data["version"], **common)
            except ServiceError as exc:
                form.add_error(None, exc)
                status = _status(exc)
            else:
                messages.success(request, f"已保存“{saved.name}”。")
                return redirect("scoring:rule_detail", pk=saved.pk)
    context = {"desk": desk, "rule_set": rule_set, "form": form, "lines": lines, "multipliers": multipliers}
    return render(request, "scoring/rules/edit.html", context, status=status)


@login_required
def rule_create(request: AuthedRequest) -> HttpResponse:
    desk = chosen_desk(request)
    if not permissions.can_manage_rules(request.user, desk):
        return _forbidden(request, "只有本科室科长或系统管理员可以制定计分办法。")
    return _edit(request, desk, None)


@login_required
def rule_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    rule_set = _rule_set(request, pk)
    if not permissions.can_manage_rules(request.user, rule_set.desk):
        return _forbidden(request, "只有本科室科长或系统管理员可以修改计分办法。")
    if rule_set.state != RuleSetState.DRAFT:
        messages.error(request, "已生效的计分办法不能修改；如需更正，请“更正此版本”生成新版本。")
        return redirect("scoring:rule_detail", pk=rule_set.pk)
    return _edit(request, rule_set.desk, rule_set)


def _manage(request: AuthedRequest, pk: int) -> RuleSet | HttpResponse:
    rule_set = _rule_set(request, pk)
    if not permissions.can_manage_rules(request.user, rule_set.desk):
        return _forbidden(request)
    return rule_set


@login_required
def rule_publish(request: AuthedRequest, pk: int) -> HttpResponse:
    rule_set = _manage(request, pk)
    if isinstance(rule_set, HttpResponse):
        return rule_set
    error, status = "", 200
    if request.method == "POST":
        try:
            published = services.rule_set_publish(actor=request.user, rule_set=rule_set)
        except ServiceError as exc:
            error, status = "；".join(exc.messages), _status(exc)
        else:
            rescored = ScoreEntry.objects.filter(rule_set=published, reverses__isnull=True).count()
            note = f"，按更正后的办法重新计分 {rescored} 条" if published.supersedes_id else ""
            messages.success(request, f"“{published.name}”已生效{note}。")
            return redirect("scoring:rule_detail", pk=published.pk)
    return render(request, "scoring/rules/publish.html", {"rule_set": rule_set, "error": error}, status=status)


@login_required
def rule_correct(request: AuthedRequest, pk: int) -> HttpResponse:
    rule_set = _manage(request, pk)
    if isinstance(rule_set, HttpResponse):
        return rule_set
    if request.method != "POST":
        return redirect("scoring:rule_detail", pk=rule_set.pk)
    try:
        draft = services.rule_set_correct(actor=request.user, rule_set=rule_set)
    except ServiceError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("scoring:rule_detail", pk=rule_set.pk)
    messages.success(request, "已生成更正稿：修改后点“生效”，将按更正后的办法重新计分（冲销并重记有变化的积分）。")
    return redirect("scoring:rule_edit", pk=draft.pk)


@login_required
def rule_copy(request: AuthedRequest, pk: int) -> HttpResponse:
    rule_set = _manage(request, pk)
    if isinstance(rule_set, HttpResponse):
        return rule_set
    form = forms.CopyForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                copy = services.rule_set_copy(actor=request.user, rule_set=rule_set,
                                              valid_from=form.cleaned_data["valid_from"])
            except ServiceError as exc:
                form.add_error(None, exc)
                status = _status(exc)
            else:
                messages.success(request, "已复制为新版本（草稿）。")
                return redirect("scoring:rule_edit", pk=copy.pk)
    return render(request, "scoring/rules/copy.html", {"rule_set": rule_set, "form": form}, status=status)


# --- preview ---


@login_required
def rule_preview(request: AuthedRequest, pk: int) -> HttpResponse:
    rule_set = _rule_set(request, pk)
    desk = rule_set.desk
    units = {str(u.pk): u for u in preview_rules.desk_units(desk)}
    adoptions = {str(a.pk): a for a in preview_rules.recent_adoptions(desk)}
    choices = _choices(desk)
    event_kwargs = {"units": [(k, u.name) for k, u in units.items()], **choices}
    pick_choices = [(k, f"{a.adopted_on:%m-%d} {preview_rules.adoption_title(a, request.user)}（{a.publication}）")
                    for k, a in adoptions.items()]
    result = None
    status = 200
    if request.method == "POST":
        data = forms.with_added_row(request.POST, "events") if "add_event" in request.POST else request.POST
        events = forms.EventFormSet(data, prefix="events", form_kwargs=event_kwargs)
        pick = forms.PickForm(data, choices=pick_choices)
        if "add_event" not in request.POST:
            if events.is_valid() and pick.is_valid():
                chosen = [adoptions[k] for k in pick.cleaned_data["adoptions"]]
                found = [preview_rules.hand_event(units[f.cleaned_data["unit"]], f.cleaned_data)
                         for f in forms.rows(events)]
                found += preview_rules.adoption_events(chosen, request.user)
                result = preview_rules.preview(rule_set, found)
            else:
                status = 400
    else:
        events = forms.EventFormSet(initial=[{}, {}, {}], prefix="events", form_kwargs=event_kwargs)
        pick = forms.PickForm(choices=pick_choices)
    context = {"rule_set": rule_set, "events": events, "pick": pick, "result": result}
    return render(request, "scoring/rules/preview.html", context, status=status)


# --- penalties and reversals ---


@login_required
def penalty_list(request: AuthedRequest) -> HttpResponse:
    desk = chosen_desk(request)
    can_manage = permissions.can_manage_rules(request.user, desk)
    units = preview_rules.desk_units(desk)
    form = forms.PenaltyForm(request.POST if request.method == "POST" else None, units=units)
    status = 200
    if request.method == "POST":
        if not can_manage:
            return _forbidden(request, "只有本科室科长或系统管理员可以确认扣分。")
        status = 400
        if form.is_valid():
            item = None
            item_id = form.cleaned_data["item"]
            if item_id:
                item = Item.objects.filter(pk=item_id, entries__desk=desk).distinct().first()
                if item is None:
                    form.add_error("item", "本科室没有收到过该编号的信息。")
            if not form.errors:
                try:
                    penalty = services.penalty_record(
                        actor=request.user, desk=desk, unit=form.cleaned_data["unit"], kind=form.cleaned_data["kind"],
                        on=form.cleaned_data["on"], reason=form.cleaned_data["reason"], item=item,
                    )
                except ServiceError as exc:
                    form.add_error(None, exc)
                    status = _status(exc)
                else:
                    messages.success(request, f"已对“{penalty.unit.name}”记录扣分：{penalty.get_kind_display()}。")
                    return redirect(f"{reverse('scoring:penalties')}?desk={desk.pk}")
    penalties = (
        Penalty.objects.filter(desk=desk)
        .select_related("unit", "recorded_by", "item")
        .prefetch_related("entries")
        .order_by("-on", "-id")[:200]
    )
    rows = [(p, _penalty_points(p), _item_label(p.item, request.user), _live(p)) for p in penalties]
    context = {"desk": desk, "rows": rows, "form": form, "can_manage": can_manage, "is_admin": request.user.is_admin,
               "desks": permissions.scoring_desks(request.user).select_related("unit").order_by("unit__path", "pk")}
    return render(request, "scoring/rules/penalties.html", context, status=status)


def _penalty_points(penalty: Penalty) -> Decimal:
    return sum((e.points for e in penalty.entries.all()), Decimal(0))


def _live(penalty: Penalty) -> list[ScoreEntry]:
    """The penalty's entries that can still be reversed (neither a reversal nor reversed)."""
    entries = list(penalty.entries.all())
    reversed_ids = {e.reverses_id for e in entries if e.reverses_id is not None}
    return [e for e in entries if e.reverses_id is None and e.pk not in reversed_ids]


def _item_label(item: Item | None, user: Any) -> str:
    if item is None:
        return ""
    title = item.title if item.classification <= user.clearance else preview_rules.SECRET_TITLE
    return f"#{item.pk} {title}"


def visible_entries(user: Any) -> QuerySet[ScoreEntry]:
    return ScoreEntry.objects.filter(desk__in=permissions.scoring_desks(user))


@login_required
def entry_reverse(request: AuthedRequest, pk: int) -> HttpResponse:
    entry = (
        visible_entries(request.user)
        .select_related("desk", "unit", "rule_set", "rule_line", "item", "reverses")
        .filter(pk=pk)
        .first()
    )
    if entry is None:
        raise Http404("未找到该积分记录")
    if not permissions.can_manage_rules(request.user, entry.desk):
        return _forbidden(request, "只有本科室科长或系统管理员可以冲销积分记录。")
    form = forms.ReverseForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.score_entry_reverse(actor=request.user, entry=entry, reason=form.cleaned_data["reason"])
            except ServiceError as exc:
                form.add_error(None, exc)
                status = _status(exc)
            else:
                messages.success(request, f"已冲销该积分记录（{entry.points:+}分）。")
                return redirect(f"{reverse('scoring:penalties')}?desk={entry.desk_id}")
    reversed_ = ScoreEntry.objects.filter(Q(reverses=entry)).exists() or entry.reverses_id is not None
    context = {"entry": entry, "form": form, "item_label": _item_label(entry.item, request.user),
               "reversed": reversed_}
    return render(request, "scoring/rules/reverse.html", context, status=status)
