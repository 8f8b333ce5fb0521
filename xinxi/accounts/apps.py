from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "xinxi.accounts"
    label = "accounts"
    verbose_name = "账户与角色"

    def ready(self) -> None:
        from xinxi.accounts import signals  # noqa: F401  (login audit receivers)
