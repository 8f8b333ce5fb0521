"""Assignment pages under /assignments/: each area keeps its own URL module."""

from django.urls import URLPattern, URLResolver

from xinxi.assignments import urls_priorities

app_name = "assignments"
urlpatterns: list[URLPattern | URLResolver] = [*urls_priorities.urlpatterns]
