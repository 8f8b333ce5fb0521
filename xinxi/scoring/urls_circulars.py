"""Pages of scoring: circulars (mounted by ``scoring/urls.py`` under /scoring/)."""

from django.urls import URLPattern, URLResolver, path

from xinxi.scoring import views_circulars as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("circulars/", views.circular_list, name="circulars"),
    path("circulars/new/", views.circular_generate, name="circular_generate"),
    path("circulars/<int:pk>/", views.circular_detail, name="circular_detail"),
    path("circulars/<int:pk>/edit/", views.circular_edit, name="circular_edit"),
    path("circulars/<int:pk>/submit/", views.circular_submit, name="circular_submit"),
    path("circulars/<int:pk>/return/", views.circular_return, name="circular_return"),
    path("circulars/<int:pk>/sign/", views.circular_sign, name="circular_sign"),
    path("circulars/<int:pk>/issue/", views.circular_issue, name="circular_issue"),
    path("circulars/<int:pk>/export.docx", views.circular_docx, name="circular_docx"),
    path("circulars/<int:pk>/export.xlsx", views.circular_xlsx, name="circular_xlsx"),
]
