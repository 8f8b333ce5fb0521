from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "xinxi.network"
    label = "network"
    verbose_name = "信息网络"
