from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from xinxi.accounts import services
from xinxi.accounts.forms import LoginForm, PasswordForm, UserForm
from xinxi.accounts.models import Role, User
from xinxi.accounts.scope import units
from xinxi.lib.errors import ServiceError
from xinxi.lib.http import AuthedRequest
from xinxi.lib.listing import choice_param, paginate, text_param


class AdminLoginForm(LoginForm, AdminAuthenticationForm):
    """The admin site logs in with the same lock-out rules."""


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.get_user())
        target = request.POST.get("next") or request.GET.get("next") or ""
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
            target = reverse("home")
        return redirect(target or "home")
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "您已安全退出。")
    return redirect("login")


@login_required
def my_password(request: AuthedRequest) -> HttpResponse:
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_password(actor=request.user, user=request.user, password=form.cleaned_data["password"])
        except ServiceError as exc:
            form.add_error("password", exc)
        else:
            login(request, request.user)  # keep the session valid after the change
            messages.success(request, "密码已修改。")
            return redirect("home")
    return render(request, "accounts/password.html", {"form": form, "target": request.user})


def _require_manager(request: AuthedRequest) -> None:
    if not units().can_manage_network(request.user):
        raise Http404


@login_required
def user_list(request: AuthedRequest) -> HttpResponse:
    _require_manager(request)
    users = services.manageable_users(request.user).select_related("unit").prefetch_related("role_grants")
    q = text_param(request)
    if q:
        users = users.filter(Q(username__icontains=q) | Q(full_name__icontains=q) | Q(unit__name__icontains=q))
    role = choice_param(request, "role", Role.values)
    if role:
        users = users.filter(role_grants__role=role)
    page = paginate(request, users.order_by("unit__path", "username"), 50)
    return render(request, "accounts/user_list.html", {"page": page, "q": q, "role": role, "roles": Role.choices})


def _user_form(request: AuthedRequest, editing: User | None) -> UserForm:
    initial = {}
    if editing is not None:
        initial = {
            "username": editing.username,
            "full_name": editing.full_name,
            "unit": editing.unit,
            "roles": sorted(editing.roles),
            "clearance": editing.clearance,
            "phone": editing.phone,
            "is_active": editing.is_active,
        }
    return UserForm(
        request.POST or None,
        initial=initial,
        units=units().manageable_units(request.user).filter(active=True),
        roles=services.assignable_roles(request.user),
        editing=editing,
    )


@login_required
def user_new(request: AuthedRequest) -> HttpResponse:
    _require_manager(request)
    form = _user_form(request, None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                actor=request.user,
                username=data["username"],
                full_name=data["full_name"],
                unit=data["unit"],
                roles=data["roles"],
                clearance=data["clearance"],
                password=data["password"],
                phone=data["phone"],
            )
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已新建用户 {user.username}。")
            return redirect("user_list")
    return render(request, "accounts/user_form.html", {"form": form, "editing": None})


def _managed_user(request: AuthedRequest, pk: int) -> User:
    _require_manager(request)
    user = services.manageable_users(request.user).filter(pk=pk).first()
    if user is None:
        raise Http404
    return user


@login_required
def user_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    editing = _managed_user(request, pk)
    form = _user_form(request, editing)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_update(
                actor=request.user,
                user=editing,
                full_name=data["full_name"],
                unit=data["unit"],
                roles=data["roles"],
                clearance=data["clearance"],
                phone=data["phone"],
                is_active=data["is_active"],
            )
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已保存用户 {editing.username}。")
            return redirect("user_list")
    return render(request, "accounts/user_form.html", {"form": form, "editing": editing})


@login_required
def user_password(request: AuthedRequest, pk: int) -> HttpResponse:
    target = _managed_user(request, pk)
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_password(actor=request.user, user=target, password=form.cleaned_data["password"])
        except ServiceError as exc:
            form.add_error("password", exc)
        else:
            messages.success(request, f"已重置 {target.username} 的密码。")
            return redirect("user_list")
    return render(request, "accounts/password.html", {"form": form, "target": target})


@login_required
@require_POST
def user_unlock_view(request: AuthedRequest, pk: int) -> HttpResponse:
    target = _managed_user(request, pk)
    services.user_unlock(actor=request.user, user=target)
    messages.success(request, f"已解除 {target.username} 的锁定。")
    return redirect("user_list")
