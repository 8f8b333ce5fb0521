"""Assignment pages under /assignments/: each area keeps its own URL module."""

from django.urls import URLPattern, URLResolver

from xinxi.assignments import urls_remarks

app_name = "assignments"
urlpatterns: list[URLPattern | URLResolver] = [
    *urls_remarks.urlpatterns,
]
