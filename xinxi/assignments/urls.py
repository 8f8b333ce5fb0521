"""Assignment pages under /assignments/: each area keeps its own URL module."""

from django.urls import URLPattern, URLResolver, path

from xinxi.assignments import urls_commissions, urls_lists, urls_priorities, urls_remarks, views_hub

app_name = "assignments"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views_hub.hub, name="hub"),
    *urls_commissions.urlpatterns,
    *urls_lists.urlpatterns,
    *urls_remarks.urlpatterns,
    *urls_priorities.urlpatterns,
]
