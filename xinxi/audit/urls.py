from django.urls import path

from xinxi.audit import views

urlpatterns = [
    path("", views.audit_list, name="audit_list"),
    path("export.xlsx", views.audit_export, name="audit_export"),
]
