"""The archive (资料信息库), mounted at /archive/."""

from django.urls import path

from xinxi.archive import views

urlpatterns = [
    path("", views.archive, name="archive"),
]
