"""Named hooks: a lower app announces a business event, a higher app acts on it in the same transaction.

The apps are layered (``core/tests/test_layers.py``): ``items`` may not import ``scoring``,
yet an adoption must post its points in the transaction that records it. The emitting
app declares a ``Hook`` next to its services and fires it; the app above connects a
handler from its ``AppConfig.ready()``. Handlers run synchronously, in order, inside the
caller's transaction: an exception in one rolls the whole operation back, exactly as if
the code were inline. Not Django signals: the hooks are few, named in one place per app,
and a test for each emitter proves its handler ran.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Handler = Callable[..., None]


class Hook:
    """One business event (e.g. "an adoption was recorded") with its handlers."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._handlers: list[Handler] = []

    def connect(self, handler: Handler) -> None:
        """Add a handler once (``ready()`` may run more than once in tests)."""
        if handler not in self._handlers:
            self._handlers.append(handler)

    def fire(self, **payload: Any) -> None:
        """Call every handler with the payload, in the order they connected."""
        for handler in self._handlers:
            handler(**payload)

    @property
    def handlers(self) -> tuple[Handler, ...]:
        return tuple(self._handlers)

    def __repr__(self) -> str:
        return f"Hook({self.name!r})"
