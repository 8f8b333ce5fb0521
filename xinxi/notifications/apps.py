from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "xinxi.notifications"
    label = "notifications"
    verbose_name = "通知"
