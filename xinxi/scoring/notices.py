"""How notifications about scoring are worded; read with the scoring permission functions."""

from __future__ import annotations

from xinxi.notifications.kinds import register
from xinxi.notifications.models import NotificationKind as K
from xinxi.scoring.permissions_circulars import visible_circulars

register(K.CIRCULAR_PENDING, visible=visible_circulars, text=lambda c, d: f"通报待签发：{c.title}")
register(
    K.CIRCULAR_RETURNED,
    visible=visible_circulars,
    text=lambda c, d: f"通报签发退回：{c.title}（{d.get('reason', '')}）",
)
register(K.CIRCULAR_SIGNED, visible=visible_circulars, text=lambda c, d: f"通报已签发：{c.doc_number} {c.title}")
register(K.CIRCULAR_ISSUED, visible=visible_circulars, text=lambda c, d: f"新通报：{c.doc_number} {c.title}")
