from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class NotificationsConfig(AppConfig):
    name = "xinxi.notifications"
    label = "notifications"
    verbose_name = "通知"

    def ready(self) -> None:
        # Each domain app words its own kinds in its ``notices`` module.
        autodiscover_modules("notices")
