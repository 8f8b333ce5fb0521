"""Statistics pages under /urgent/stats/."""

from django.urls import URLPattern, path

from xinxi.urgent import views_stats as views

urlpatterns: list[URLPattern] = [
    path("stats/", views.stats_page, name="stats"),
    path("stats/export.xlsx", views.stats_xlsx, name="stats_xlsx"),
]
