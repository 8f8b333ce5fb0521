"""What remarks and sharing add to the pages of ``items`` (registered in ``apps.py``).

- ``item_panel``: under the title of an item's or entry's page, the remark(s) the user may
  see on the item (the sender's unit and the remarking desk), and for the desk's editors
  links to write or change the remark and to share the entry.
- ``row_marks``: on 我的信息, a mark "已点评（优）" on each item with a remark; one query
  for the page.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.html import format_html

from xinxi.assignments import permissions_remarks as permissions
from xinxi.items.permissions import desk_entries


def item_panel(user: Any, item: Any) -> str:
    if item is None or item.pk is None:
        return ""
    remarks = list(permissions.remarks_on_item(user, item).select_related("desk", "author"))
    entry = desk_entries(user).filter(item_id=item.pk).select_related("desk").first()
    can_remark = entry is not None and permissions.can_remark(user, entry)
    can_share = entry is not None and permissions.can_share(user, entry)
    if not remarks and not can_remark and not can_share:
        return ""
    return render_to_string("assignments/_remark_panel.html", {
        "remarks": remarks, "entry": entry, "can_remark": can_remark, "can_share": can_share,
    })


def row_marks(user: Any, items: list[Any]) -> dict[int, str]:
    ids = [i.pk for i in items]
    if not ids:
        return {}
    marks: dict[int, str] = {}
    rows = permissions.visible_remarks(user).filter(item_id__in=ids).values_list("item_id", "rating")
    for item_id, rating in rows.order_by("created_at", "id"):
        label = {"excellent": "优", "good": "良", "fair": "一般", "poor": "差"}.get(rating, "")
        said = f"（{label}）" if label else ""
        marks[item_id] = str(format_html('<span class="tag remark-mark">已点评{}</span>', said))
    return marks
