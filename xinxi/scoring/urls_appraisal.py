"""Pages of scoring: appraisal (mounted by ``scoring/urls.py`` under /scoring/)."""

from django.urls import URLPattern, URLResolver, path

from xinxi.scoring import views_appraisal as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("appraisal/", views.appraisal_page, name="appraisal"),
    path("appraisal/confirm/", views.appraisal_confirm, name="appraisal_confirm"),
    path("appraisal/export.xlsx", views.appraisal_export_xlsx, name="appraisal_xlsx"),
    path("appraisal/export.docx", views.appraisal_export_docx, name="appraisal_docx"),
]
