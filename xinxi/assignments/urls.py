"""Assignment pages under /assignments/: each area keeps its own URL module."""

from django.urls import URLPattern, URLResolver

from xinxi.assignments import urls_commissions, urls_lists, urls_remarks

app_name = "assignments"
urlpatterns: list[URLPattern | URLResolver] = [
    *urls_commissions.urlpatterns,
    *urls_lists.urlpatterns,
    *urls_remarks.urlpatterns,
]
