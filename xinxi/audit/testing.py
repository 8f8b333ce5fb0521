"""The registry of audit scenarios, for the walk in ``audit/tests/test_every_service_audits.py``.

A scenario prepares objects for one service function and returns the call; the walk
runs it and checks that the call wrote the named audit action. Apps register theirs in
``xinxi/<app>/tests/audit_scenarios*.py`` (the walk imports every such module), so a new
service brings its scenario with it. Pure reads among service functions are declared
with ``exempt``, with the reason in a comment beside it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Call = Callable[[], Any]
Setup = Callable[[Any], Call]  # takes the test province (``network.testing.Net``)

# ``module.function`` -> (the audit action the call must write, setup returning the call)
SCENARIOS: dict[str, tuple[str, Setup]] = {}
EXEMPT: set[str] = set()


def scenario(name: str, action: str) -> Callable[[Setup], Setup]:
    def register(setup: Setup) -> Setup:
        assert name not in SCENARIOS, name
        SCENARIOS[name] = (action, setup)
        return setup

    return register


def exempt(*names: str) -> None:
    """Service functions that write nothing (pure helpers and reads)."""
    EXEMPT.update(names)
