"""Every scoring endpoint, gathered for ``core/api/urls.py``."""

from typing import Any

from django.urls import URLPattern

from xinxi.scoring.api import appraisal, circulars, ledger, rankings, rules

_AREAS = (rules, ledger, rankings, circulars, appraisal)
ROUTES: list[tuple[str, Any, str]] = [route for area in _AREAS for route in area.ROUTES]
PATHS: list[URLPattern] = [p for area in _AREAS for p in area.PATHS]
