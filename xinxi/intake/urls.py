"""E-mail intake pages under /intake/."""

from django.urls import URLPattern, URLResolver

app_name = "intake"
urlpatterns: list[URLPattern | URLResolver] = []
