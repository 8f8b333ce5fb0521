"""Pages of scoring: rankings (mounted by ``scoring/urls.py`` under /scoring/)."""

from django.urls import URLPattern, URLResolver, path

from xinxi.scoring import views_rankings as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.ranking_page, name="rankings"),
    path("rankings.xlsx", views.ranking_xlsx, name="rankings_xlsx"),
]
