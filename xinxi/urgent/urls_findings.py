"""Findings pages under /urgent/findings/."""

from django.urls import URLPattern, path

from xinxi.urgent import views_findings as views

urlpatterns: list[URLPattern] = [
    path("findings/", views.finding_list, name="finding_list"),
    path("findings/<int:pk>/", views.finding_detail, name="finding_detail"),
    path("findings/<int:pk>/confirm/", views.finding_confirm, name="finding_confirm"),
    path("findings/<int:pk>/dismiss/", views.finding_dismiss, name="finding_dismiss"),
    path("findings/<int:pk>/circular.docx", views.finding_circular, name="finding_circular"),
    path("findings/<int:pk>/files/<int:file_pk>/", views.finding_evidence, name="finding_evidence"),
    path("findings/record/<int:incident_pk>/", views.finding_record, name="finding_record"),
    path("findings/units/<int:unit_pk>/", views.unit_findings, name="unit_findings"),
]
