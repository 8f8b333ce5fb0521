"""How notifications about remarks and shares are worded (loaded by ``AssignmentsConfig.ready``).

The objects are read through the same permission functions as the pages, so a reader who
may not see the remark or the share (another unit, or above their clearance at reading
time) reads no title: the notification centre shows only that something is out of reach.
"""

from __future__ import annotations

from typing import Any

from xinxi.assignments.models import Remark, RemarkRating, Share
from xinxi.assignments.permissions_remarks import visible_remarks, visible_shares
from xinxi.notifications.kinds import register
from xinxi.notifications.models import NotificationKind as K


def _remark(remark: Remark, detail: dict[str, Any]) -> str:
    rating = remark.rating
    said = f"（评价：{RemarkRating(rating).label}）" if rating in RemarkRating.values else ""
    return f"{remark.desk.name}点评了您报送的信息“{remark.item.title}”{said}"


def _share(share: Share, detail: dict[str, Any]) -> str:
    note = f"：{share.note}" if share.note else ""
    return f"{share.desk.name}向您单位共享了信息“{share.title}”{note}"


register(K.REMARK_WRITTEN, visible=visible_remarks, text=_remark, related=("entry", "desk", "item"),
         classification=lambda r: int(r.entry.classification))
register(K.SHARE_RECEIVED, visible=visible_shares, text=_share, related=("desk",))
