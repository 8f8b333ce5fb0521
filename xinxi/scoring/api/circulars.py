"""API of scoring: circulars. ``ROUTES`` are registered on the API router, ``PATHS`` added under /api/v1/."""

from typing import Any

from django.urls import URLPattern

ROUTES: list[tuple[str, Any, str]] = []  # (prefix, viewset, basename)
PATHS: list[URLPattern] = []
