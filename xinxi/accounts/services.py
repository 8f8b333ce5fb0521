"""Writes to accounts: logging in (with lock-out), users, roles and passwords."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from xinxi.accounts.models import Role, RoleGrant, User
from xinxi.accounts.scope import units
from xinxi.audit.services import audit_record
from xinxi.lib.choices import Classification
from xinxi.lib.errors import ServiceError

if TYPE_CHECKING:
    from xinxi.network.models import Unit

BAD_LOGIN = "用户名或密码不正确。"


def locked_message(user: User) -> str:
    until = timezone.localtime(user.locked_until).strftime("%H:%M") if user.locked_until else ""
    return f"登录失败次数过多，账号已被锁定，请于 {until} 后再试或联系系统管理员解锁。"


def login_check(*, request: HttpRequest | None, username: str, password: str) -> User:
    """Authenticate, honouring lock-out. Raises ``ServiceError`` with a Chinese message."""
    username = (username or "").strip()
    user = User.objects.filter(username=username).first()
    if user is not None and user.is_locked():
        audit_record(actor=None, actor_name=username, action="login_failed", detail={"reason": "locked"})
        raise ServiceError(locked_message(user), code="locked")
    authed = authenticate(request, username=username, password=password)
    if isinstance(authed, User):
        if authed.failed_logins or authed.locked_until:
            User.objects.filter(pk=authed.pk).update(failed_logins=0, locked_until=None)
            authed.failed_logins, authed.locked_until = 0, None
        return authed
    audit_record(actor=None, actor_name=username[:150], action="login_failed", detail={"reason": "password"})
    if user is not None:
        _count_failure(user)
        if user.is_locked():
            raise ServiceError(locked_message(user), code="locked")
    raise ServiceError(BAD_LOGIN, code="invalid_login")


def _count_failure(user: User) -> None:
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
        user.refresh_from_db(fields=["failed_logins", "locked_until"])
        if user.failed_logins >= settings.XINXI_LOGIN_MAX_FAILURES:
            until = timezone.now() + dt.timedelta(minutes=settings.XINXI_LOGIN_LOCK_MINUTES)
            User.objects.filter(pk=user.pk).update(locked_until=until, failed_logins=0)
            user.locked_until = until
            audit_record(actor=None, actor_name=user.username, action="login_locked", obj=user)


# --- users, managed by admins everywhere and desk chiefs within their subtree ---


def manageable_users(actor: Any) -> Any:
    if getattr(actor, "is_admin", False):
        return User.objects.all()
    return User.objects.filter(unit__in=units().manageable_units(actor))


def assignable_roles(actor: User) -> list[str]:
    """Desk chiefs may hand out every role except admin."""
    if actor.is_admin:
        return list(Role.values)
    return [r for r in Role.values if r != Role.ADMIN]


def _check_user_fields(actor: User, unit: Unit | None, roles: Iterable[str], clearance: int) -> set[str]:
    roles = set(roles)
    unknown = roles - set(Role.values)
    if unknown:
        raise ServiceError(f"未知的角色：{'、'.join(sorted(unknown))}")
    if roles - set(assignable_roles(actor)):
        raise ServiceError("您不能授予系统管理员角色。")
    if clearance not in Classification.values:
        raise ServiceError("未知的涉密等级。")
    if unit is None and not actor.is_admin:
        raise ServiceError("请选择用户所属单位。")
    if unit is not None and not units().can_manage_unit(actor, unit):
        raise ServiceError("您不能管理该单位的用户。")
    if unit is None and roles - {Role.ADMIN}:
        raise ServiceError("除系统管理员外，用户必须属于一个单位。")
    if unit is not None and not unit.active:
        raise ServiceError(f"“{unit.name}”已停用，不能添加用户。")
    return roles


def _set_roles(user: User, roles: set[str]) -> None:
    RoleGrant.objects.filter(user=user).exclude(role__in=roles).delete()
    have = set(RoleGrant.objects.filter(user=user).values_list("role", flat=True))
    RoleGrant.objects.bulk_create([RoleGrant(user=user, role=r) for r in sorted(roles - have)])
    # The admin role is what opens Django's admin site (the rule tables).
    is_admin = Role.ADMIN in roles
    if user.is_staff != is_admin or user.is_superuser != is_admin:
        user.is_staff = user.is_superuser = is_admin
        user.save(update_fields=["is_staff", "is_superuser"])
    user.__dict__.pop("roles", None)


def _validated_password(password: str, user: User) -> str:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ServiceError(exc.messages) from None
    return password


@transaction.atomic
def user_create(
    *,
    actor: User,
    username: str,
    full_name: str,
    unit: Unit | None,
    roles: Iterable[str],
    clearance: int,
    password: str,
    phone: str = "",
) -> User:
    username = (username or "").strip()
    if not username or len(username) > 150:
        raise ServiceError("请填写用户名（不超过 150 个字符）。")
    if User.objects.filter(username=username).exists():
        raise ServiceError(f"用户名“{username}”已被使用。")
    role_set = _check_user_fields(actor, unit, roles, clearance)
    user = User(
        username=username,
        full_name=(full_name or "").strip()[:50],
        unit=unit,
        clearance=clearance,
        phone=(phone or "").strip()[:30],
    )
    user.set_password(_validated_password(password, user))
    user.save()
    _set_roles(user, role_set)
    audit_record(actor=actor, action="user_create", obj=user, detail={"roles": sorted(role_set)})
    return user


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    full_name: str,
    unit: Unit | None,
    roles: Iterable[str],
    clearance: int,
    phone: str,
    is_active: bool,
) -> User:
    if not manageable_users(actor).filter(pk=user.pk).exists():
        raise ServiceError("您不能管理该用户。")
    if user.pk == actor.pk and not is_active:
        raise ServiceError("不能停用自己的账号。")
    role_set = _check_user_fields(actor, unit, roles, clearance)
    if Role.ADMIN in user.roles and Role.ADMIN not in role_set and not actor.is_admin:
        raise ServiceError("您不能修改系统管理员。")
    before = {"unit": user.unit_id, "roles": sorted(user.roles), "clearance": user.clearance, "active": user.is_active}
    user.full_name, user.unit, user.clearance = (full_name or "").strip()[:50], unit, clearance
    user.phone, user.is_active = (phone or "").strip()[:30], is_active
    user.save(update_fields=["full_name", "unit", "clearance", "phone", "is_active"])
    _set_roles(user, role_set)
    audit_record(actor=actor, action="user_update", obj=user, detail={"before": before, "roles": sorted(role_set)})
    return user


@transaction.atomic
def user_set_password(*, actor: User, user: User, password: str) -> User:
    if actor.pk != user.pk and not manageable_users(actor).filter(pk=user.pk).exists():
        raise ServiceError("您不能管理该用户。")
    user.set_password(_validated_password(password, user))
    user.save(update_fields=["password"])
    audit_record(actor=actor, action="user_set_password", obj=user)
    return user


@transaction.atomic
def user_unlock(*, actor: User, user: User) -> User:
    if not manageable_users(actor).filter(pk=user.pk).exists():
        raise ServiceError("您不能管理该用户。")
    User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    user.failed_logins, user.locked_until = 0, None
    audit_record(actor=actor, action="user_unlock", obj=user)
    return user
