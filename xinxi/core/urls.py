from django.urls import path

from xinxi.core import views

urlpatterns = [
    path("", views.home, name="home"),
]
