"""Which units a user may manage, asked of the layer above through one small interface.

``accounts`` sits below ``network``: a user belongs to a unit, but the rules of the unit
tree (who manages which subtree, which desk a user works at) live in
``network.permissions``. accounts imports nothing of network; network registers its
rules here when the app registry is ready (``NetworkConfig.ready``).
"""

from __future__ import annotations

from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured


class UnitScope(Protocol):
    def manageable_units(self, user: Any) -> Any: ...

    def can_manage_unit(self, user: Any, unit: Any) -> bool: ...

    def can_manage_network(self, user: Any) -> bool: ...

    def user_desk(self, user: Any) -> Any: ...


_registered: list[UnitScope] = []


def register(scope: UnitScope) -> None:
    _registered[:] = [scope]


def units() -> UnitScope:
    """The registered rules of the unit tree (``network.permissions``)."""
    if not _registered:
        raise ImproperlyConfigured("xinxi.network must be installed: it defines who manages which units.")
    return _registered[0]
