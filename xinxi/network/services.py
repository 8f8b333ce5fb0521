"""Every write to the network goes through a function here.

Each takes keyword-only arguments and the acting user, checks permission, runs in
one transaction and writes an audit record. Refusals raise ``ServiceError`` (or
``ConflictError`` for stale versions) with a Chinese message.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Length, Substr

from xinxi.audit.services import audit_record
from xinxi.lib.errors import ConflictError, ServiceError
from xinxi.network import permissions
from xinxi.network.models import (
    Desk,
    DirectPoint,
    Level,
    StaffMember,
    StaffRole,
    Unit,
    UnitClass,
    UnitKind,
    region_code_validator,
)

if TYPE_CHECKING:
    from xinxi.accounts.models import User

NOT_ALLOWED = "您没有权限进行此操作。"


def _require(allowed: bool) -> None:
    if not allowed:
        raise ServiceError(NOT_ALLOWED, code="forbidden")


def _clean_name(name: str, label: str = "单位名称") -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ServiceError(f"{label}不能为空。")
    if len(name) > 100:
        raise ServiceError(f"{label}不能超过 100 个字。")
    return name


def _check_unit_fields(*, kind: str, level: int, region_code: str) -> None:
    if kind not in UnitKind.values:
        raise ServiceError(f"未知的单位类型：{kind}")
    if level not in Level.values:
        raise ServiceError(f"未知的层级：{level}")
    try:
        region_code_validator(region_code)
    except ValidationError:
        raise ServiceError("行政区划代码应为 6、9 或 12 位数字。") from None


def _check_parent_level(parent: Unit | None, level: int) -> None:
    if parent is not None and level < parent.level:
        raise ServiceError(
            f"单位层级（{Level(level).label}）不能高于上级单位“{parent.name}”的层级（{Level(parent.level).label}）。"
        )


def _check_name_free(name: str, parent: Unit | None, exclude_pk: int | None = None) -> None:
    siblings = Unit.objects.filter(parent=parent, name=name)
    if exclude_pk is not None:
        siblings = siblings.exclude(pk=exclude_pk)
    if siblings.exists():
        where = f"“{parent.name}”下" if parent else "顶层"
        raise ServiceError(f"{where}已有名为“{name}”的单位。")


def _bump(unit: Unit, version: int | None) -> None:
    """Optimistic lock: fail loudly when the form was loaded from an older version.

    ``version`` is what the user's form or request carried; ``None`` means the caller
    acts on the row it has just read (the unit's own version is checked then).
    """
    expected = unit.version if version is None else version
    updated = Unit.objects.filter(pk=unit.pk, version=expected).update(version=F("version") + 1)
    if not updated:
        raise ConflictError()
    unit.version = expected + 1


@transaction.atomic
def unit_create(
    *,
    actor: User,
    name: str,
    kind: str,
    level: int,
    region_code: str,
    parent: Unit | None,
    unit_class: UnitClass | None = None,
    sort_order: int = 0,
    requires_signoff: bool | None = None,
) -> Unit:
    _require(permissions.can_create_under(actor, parent))
    if parent is not None and not parent.active:
        raise ServiceError(f"“{parent.name}”已停用，不能在其下新建单位。")
    name = _clean_name(name)
    _check_unit_fields(kind=kind, level=level, region_code=region_code)
    _check_parent_level(parent, level)
    _check_name_free(name, parent)
    unit = Unit.objects.create(
        name=name,
        kind=kind,
        level=level,
        region_code=region_code,
        parent=parent,
        unit_class=unit_class,
        sort_order=sort_order,
        requires_signoff=bool(requires_signoff),
        depth=parent.depth + 1 if parent else 0,
    )
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.save(update_fields=["path"])
    audit_record(actor=actor, action="unit_create", obj=unit, detail={"parent": parent.pk if parent else None})
    return unit


@transaction.atomic
def unit_update(
    *,
    actor: User,
    unit: Unit,
    version: int | None,
    name: str,
    kind: str,
    level: int,
    region_code: str,
    unit_class: UnitClass | None,
    sort_order: int = 0,
    requires_signoff: bool | None = None,
) -> Unit:
    """Change a unit's fields; ``requires_signoff=None`` leaves that setting as it is."""
    _require(permissions.can_manage_unit(actor, unit))
    name = _clean_name(name)
    _check_unit_fields(kind=kind, level=level, region_code=region_code)
    _check_parent_level(unit.parent, level)
    child_above = unit.children.filter(level__lt=level).first()
    if child_above is not None:
        raise ServiceError(f"下级单位“{child_above.name}”的层级高于修改后的层级。")
    _check_name_free(name, unit.parent, exclude_pk=unit.pk)
    _bump(unit, version)
    before = {"name": unit.name, "kind": unit.kind, "level": unit.level, "region_code": unit.region_code}
    unit.name, unit.kind, unit.level, unit.region_code = name, kind, level, region_code
    unit.unit_class, unit.sort_order = unit_class, sort_order
    if requires_signoff is not None:
        unit.requires_signoff = requires_signoff
    unit.save(
        update_fields=[
            "name",
            "kind",
            "level",
            "region_code",
            "unit_class",
            "sort_order",
            "updated_at",
            "requires_signoff",
        ]
    )
    audit_record(actor=actor, action="unit_update", obj=unit, detail={"before": before})
    return unit


@transaction.atomic
def unit_move(*, actor: User, unit: Unit, new_parent: Unit | None, version: int | None) -> Unit:
    """Put a unit (with its subtree) under another parent; paths are rewritten."""
    _require(permissions.can_manage_unit(actor, unit))
    _require(permissions.can_create_under(actor, new_parent))
    if new_parent is not None and (new_parent.pk == unit.pk or new_parent.path.startswith(unit.path)):
        raise ServiceError("不能把单位移到它自己或它的下级单位之下。")
    if new_parent is not None and not new_parent.active:
        raise ServiceError(f"“{new_parent.name}”已停用，不能作为上级单位。")
    _check_parent_level(new_parent, unit.level)
    _check_name_free(unit.name, new_parent, exclude_pk=unit.pk)
    _bump(unit, version)
    old_parent = unit.parent
    old_path = unit.path
    new_path = f"{new_parent.path if new_parent else '/'}{unit.pk}/"
    depth_change = (new_parent.depth + 1 if new_parent else 0) - unit.depth
    # One statement rewrites the whole subtree's paths and depths.
    Unit.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1, Length("path"))),
        depth=F("depth") + depth_change,
    )
    Unit.objects.filter(pk=unit.pk).update(parent=new_parent)
    unit.refresh_from_db()
    audit_record(
        actor=actor,
        action="unit_move",
        obj=unit,
        detail={"from": old_parent.pk if old_parent else None, "to": new_parent.pk if new_parent else None},
    )
    return unit


@transaction.atomic
def unit_deactivate(*, actor: User, unit: Unit, reason: str, version: int | None = None) -> Unit:
    _require(permissions.can_manage_unit(actor, unit))
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("停用单位须填写原因。")
    if not unit.active:
        raise ServiceError("该单位已经停用。")
    active_child = unit.children.filter(active=True).first()
    if active_child is not None:
        raise ServiceError(f"该单位还有在用的下级单位（如“{active_child.name}”），请先停用或移走下级单位。")
    _bump(unit, version)
    unit.active = False
    unit.deactivated_reason = reason[:200]
    unit.save(update_fields=["active", "deactivated_reason", "updated_at"])
    audit_record(actor=actor, action="unit_deactivate", obj=unit, detail={"reason": reason})
    return unit


@transaction.atomic
def unit_reactivate(*, actor: User, unit: Unit) -> Unit:
    _require(permissions.can_manage_unit(actor, unit))
    if unit.active:
        raise ServiceError("该单位正在使用中。")
    if unit.parent is not None and not unit.parent.active:
        raise ServiceError("上级单位已停用，请先启用上级单位。")
    _bump(unit, None)
    unit.active = True
    unit.deactivated_reason = ""
    unit.save(update_fields=["active", "deactivated_reason", "updated_at"])
    audit_record(actor=actor, action="unit_reactivate", obj=unit)
    return unit


@transaction.atomic
def desk_create(*, actor: User, unit: Unit, name: str) -> Desk:
    _require(bool(actor.is_admin))
    if Desk.objects.filter(unit=unit).exists():
        raise ServiceError(f"“{unit.name}”已设有信息科室。")
    desk = Desk.objects.create(unit=unit, name=_clean_name(name, "科室名称"))
    audit_record(actor=actor, action="desk_create", obj=desk)
    return desk


SUPERVISION_LIMITS = (
    ("supervision_due_days", "督办默认办理期限", 1, 365),
    ("supervision_remind_days", "到期前提醒天数", 0, 30),
    ("supervision_repeat_days", "逾期再次提醒间隔", 1, 30),
)


@transaction.atomic
def desk_update_settings(
    *,
    actor: User,
    desk: Desk,
    name: str,
    urgent_phone_limit_minutes: int,
    urgent_written_limit_minutes: int,
    supervision_due_days: int | None = None,
    supervision_remind_days: int | None = None,
    supervision_repeat_days: int | None = None,
) -> Desk:
    """Change a desk's name and time limits; a supervision setting left as None keeps its value."""
    _require(permissions.managed_desks(actor).filter(pk=desk.pk).exists())
    supervision = {
        "supervision_due_days": desk.supervision_due_days if supervision_due_days is None else supervision_due_days,
        "supervision_remind_days": (
            desk.supervision_remind_days if supervision_remind_days is None else supervision_remind_days
        ),
        "supervision_repeat_days": (
            desk.supervision_repeat_days if supervision_repeat_days is None else supervision_repeat_days
        ),
    }
    for key, label, low, high in SUPERVISION_LIMITS:
        if not low <= supervision[key] <= high:
            raise ServiceError(f"{label}应在 {low} 到 {high} 天之间。")
    for value, label in (
        (urgent_phone_limit_minutes, "电话报告时限"),
        (urgent_written_limit_minutes, "书面报告时限"),
    ):
        if not 1 <= value <= 7 * 24 * 60:
            raise ServiceError(f"{label}应在 1 分钟到 7 天之间。")
    if urgent_phone_limit_minutes > urgent_written_limit_minutes:
        raise ServiceError("电话报告时限不能长于书面报告时限。")
    before = {
        "name": desk.name,
        "phone": desk.urgent_phone_limit_minutes,
        "written": desk.urgent_written_limit_minutes,
        **{key: getattr(desk, key) for key in supervision},
    }
    desk.name = _clean_name(name, "科室名称")
    desk.urgent_phone_limit_minutes = urgent_phone_limit_minutes
    desk.urgent_written_limit_minutes = urgent_written_limit_minutes
    for key, value in supervision.items():
        setattr(desk, key, value)
    desk.save(update_fields=["name", "urgent_phone_limit_minutes", "urgent_written_limit_minutes", *supervision])
    audit_record(actor=actor, action="desk_update", obj=desk, detail={"before": before})
    return desk


def parent_desk(unit: Unit) -> Desk | None:
    """The desk a unit submits to: the nearest active desk above it."""
    ids = unit.ancestor_ids
    if not ids:
        return None
    desks = {d.unit_id: d for d in Desk.objects.filter(unit_id__in=ids, active=True)}
    for unit_id in reversed(ids):
        if unit_id in desks:
            return desks[unit_id]
    return None


@transaction.atomic
def point_admit(*, actor: User, unit: Unit, desk: Desk, admitted_on: dt.date, reason: str) -> DirectPoint:
    _require(permissions.managed_desks(actor).filter(pk=desk.pk).exists())
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("确定直报点须填写理由。")
    if not unit.active:
        raise ServiceError(f"“{unit.name}”已停用，不能确定为直报点。")
    if not desk.active:
        raise ServiceError(f"“{desk.name}”已停用，不能确定直报点。")
    if unit.pk == desk.unit_id:
        raise ServiceError("单位不能成为本单位信息科室的直报点。")
    if unit.level < desk.unit.level:
        raise ServiceError("直报点不能是层级高于该信息科室的单位。")
    if unit.level == desk.unit.level and Desk.objects.filter(unit=unit).exists():
        raise ServiceError("同级信息科室之间不设直报点。")
    if parent_desk(unit) == desk:
        raise ServiceError(f"“{unit.name}”本来就向该科室报送，无需确定为直报点。")
    try:
        with transaction.atomic():
            point = DirectPoint.objects.create(
                unit=unit, desk=desk, admitted_on=admitted_on, admitted_reason=reason[:300], admitted_by=actor
            )
    except IntegrityError:
        raise ServiceError(f"“{unit.name}”已经是该科室的直报点。") from None
    audit_record(actor=actor, action="point_admit", obj=point, detail={"reason": reason})
    return point


@transaction.atomic
def point_revoke(*, actor: User, point: DirectPoint, revoked_on: dt.date, reason: str) -> DirectPoint:
    _require(permissions.managed_desks(actor).filter(pk=point.desk_id).exists())
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("撤销直报点须填写理由。")
    if revoked_on < point.admitted_on:
        raise ServiceError("撤销日期不能早于确定日期。")
    updated = DirectPoint.objects.filter(pk=point.pk, revoked_on__isnull=True).update(
        revoked_on=revoked_on, revoked_reason=reason[:300], revoked_by=actor
    )
    if not updated:
        raise ServiceError("该直报点已经撤销。")
    point.refresh_from_db()
    audit_record(actor=actor, action="point_revoke", obj=point, detail={"reason": reason})
    return point


def _clean_staff(name: str, role: str, phone: str, mobile: str) -> tuple[str, str, str]:
    name = _clean_name(name, "姓名")
    if len(name) > 50:
        raise ServiceError("姓名不能超过 50 个字。")
    if role not in StaffRole.values:
        raise ServiceError(f"未知的人员身份：{role}")
    phone, mobile = (phone or "").strip(), (mobile or "").strip()
    allowed = set("0123456789-+() 转")
    for value, label in ((phone, "办公电话"), (mobile, "手机")):
        if value and (len(value) > 30 or not set(value) <= allowed):
            raise ServiceError(f"{label}“{value}”格式不正确。")
    if mobile and not (mobile.isdigit() and len(mobile) == 11 and mobile.startswith("1")):
        raise ServiceError(f"手机号码“{mobile}”应为以 1 开头的 11 位数字。")
    return name, phone, mobile


@transaction.atomic
def staff_add(
    *, actor: User, unit: Unit, name: str, role: str, title: str = "", phone: str = "", mobile: str = ""
) -> StaffMember:
    _require(permissions.can_manage_unit(actor, unit))
    if not unit.active:
        raise ServiceError(f"“{unit.name}”已停用，不能添加信息工作人员。")
    name, phone, mobile = _clean_staff(name, role, phone, mobile)
    member = StaffMember.objects.create(
        unit=unit, name=name, role=role, title=(title or "").strip()[:50], phone=phone, mobile=mobile
    )
    audit_record(actor=actor, action="staff_add", obj=member, detail={"unit": unit.pk})
    return member


@transaction.atomic
def staff_update(
    *, actor: User, member: StaffMember, name: str, role: str, title: str, phone: str, mobile: str, active: bool
) -> StaffMember:
    _require(permissions.can_manage_unit(actor, member.unit))
    name, phone, mobile = _clean_staff(name, role, phone, mobile)
    member.name, member.role, member.title = name, role, (title or "").strip()[:50]
    member.phone, member.mobile, member.active = phone, mobile, active
    member.save(update_fields=["name", "role", "title", "phone", "mobile", "active"])
    audit_record(actor=actor, action="staff_update", obj=member)
    return member


@transaction.atomic
def staff_remove(*, actor: User, member: StaffMember) -> None:
    _require(permissions.can_manage_unit(actor, member.unit))
    audit_record(actor=actor, action="staff_remove", obj=member, detail={"unit": member.unit_id})
    member.delete()


def unit_fields_from(data: dict[str, Any]) -> dict[str, Any]:
    """The editable unit fields of a cleaned form or serializer payload."""
    return {
        "name": data["name"],
        "kind": data["kind"],
        "level": int(data["level"]),
        "region_code": data["region_code"],
        "unit_class": data.get("unit_class"),
        "sort_order": data.get("sort_order") or 0,
        "requires_signoff": data.get("requires_signoff"),
    }
