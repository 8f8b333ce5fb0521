"""What commissions (约稿) add to the pages of ``items`` (registered in ``apps.py``).

- ``CommissionFormPart`` (``items.panels.FORM``): in the draft form, a select of the
  commissions the unit may still answer; ``?commission=<id>`` preselects one. Saving links
  the draft (or unlinks it); the answer counts when the item is submitted.
- ``item_panel`` (``items.panels.ITEM``): on an item's or entry's page, the commission the
  item answers, linked for whoever may open it.
- ``entry_badges`` (``items.panels.ENTRY_BADGES``): "约稿" on the desk inbox's rows whose
  item answers one of the desk's commissions (one query per page).
- ``home_panel``: the commissions the user's unit may still answer (the core home page).
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from xinxi.assignments import permissions_commissions as permissions
from xinxi.assignments import services_commissions as services
from xinxi.assignments.models import Commission, CommissionTarget, TargetStatus
from xinxi.items.models import EDITABLE_STATES
from xinxi.lib.errors import ServiceError

FIELD = "commission"
HOME_MAX = 10


class CommissionFormPart:
    def render(self, user: Any, item: Any, data: Any) -> str:
        if item is not None and item.state not in EDITABLE_STATES:
            return ""
        linked = CommissionTarget.objects.filter(item=item).select_related("commission").first() if item else None
        if linked is not None and linked.answered_at is not None:
            return render_to_string("assignments/commissions_form_part.html", {"answered": linked})
        choices = [t.commission for t in permissions.open_targets(user)]
        if linked is not None and linked.commission_id not in {c.pk for c in choices}:
            choices.insert(0, linked.commission)
        if not choices:
            return ""
        chosen = str(data.get(FIELD, "")) if data is not None and FIELD in data else ""
        if not chosen and linked is not None and not (data is not None and FIELD in data):
            chosen = str(linked.commission_id)
        return render_to_string(
            "assignments/commissions_form_part.html", {"choices": choices, "chosen": chosen, "field": FIELD}
        )

    def save(self, user: Any, item: Any, data: Any) -> None:
        if data is None or FIELD not in data:
            return
        value = str(data.get(FIELD, "")).strip()
        if not value:
            if CommissionTarget.objects.filter(item=item, answered_at__isnull=True).exists():
                services.commission_unlink(actor=user, item=item)
            return
        commission = permissions.visible_commissions(user).filter(pk=int(value) if value.isdigit() else 0).first()
        if commission is None:
            raise ServiceError(services.NOT_TARGETED)
        services.commission_link(actor=user, commission=commission, item=item)


FORM_PART = CommissionFormPart()


def item_panel(user: Any, item: Any) -> str:
    if item is None:
        return ""
    target = CommissionTarget.objects.filter(item=item).select_related("commission", "commission__desk").first()
    if target is None:
        return ""
    visible = permissions.visible_commissions(user).filter(pk=target.commission_id).exists()
    return render_to_string("assignments/commissions_item_panel.html", {"target": target, "visible": visible})


def entry_badges(user: Any, entries: list[Any]) -> dict[int, str]:
    """The inbox rows (entries of the user's desk) whose item answers a commission of that desk."""
    desk = permissions.staff_desk(user)
    if desk is None or not entries:
        return {}
    answered = set(
        CommissionTarget.objects.filter(
            commission__desk=desk, item_id__in=[e.item_id for e in entries], answered_at__isnull=False
        ).values_list("item_id", flat=True)
    )
    return {e.pk: "约稿" for e in entries if e.item_id in answered}


def home_panel(user: Any) -> dict[str, Any] | None:
    targets = list(permissions.open_targets(user)[:HOME_MAX])
    if not targets:
        return None
    return {"targets": targets, "now": timezone.now(), "missed": TargetStatus.MISSED}


__all__ = ["FORM_PART", "Commission", "entry_badges", "home_panel", "item_panel"]
