"""Users, their roles and clearance."""

from __future__ import annotations

from functools import cached_property
from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone

from xinxi.lib.choices import Classification


class Role(models.TextChoices):
    REPORTER = "reporter", "信息员"
    APPROVER = "approver", "签发人"
    EDITOR = "editor", "编辑"
    DESK_CHIEF = "desk_chief", "科长/分管领导"
    DUTY_OFFICER = "duty_officer", "值班员"
    LEADER = "leader", "领导/阅读者"
    ADMIN = "admin", "系统管理员"


# Roles that work at their unit's desk (and so see the desk's territory).
DESK_ROLES = frozenset({Role.EDITOR, Role.DESK_CHIEF, Role.DUTY_OFFICER, Role.LEADER})


class User(AbstractUser):
    full_name = models.CharField("姓名", max_length=50, blank=True)
    unit = models.ForeignKey(
        "network.Unit",
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    phone = models.CharField("联系电话", max_length=30, blank=True)
    clearance = models.PositiveSmallIntegerField(
        "涉密等级", choices=Classification.choices, default=Classification.INTERNAL
    )
    failed_logins = models.PositiveIntegerField("连续登录失败次数", default=0)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)

    objects: ClassVar[UserManager[User]] = UserManager()  # type: ignore[assignment]

    class Meta:
        ordering = ["username"]
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.full_name or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        """The user's role codes; one query, cached on the instance (none when the user
        was loaded ``with_roles``)."""
        annotated: str | None = getattr(self, "role_codes", None)
        if annotated is None:
            codes = frozenset(self.role_grants.values_list("role", flat=True))
        else:
            codes = frozenset(code for code in annotated.split(",") if code)
        if self.is_superuser:
            codes = codes | {Role.ADMIN}
        return codes

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_admin(self) -> bool:
        return self.is_active and self.has_role(Role.ADMIN)

    def role_labels(self) -> list[str]:
        return [label for code, label in Role.choices if code in self.roles]

    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()


def with_roles(users: models.QuerySet[User]) -> models.QuerySet[User]:
    """The users with their role codes read in the same query (``roles`` then asks nothing)."""
    codes = (
        RoleGrant.objects.filter(user=models.OuterRef("pk"))
        .values("user")
        .annotate(codes=models.StringAgg("role", delimiter=models.Value(",")))
        .values("codes")
    )
    none = models.Value("")
    return users.annotate(role_codes=Coalesce(models.Subquery(codes), none, output_field=models.TextField()))


class RoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField("角色", max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = "角色"
        verbose_name_plural = "角色"
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="role_grant_unique")]

    def __str__(self) -> str:
        return self.get_role_display()
