"""Audit scenarios for the remark and share services (see ``audit/testing.py``)."""

from __future__ import annotations

from typing import Any

from xinxi.assignments import services_remarks, services_sharing
from xinxi.assignments.tests.helpers_remarks import city_entry, dept_user, remark, share
from xinxi.audit.testing import Call, scenario

R = "xinxi.assignments.services_remarks"
S = "xinxi.assignments.services_sharing"


@scenario(f"{R}.remark_write", "remark_write")
def _write(net: Any) -> Call:
    entry = city_entry(net)
    return lambda: services_remarks.remark_write(actor=net.editor, entry=entry, text="标题具体。", rating="good")


@scenario(f"{R}.remark_update", "remark_update")
def _update(net: Any) -> Call:
    made = remark(net)
    return lambda: services_remarks.remark_update(actor=net.desk_chief, remark=made, text="改", version=1)


@scenario(f"{R}.remark_delete", "remark_delete")
def _delete(net: Any) -> Call:
    made = remark(net)
    return lambda: services_remarks.remark_delete(actor=net.editor, remark=made)


@scenario(f"{S}.share_create", "share_create")
def _share(net: Any) -> Call:
    entry = city_entry(net)
    return lambda: services_sharing.share_create(actor=net.editor, entry=entry, units=[net.city_dept], note="参考")


@scenario(f"{S}.share_mark_read", "share_mark_read")
def _read(net: Any) -> Call:
    reader = dept_user(net)
    made = share(net)
    return lambda: services_sharing.share_mark_read(actor=reader, share=made)
