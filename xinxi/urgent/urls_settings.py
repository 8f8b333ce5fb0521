"""The desk's limit table and warning settings."""

from django.urls import URLPattern, path

from xinxi.urgent import views_settings

urlpatterns: list[URLPattern] = [
    path("settings/", views_settings.settings_page, name="settings"),
]
