"""Builders for item tests."""

from __future__ import annotations

from typing import Any

from xinxi.items import services
from xinxi.items.models import DeskEntry, Item

BODY = (
    "11月20日，东城县召开安全生产专题会议，部署冬季安全生产大检查。全县共排查企业126家，"
    "发现隐患43处，已整改38处，其余5处限期12月前完成整改。"
)


def draft(user: Any, title: str = "东城县排查企业126家整改隐患38处", body: str = BODY, **extra: Any) -> Item:
    return services.item_create(actor=user, title=title, body=body, **extra)


def submitted(user: Any, **extra: Any) -> Item:
    item = draft(user, **extra)
    services.item_submit(actor=user, item=item)
    item.refresh_from_db()
    return item


def entry_at(item: Item, desk: Any) -> DeskEntry:
    return DeskEntry.objects.get(item=item, desk=desk)
