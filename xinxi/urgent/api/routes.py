"""Every urgent-information endpoint, gathered for ``core/api/urls.py``."""

from typing import Any

from django.urls import URLPattern

from xinxi.urgent.api import findings, incidents

_AREAS = (incidents, findings)
ROUTES: list[tuple[str, Any, str]] = [route for area in _AREAS for route in area.ROUTES]
PATHS: list[URLPattern] = [p for area in _AREAS for p in area.PATHS]
