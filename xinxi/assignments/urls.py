"""Assignment pages under /assignments/: each area keeps its own URL module."""

from django.urls import URLPattern, URLResolver

app_name = "assignments"
urlpatterns: list[URLPattern | URLResolver] = []
