"""Pages of scoring: circulars (mounted by ``scoring/urls.py`` under /scoring/)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
