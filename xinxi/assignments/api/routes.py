"""Every assignments endpoint, gathered for ``core/api/urls.py`` (each area adds its module to ``_AREAS``)."""

from typing import Any

from django.urls import URLPattern

from xinxi.assignments.api import commissions, lists, priorities, remarks, sharing

_AREAS = (commissions, lists, remarks, sharing, priorities)
ROUTES: list[tuple[str, Any, str]] = [route for area in _AREAS for route in area.ROUTES]
PATHS: list[URLPattern] = [p for area in _AREAS for p in getattr(area, "PATHS", [])]
