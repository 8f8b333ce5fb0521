"""Template helpers of the urgent pages: the countdown text (board.js keeps it ticking)."""

from __future__ import annotations

import datetime as dt

from django import template

register = template.Library()


def _span(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours >= 24:
        return f"{hours // 24}天{hours % 24}小时{minutes:02d}分"
    if hours:
        return f"{hours}小时{minutes:02d}分{secs:02d}秒"
    return f"{minutes}分{secs:02d}秒"


@register.simple_tag
def countdown(due_at: dt.datetime, now: dt.datetime) -> str:
    """ "剩 1小时05分00秒" before due, "超时 12分00秒" after (same words as board.js)."""
    left = int((due_at - now).total_seconds())
    return f"剩 {_span(left)}" if left >= 0 else f"超时 {_span(-left)}"


@register.filter
def severity_label(value: int) -> str:
    from xinxi.urgent.models import Severity

    try:
        return str(Severity(int(value)).label)
    except (TypeError, ValueError):
        return ""
