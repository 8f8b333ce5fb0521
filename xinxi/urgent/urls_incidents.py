"""Incident pages: the list, one incident, recording, corrections, reports."""

from django.urls import URLPattern, path

from xinxi.urgent import views_incidents as v

urlpatterns: list[URLPattern] = [
    path("incidents/", v.incident_list, name="incident_list"),
    path("incidents/new/", v.incident_new, name="incident_new"),
    path("incidents/severity-hint/", v.severity_hint, name="severity_hint"),
    path("incidents/<int:pk>/", v.incident_detail, name="incident_detail"),
    path("incidents/<int:pk>/correct/", v.incident_correct, name="incident_correct"),
    path("incidents/<int:pk>/units/", v.incident_add_unit, name="incident_add_unit"),
    path("incidents/<int:pk>/reports/", v.report_file, name="report_file"),
]
