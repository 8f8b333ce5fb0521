"""Serializers of the accounts API: the token exchange and the current user."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from xinxi.accounts.models import Role, User
from xinxi.accounts.scope import units


class TokenRequestSerializer(serializers.Serializer[Any]):
    username = serializers.CharField(max_length=150, trim_whitespace=True)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer[Any]):
    token = serializers.CharField(help_text="放在请求头中使用：Authorization: Token <token>")


class MeSerializer(serializers.Serializer[User]):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    full_name = serializers.CharField(read_only=True)
    unit = serializers.IntegerField(source="unit_id", read_only=True, allow_null=True, help_text="所属单位编号")
    unit_name = serializers.CharField(source="unit.name", read_only=True, allow_null=True)
    roles = serializers.SerializerMethodField(help_text="角色代码")
    role_labels = serializers.SerializerMethodField(help_text="角色名称，与 roles 一一对应")
    clearance = serializers.IntegerField(read_only=True, help_text="涉密等级：0 公开，1 内部，2 秘密，3 机密")
    clearance_label = serializers.CharField(source="get_clearance_display", read_only=True)
    is_admin = serializers.BooleanField(read_only=True)
    desk = serializers.SerializerMethodField(help_text="本人所在的信息科室编号（不在科室工作则为空）")

    def get_roles(self, user: User) -> list[str]:
        return [str(code) for code, _ in Role.choices if code in user.roles]

    def get_role_labels(self, user: User) -> list[str]:
        return user.role_labels()

    def get_desk(self, user: User) -> int | None:
        desk = units().user_desk(user)
        return desk.pk if desk is not None else None
