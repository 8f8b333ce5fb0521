"""Pages of scoring: ledger (mounted by ``scoring/urls.py`` under /scoring/)."""

from django.urls import URLPattern, URLResolver, path

from xinxi.scoring import views_ledger as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("ledger/", views.ledger_list, name="ledger"),
    path("entries/<int:pk>/", views.entry_trace, name="entry_trace"),
    path("mine/", views.my_scores, name="my_scores"),
]
