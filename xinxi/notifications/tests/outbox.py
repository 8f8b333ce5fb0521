"""A real notification channel for tests: it keeps what it is handed, as a mail outbox would."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from xinxi.notifications.channels import Channel, Message

OUTBOX: list[Message] = []


class OutboxChannel(Channel):
    name = "测试发件箱"

    def deliver(self, messages: Sequence[Message]) -> None:
        OUTBOX.extend(messages)


class BrokenChannel(Channel):
    """A channel whose server is down."""

    name = "故障通道"

    def deliver(self, messages: Sequence[Message]) -> None:
        raise ConnectionError("短信网关无响应")


class UrgentOnlyChannel(Channel):
    """A channel that carries only some kinds (as SMS will)."""

    name = "仅督办"
    kinds: ClassVar[frozenset[str] | None] = frozenset({"task_reminder"})
    seen: ClassVar[list[Message]] = []

    def deliver(self, messages: Sequence[Message]) -> None:
        UrgentOnlyChannel.seen.extend(messages)
