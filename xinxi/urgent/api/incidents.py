"""The incidents API: filled in by its area."""

from typing import Any

from django.urls import URLPattern

ROUTES: list[tuple[str, Any, str]] = []
PATHS: list[URLPattern] = []
