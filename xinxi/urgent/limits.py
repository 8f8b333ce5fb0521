"""The desk's limit table and warning settings as the settings page reads them (no writes)."""

from __future__ import annotations

import hashlib

from xinxi.network.models import Desk
from xinxi.urgent import clocks
from xinxi.urgent.models import Channel, ClockLimit

LIMIT_MAX = 7 * 24 * 60  # a week, in minutes
CHANNELS = (Channel.PHONE, Channel.WRITTEN)
SETTING_FIELDS = (
    "warn_before",
    "escalate_after",
    "followup_times",
    "followup_max_severity",
    "receive_max_severity",
    "both_offices_max_severity",
)


def current_limits(desk: Desk) -> dict[tuple[int, str], int]:
    return {(row.severity, row.channel): row.minutes for row in ClockLimit.objects.filter(desk=desk)}


def fingerprint(desk: Desk) -> str:
    """A short digest of the desk's current settings and limits (the page's version)."""
    settings = clocks.settings_of(desk)
    parts = [str(getattr(settings, name)) for name in SETTING_FIELDS]
    parts += [f"{s}:{c}={m}" for (s, c), m in sorted(current_limits(desk).items())]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


