from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "xinxi.network"
    label = "network"
    verbose_name = "信息网络"

    def ready(self) -> None:
        from xinxi.accounts import scope
        from xinxi.network import permissions

        scope.register(permissions)  # accounts asks the unit tree's rules through this interface
