"""Channels: the ways a notification reaches a person beyond the in-app centre.

The in-app centre is the notification row itself, written in the service's transaction.
Every other channel (e-mail, SMS, ...) is a ``Channel`` subclass named in the setting
``XINXI_NOTIFICATION_CHANNELS`` (dotted paths; environment variable of the same name,
comma-separated). After the transaction commits, ``notify`` hands each channel the
messages of that send: one per recipient, worded for that recipient through the same
visibility rules as the centre, so a channel never carries text above the recipient's
clearance. A failing channel is logged and never undoes the write or stops the others.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from django.conf import settings
from django.utils.module_loading import import_string

from xinxi.notifications.models import NotificationKind

logger = logging.getLogger(__name__)

WITHHELD = "您有一条“{label}”通知（涉密），请登录信息报送系统查看。"


@dataclass(frozen=True)
class Message:
    """One notification, worded for its recipient."""

    notification_id: int
    recipient: Any
    kind: str
    text: str
    url: str
    classification: int = 0
    """The object's classification when the notification was sent."""


class Channel:
    """Subclass and name it in ``XINXI_NOTIFICATION_CHANNELS``.

    ``kinds`` limits the channel to some kinds (None: every kind). ``deliver`` is called
    after commit with the messages of one ``notify`` call; it should not raise for one bad
    address but may raise when the channel itself is down (the error is logged).
    """

    name: ClassVar[str] = ""
    kinds: ClassVar[frozenset[str] | None] = None
    leaves_the_system: ClassVar[bool] = False
    """E-mail, SMS: text above ``XINXI_CHANNEL_MAX_CLASSIFICATION`` is not carried (see ``wording``)."""

    def accepts(self, message: Message) -> bool:
        return self.kinds is None or message.kind in self.kinds

    def wording(self, message: Message) -> str:
        """The text this channel may carry: a classified text never leaves the system by e-mail or SMS,
        only the fact that there is a notification to read in Xinxi."""
        ceiling = getattr(settings, "XINXI_CHANNEL_MAX_CLASSIFICATION", 1)
        if self.leaves_the_system and message.classification > ceiling:
            return WITHHELD.format(label=NotificationKind(message.kind).label)
        return message.text

    def deliver(self, messages: Sequence[Message]) -> None:
        raise NotImplementedError


def configured() -> list[Channel]:
    """The channels in the settings, in order (read at each send, so tests can change them)."""
    found: list[Channel] = []
    for path in getattr(settings, "XINXI_NOTIFICATION_CHANNELS", []):
        channel_class = import_string(path)
        if not (isinstance(channel_class, type) and issubclass(channel_class, Channel)):
            raise TypeError(f"{path} is not a notification Channel")
        found.append(channel_class())
    return found


def fan_out(channels: Sequence[Channel], messages: Sequence[Message]) -> None:
    for channel in channels:
        accepted = [m for m in messages if channel.accepts(m)]
        if not accepted:
            continue
        try:
            channel.deliver(accepted)
        except Exception:
            logger.exception("notification channel %s failed for %d messages", channel.name or channel, len(accepted))
