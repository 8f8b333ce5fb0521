"""Builders for the remark and share tests (and the access world, fuzz fixture, audit scenarios)."""

from __future__ import annotations

from typing import Any

from xinxi.accounts.models import Role
from xinxi.assignments import services_remarks, services_sharing
from xinxi.assignments.models import Remark, Share
from xinxi.items.models import DeskEntry
from xinxi.items.tests.factories import submitted
from xinxi.lib.choices import Classification
from xinxi.network.models import Desk
from xinxi.network.testing import Net, make_user


def city_entry(net: Net, user: Any = None, **extra: Any) -> DeskEntry:
    """An item of the county (the reporter's by default), received at the city desk."""
    item = submitted(user or net.reporter, **extra)
    return DeskEntry.objects.get(item=item, desk=Desk.objects.get(unit=net.city))


def remark(net: Net, entry: DeskEntry | None = None, **extra: Any) -> Remark:
    fields: dict[str, Any] = {"text": "标题具体，数字翔实；建议补充下一步措施。", "rating": "good", "tags": ["data"]}
    fields.update(extra)
    return services_remarks.remark_write(actor=net.editor, entry=entry or city_entry(net), **fields)


def dept_user(net: Net, name: str = "dept_reporter", clearance: int = Classification.INTERNAL) -> Any:
    return make_user(name, net.city_dept, Role.REPORTER, clearance=clearance, full_name=f"{name}用户")


def share(net: Net, entry: DeskEntry | None = None, units: list[Any] | None = None, note: str = "供参考") -> Share:
    return services_sharing.share_create(actor=net.editor, entry=entry or city_entry(net),
                                         units=units if units is not None else [net.city_dept], note=note)


def secret_entry(net: Net) -> DeskEntry:
    """A 秘密 item of the county (written by a reporter cleared for it), received at the city desk."""
    cleared = make_user("secret_reporter", net.county, Role.REPORTER, clearance=Classification.SECRET)
    return city_entry(net, cleared, title="东城县某涉密事项进展", classification=Classification.SECRET)
