"""The notification centre, mounted at /notifications/."""

from django.urls import path

from xinxi.notifications import views

urlpatterns = [
    path("", views.notification_list, name="notification_list"),
    path("latest/", views.notification_popover, name="notification_popover"),
    path("<int:pk>/open/", views.notification_open, name="notification_open"),
    path("read-all/", views.notification_read_all, name="notification_read_all"),
]
