"""Pages of scoring: rules (mounted by ``scoring/urls.py`` under /scoring/)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
