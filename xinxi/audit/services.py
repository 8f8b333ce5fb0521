"""Writing audit records. Every service function calls ``audit_record``."""

from __future__ import annotations

from typing import Any

from django.db import models

from xinxi.audit.middleware import current_ip
from xinxi.audit.models import AuditEvent


# Human-readable names of actions, shown in the audit page.
ACTION_LABELS = {
    "login": "登录",
    "login_failed": "登录失败",
    "login_locked": "账号被锁定",
    "logout": "退出",
    "unit_create": "新建单位",
    "unit_update": "修改单位",
    "unit_move": "移动单位",
    "unit_deactivate": "停用单位",
    "unit_reactivate": "启用单位",
    "desk_create": "设立信息科室",
    "desk_update": "修改信息科室设置",
    "point_admit": "确定直报点",
    "point_revoke": "撤销直报点",
    "staff_add": "添加信息工作人员",
    "staff_update": "修改信息工作人员",
    "staff_remove": "移除信息工作人员",
    "user_create": "新建用户",
    "user_update": "修改用户",
    "user_set_password": "重置密码",
    "user_unlock": "解除锁定",
    "roster_import": "导入单位与人员",
    "admin_change": "后台修改",
    "admin_delete": "后台删除",
}


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    detail: dict[str, Any] | None = None,
    actor_name: str = "",
) -> AuditEvent:
    """Append one audit record; call inside the service's transaction."""
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor=actor if is_user else None,
        actor_name=actor_name or (actor.get_username() if is_user else ""),
        action=action,
        object_type=obj._meta.model_name or "" if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        ip=current_ip.get(),
        detail=detail or {},
    )


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)
