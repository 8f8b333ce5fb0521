"""Scoring's business writes: rule set versions, penalties, corrections, period closes.

Each takes the acting user, runs in one transaction and writes an audit record. Rule
set versions are drafts until published; a published version that has points posted
under it is never changed: a correction is a new version that supersedes it, and
publishing that version rescores exactly the entries whose points change (reversal plus
new entry). The points of business events are posted by ``posting`` (on the hooks of
``items`` and ``instructions``) and by ``sweeps``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from xinxi.accounts.models import User
from xinxi.audit.services import audit_record
from xinxi.items.models import Category, Item
from xinxi.lib.errors import ConflictError, ServiceError
from xinxi.network.models import Desk, Unit
from xinxi.scoring import ledger, permissions, sweeps
from xinxi.scoring.models import (
    COMMISSIONED,
    LINE_KINDS,
    PENALTY_KINDS,
    BasePeriod,
    EventKind,
    IssueKind,
    JointPolicy,
    MultiAdoption,
    Penalty,
    PeriodClose,
    PeriodKind,
    ReachedLevel,
    RuleLine,
    RuleMultiplier,
    RuleSet,
    RuleSetState,
    ScoreEntry,
    UpwardPolicy,
)
from xinxi.scoring.posting import compute
from xinxi.scoring.rules import Facts, score

NOT_ALLOWED = "您没有权限进行此操作。"
POLICY_FIELDS = {
    "multi_adoption": MultiAdoption.values,
    "joint": JointPolicy.values,
    "upward": UpwardPolicy.values,
    "base_period": BasePeriod.values,
}
DECIMAL_FIELDS = (
    "joint_fixed_points",
    "upward_k",
    "base_points",
    "threshold_points",
    "month_floor",
    "rate_floor",
)
INT_FIELDS = ("threshold_items", "zeroing_misses")
POINTS_LIMIT = Decimal("10000")


def _require(allowed: bool) -> None:
    if not allowed:
        raise ServiceError(NOT_ALLOWED, code="forbidden")


def _decimal(value: Any, label: str, *, low: Decimal = -POINTS_LIMIT, high: Decimal = POINTS_LIMIT) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ServiceError(f"“{label}”应为数字。") from None
    if not number.is_finite() or not low <= number <= high:
        raise ServiceError(f"“{label}”应在 {low} 到 {high} 之间。")
    return number.quantize(Decimal("0.01"))


def _text(value: Any, label: str, limit: int, *, required: bool = False) -> str:
    cleaned = " ".join(str(value or "").split())
    if required and not cleaned:
        raise ServiceError(f"请填写{label}。")
    if len(cleaned) > limit:
        raise ServiceError(f"{label}不能超过 {limit} 字。")
    return cleaned


def _label(name: str) -> str:
    field = RuleSet._meta.get_field(name) if name in {f.name for f in RuleSet._meta.concrete_fields} else None
    return str(getattr(field, "verbose_name", name))


def _policies(fields: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for name, value in fields.items():
        label = _label(name)
        if name in POLICY_FIELDS:
            if value not in POLICY_FIELDS[name]:
                raise ServiceError(f"“{label}”的选项无效。")
            cleaned[name] = value
        elif name in DECIMAL_FIELDS:
            high = Decimal(100) if name == "rate_floor" else POINTS_LIMIT
            low = Decimal(0) if name in {"upward_k", "rate_floor"} else -POINTS_LIMIT
            cleaned[name] = _decimal(value, label, low=low, high=high)
        elif name in INT_FIELDS:
            try:
                cleaned[name] = int(value)
            except (TypeError, ValueError):
                raise ServiceError(f"“{label}”应为整数。") from None
            if not 0 <= cleaned[name] <= 10000:
                raise ServiceError(f"“{label}”应在 0 到 10000 之间。")
        elif name == "note":
            cleaned[name] = str(value or "")[:2000]
        else:
            raise ServiceError(f"未知的设置项：{name}。")
    return cleaned


def _line(rule_set: RuleSet, data: dict[str, Any], order: int) -> RuleLine:
    kind = data.get("kind")
    if kind not in [k.value for k in LINE_KINDS]:
        raise ServiceError("计分条目的事项无效。")
    points = _decimal(data.get("points"), "分值")
    if kind in PENALTY_KINDS and points > 0:
        raise ServiceError(f"“{EventKind(kind).label}”是扣分事项，分值应为负数或 0。")
    choices = {"adoption_kind": None, "issue_kind": IssueKind.values, "level": ReachedLevel.values}
    from xinxi.items.models import AdoptionKind

    choices["adoption_kind"] = AdoptionKind.values
    for name, allowed in choices.items():
        if data.get(name) and data[name] not in (allowed or []):
            raise ServiceError("计分条目的条件无效。")
    periodical = data.get("periodical")
    periodical_id = getattr(periodical, "pk", periodical) or None
    if periodical_id is not None:
        from xinxi.publications.models import Periodical

        if not Periodical.objects.filter(pk=periodical_id, desk_id=rule_set.desk_id).exists():
            raise ServiceError("计分条目只能指定本科室的刊物。")
    return RuleLine(
        rule_set=rule_set,
        kind=kind,
        label=_text(data.get("label"), "说明", 100),
        periodical_id=periodical_id,
        column=_text(data.get("column"), "栏目", 30),
        adoption_kind=data.get("adoption_kind") or "",
        issue_kind=data.get("issue_kind") or "",
        level=data.get("level") or "",
        leader_level=_text(data.get("leader_level"), "领导层级", 20),
        points=points,
        sort_order=order,
    )


def _multiplier(rule_set: RuleSet, data: dict[str, Any]) -> RuleMultiplier:
    target = data.get("target")
    if target not in [*Category.values, COMMISSIONED]:
        raise ServiceError("计分系数的适用对象无效。")
    factor = _decimal(data.get("factor"), "系数", low=Decimal(0), high=Decimal(100))
    return RuleMultiplier(rule_set=rule_set, target=target, factor=factor)


def _replace_parts(
    rule_set: RuleSet, lines: Sequence[dict[str, Any]] | None, multipliers: Sequence[dict[str, Any]] | None
) -> None:
    if lines is not None:
        built = [_line(rule_set, data, order) for order, data in enumerate(lines, start=1)]
        rule_set.lines.all().delete()
        RuleLine.objects.bulk_create(built)
    if multipliers is not None:
        made = [_multiplier(rule_set, data) for data in multipliers]
        if len({m.target for m in made}) != len(made):
            raise ServiceError("同一对象只能设一个系数。")
        rule_set.multipliers.all().delete()
        RuleMultiplier.objects.bulk_create(made)


@transaction.atomic
def rule_set_create(
    *,
    actor: User,
    desk: Desk,
    name: str,
    valid_from: dt.date,
    lines: Sequence[dict[str, Any]] = (),
    multipliers: Sequence[dict[str, Any]] = (),
    **policies: Any,
) -> RuleSet:
    """A new draft version of the desk's 计分办法."""
    _require(permissions.can_manage_rules(actor, desk))
    rule_set = RuleSet.objects.create(
        desk=desk,
        name=_text(name, "名称", 100, required=True),
        valid_from=valid_from,
        created_by=actor,
        **_policies(policies),
    )
    _replace_parts(rule_set, lines, multipliers)
    audit_record(actor=actor, action="rule_set_create", obj=rule_set, detail={"desk": desk.pk})
    return rule_set


def _locked(rule_set: RuleSet) -> None:
    if rule_set.state != RuleSetState.DRAFT:
        raise ServiceError("已生效的计分办法不能修改；如需更正，请“更正此版本”生成新版本。")


@transaction.atomic
def rule_set_update(
    *,
    actor: User,
    rule_set: RuleSet,
    version: int | None,
    name: str | None = None,
    valid_from: dt.date | None = None,
    lines: Sequence[dict[str, Any]] | None = None,
    multipliers: Sequence[dict[str, Any]] | None = None,
    **policies: Any,
) -> RuleSet:
    """Change a draft version (its policies, lines and multipliers)."""
    rule_set = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
    _require(permissions.can_manage_rules(actor, rule_set.desk))
    _locked(rule_set)
    if version is not None and version != rule_set.version:
        raise ConflictError()
    fields = _policies(policies)
    if name is not None:
        fields["name"] = _text(name, "名称", 100, required=True)
    if valid_from is not None:
        if rule_set.supersedes_id is not None and valid_from != rule_set.valid_from:
            raise ServiceError("更正版本的生效日期与被更正的版本相同，不能修改。")
        fields["valid_from"] = valid_from
    for name_, value in fields.items():
        setattr(rule_set, name_, value)
    rule_set.version += 1
    rule_set.save(update_fields=[*fields, "version"])
    _replace_parts(rule_set, lines, multipliers)
    audit_record(actor=actor, action="rule_set_update", obj=rule_set, detail={"fields": sorted(fields)})
    return rule_set


@transaction.atomic
def rule_set_publish(*, actor: User, rule_set: RuleSet) -> RuleSet:
    """生效: a draft becomes the desk's rules from its date; a correction rescores what it changes."""
    rule_set = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
    _require(permissions.can_manage_rules(actor, rule_set.desk))
    _locked(rule_set)
    if not rule_set.lines.exists():
        raise ServiceError("计分办法至少要有一条计分条目。")
    clash = RuleSet.objects.filter(desk_id=rule_set.desk_id, state=RuleSetState.ACTIVE, valid_from=rule_set.valid_from)
    if rule_set.supersedes_id is not None:
        clash = clash.exclude(pk=rule_set.supersedes_id)
    if clash.exists():
        raise ServiceError(f"本科室已有自 {rule_set.valid_from:%Y-%m-%d} 起生效的计分办法；请改生效日期或更正该版本。")
    RuleSet.objects.filter(pk=rule_set.pk).update(
        state=RuleSetState.ACTIVE, published_by=actor, published_at=timezone.now(), version=rule_set.version + 1
    )
    rule_set.refresh_from_db()
    changed = 0
    if rule_set.supersedes_id is not None:
        RuleSet.objects.filter(pk=rule_set.supersedes_id).update(state=RuleSetState.SUPERSEDED)
        changed = _rescore(actor=actor, old_id=rule_set.supersedes_id, new=rule_set)
        changed += sweeps.resettle(desk=rule_set.desk, old_id=rule_set.supersedes_id, new=rule_set, actor=actor)
    audit_record(actor=actor, action="rule_set_publish", obj=rule_set, detail={"rescored": changed})
    return rule_set


@transaction.atomic
def rule_set_correct(*, actor: User, rule_set: RuleSet) -> RuleSet:
    """更正: a draft copy of an active version that, once published, replaces it from the same date."""
    _require(permissions.can_manage_rules(actor, rule_set.desk))
    if rule_set.state != RuleSetState.ACTIVE:
        raise ServiceError("只能更正生效中的计分办法。")
    if RuleSet.objects.filter(supersedes=rule_set, state=RuleSetState.DRAFT).exists():
        raise ServiceError("该版本已有一份待生效的更正稿，请直接修改它。")
    copy = _copy(rule_set, actor=actor, valid_from=rule_set.valid_from, name=f"{rule_set.name}（更正）")
    RuleSet.objects.filter(pk=copy.pk).update(supersedes=rule_set)
    copy.supersedes = rule_set
    audit_record(actor=actor, action="rule_set_correct", obj=copy, detail={"supersedes": rule_set.pk})
    return copy


@transaction.atomic
def rule_set_copy(*, actor: User, rule_set: RuleSet, valid_from: dt.date) -> RuleSet:
    """A new draft version from an existing one, valid from another date (next year's rules)."""
    _require(permissions.can_manage_rules(actor, rule_set.desk))
    copy = _copy(rule_set, actor=actor, valid_from=valid_from, name=rule_set.name)
    audit_record(actor=actor, action="rule_set_copy", obj=copy, detail={"from": rule_set.pk})
    return copy


def _copy(rule_set: RuleSet, *, actor: User, valid_from: dt.date, name: str) -> RuleSet:
    policies = {f: getattr(rule_set, f) for f in [*POLICY_FIELDS, *DECIMAL_FIELDS, *INT_FIELDS, "note"]}
    copy = RuleSet.objects.create(
        desk_id=rule_set.desk_id, name=name[:100], valid_from=valid_from, created_by=actor, **policies
    )
    copied = [f.attname for f in RuleLine._meta.concrete_fields if f.name not in {"id", "rule_set"}]
    RuleLine.objects.bulk_create(
        RuleLine(rule_set=copy, **{name: getattr(line, name) for name in copied}) for line in rule_set.lines.all()
    )
    RuleMultiplier.objects.bulk_create(
        RuleMultiplier(rule_set=copy, target=m.target, factor=m.factor) for m in rule_set.multipliers.all()
    )
    return copy


def _rescore(*, actor: User, old_id: int, new: RuleSet) -> int:
    """Post the difference a corrected version makes: for each live entry scored by a line
    of the old version, recompute from its stored facts; where the points differ, reverse
    it and post the corrected points. Returns how many entries changed."""
    new = RuleSet.objects.prefetch_related("lines", "multipliers").get(pk=new.pk)
    changed = 0
    live = ScoreEntry.objects.filter(
        rule_set_id=old_id, reverses__isnull=True, reversal__isnull=True, rule_line__isnull=False
    ).order_by("pk")
    for entry in live:
        if entry.facts.get("capped"):
            continue  # "only the highest" keeps its choice; the counted entry carries the change
        facts = Facts.from_json(entry.facts)
        result = compute(new, facts, on=entry.on)
        if result.points == entry.points:
            continue
        ledger.reverse(entry, actor=actor, reason=f"计分办法更正：{new.name}")
        ledger.post(
            desk=entry.desk_id,
            unit=entry.unit_id,
            on=entry.on,
            points=result.points,
            kind=entry.kind,
            key=entry.key,
            actor=actor,
            reason=f"按更正后的计分办法重新计分。{result.explain}",
            rule_set=new,
            line=result.line,
            facts={**entry.facts, "full": str(result.points)},
            item_id=entry.item_id,
            entry_id=entry.entry_id,
            adoption_id=entry.adoption_id,
            instruction_id=entry.instruction_id,
            penalty_id=entry.penalty_id,
            classification=entry.classification,
        )
        changed += 1
    return changed


# --- penalties and corrections ---


@transaction.atomic
def penalty_record(
    *,
    actor: User | None,
    desk: Desk,
    unit: Unit,
    kind: str,
    on: dt.date,
    reason: str,
    item: Item | None = None,
) -> Penalty:
    """确认扣分: record a penalty against a unit and post its points under the desk's rules.

    ``actor`` None is the system (the urgent-information findings will post this way).
    """
    if actor is not None:
        _require(permissions.can_manage_rules(actor, desk))
    if kind not in PENALTY_KINDS:
        raise ServiceError("扣分事项无效。")
    reason = _text(reason, "事实和理由", 500, required=True)
    if on > timezone.localdate():
        raise ServiceError("发生日期不能晚于今天。")
    rule_set = ledger.rule_set_on(desk, on)
    facts = Facts(kind=kind)
    result = score(rule_set, facts) if rule_set is not None else None
    if rule_set is None or result is None or result.line is None:
        raise ServiceError(f"本科室 {on:%Y-%m-%d} 适用的计分办法没有“{EventKind(kind).label}”的扣分条目。")
    penalty = Penalty.objects.create(
        desk=desk, unit=unit, kind=kind, on=on, reason=reason, item=item, recorded_by=actor
    )
    ledger.post(
        desk=desk,
        unit=unit,
        on=on,
        points=result.points,
        kind=kind,
        key=f"penalty:{penalty.pk}",
        actor=actor,
        reason=reason,
        rule_set=rule_set,
        line=result.line,
        facts=facts,
        penalty=penalty,
        item=item,
        classification=item.classification if item is not None else 0,
    )
    audit_record(actor=actor, action="penalty_record", obj=penalty, detail={"unit": unit.pk, "kind": kind})
    return penalty


@transaction.atomic
def score_entry_reverse(*, actor: User, entry: ScoreEntry, reason: str) -> ScoreEntry:
    """冲销 a wrong entry (a penalty given in error, a mis-posted point) with a reason."""
    entry = ScoreEntry.objects.select_for_update().get(pk=entry.pk)
    _require(permissions.can_manage_rules(actor, entry.desk))
    reason = _text(reason, "冲销理由", 200, required=True)
    reversal = ledger.reverse(entry, actor=actor, reason=f"更正：{reason}")
    if reversal is None:
        raise ServiceError("该记录已冲销，或本身是冲销记录。")
    audit_record(actor=actor, action="score_entry_reverse", obj=entry, detail={"reversal": reversal.pk})
    return reversal


@transaction.atomic
def period_close(*, actor: User, desk: Desk, kind: str, start: dt.date, end: dt.date, reason: str = "") -> PeriodClose:
    """关账: freeze a period of the desk's ledger (issuing its circular does this)."""
    _require(permissions.can_see_desk(actor, desk) and permissions.can_manage_rules(actor, desk))
    if kind not in PeriodKind.values or end < start:
        raise ServiceError("关账周期无效。")
    closed, created = PeriodClose.objects.get_or_create(
        desk=desk, kind=kind, start=start, defaults={"end": end, "closed_by": actor, "reason": reason[:200]}
    )
    if created:
        audit_record(actor=actor, action="period_close", obj=closed, detail={"end": end.isoformat()})
    return closed


# --- sweeps ---


@transaction.atomic
def period_sweep(*, actor: User | None, desk: Desk, period: Any) -> Any:
    """周期结算: post one finished period's base points, shortfalls, floors, threshold and zeroing.

    ``actor`` None is the worker (or ``manage.py scoring_sweep``); a user must be the
    desk chief or an admin. ``period`` is a ``sweeps.Period``. Returns ``sweeps.Result``;
    an audit row is written when something was posted.
    """
    from xinxi.scoring import sweeps

    if actor is not None:
        _require(permissions.can_manage_rules(actor, desk))
    if period.end > timezone.localdate() - dt.timedelta(days=1):
        raise ServiceError(f"{period.label}尚未结束，不能结算。")
    result = sweeps.sweep(desk, period)
    if result.total:
        audit_record(
            actor=actor,
            action="period_sweep",
            obj=desk,
            actor_name="" if actor is not None else "系统（周期结算）",
            detail={"period": period.code, "posted": result.posted},
        )
    return result
