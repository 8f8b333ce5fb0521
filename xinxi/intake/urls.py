"""E-mail intake pages under /intake/."""

from django.urls import URLPattern, URLResolver, path

from xinxi.intake import views

app_name = "intake"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.queue, name="queue"),
    path("mailbox/", views.mailbox_page, name="mailbox"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/reject/", views.reject, name="reject"),
    path("<int:pk>/discard/", views.discard, name="discard"),
]
