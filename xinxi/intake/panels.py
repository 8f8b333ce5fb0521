"""What e-mail intake adds to the desk inbox: a line with the mails waiting (registered in ``apps.py``)."""

from __future__ import annotations

from typing import Any

from django.utils.html import format_html

from xinxi.intake import permissions
from xinxi.intake.models import IntakeState


def inbox_panel(user: Any) -> str:
    """One query: how many mails are queued or quarantined at the user's desk; nothing when none."""
    rows = permissions.visible_messages(user).filter(state__in=(IntakeState.QUEUED, IntakeState.QUARANTINED))
    counts = dict.fromkeys(IntakeState.values, 0)
    for state in rows.values_list("state", flat=True).order_by():
        counts[state] += 1
    queued, quarantined = counts[IntakeState.QUEUED], counts[IntakeState.QUARANTINED]
    if not queued and not quarantined:
        return ""
    return format_html(
        '<p class="card" id="intake-panel">邮件来稿：<a href="/intake/">{} 封待处理{}</a></p>',
        queued, f"，{quarantined} 封已隔离" if quarantined else "",
    )
