"""Pages of scoring: rules (mounted by ``scoring/urls.py`` under /scoring/)."""

from django.urls import URLPattern, URLResolver, path

from xinxi.scoring import views_rules as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("rules/", views.rule_list, name="rules"),
    path("rules/new/", views.rule_create, name="rule_create"),
    path("rules/<int:pk>/", views.rule_detail, name="rule_detail"),
    path("rules/<int:pk>/edit/", views.rule_edit, name="rule_edit"),
    path("rules/<int:pk>/publish/", views.rule_publish, name="rule_publish"),
    path("rules/<int:pk>/correct/", views.rule_correct, name="rule_correct"),
    path("rules/<int:pk>/copy/", views.rule_copy, name="rule_copy"),
    path("rules/<int:pk>/preview/", views.rule_preview, name="rule_preview"),
    path("rules/penalties/", views.penalty_list, name="penalties"),
    path("entries/<int:pk>/reverse/", views.entry_reverse, name="entry_reverse"),
]
