"""The archive (资料信息库), mounted at /archive/."""

from django.urls import path

from xinxi.items import search_views

urlpatterns = [
    path("", search_views.archive, name="archive"),
]
